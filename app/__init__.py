"""Streamlit UI of the Sichuan Coverage Atlas (the only package that imports Streamlit)."""
