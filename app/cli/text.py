"""Text the command line echoes back: shown, never obeyed by the terminal."""

from __future__ import annotations


def printable(text: str) -> str:
    """Echoed input with control characters (ANSI escapes, tabs, newlines) shown as escapes, not obeyed:
    the output stays one tab-separated line per name and cannot recolour or rewrite the terminal."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)
