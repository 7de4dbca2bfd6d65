"""Helpers shared by the tests (never imported from a test file: a test file imports from here)."""
