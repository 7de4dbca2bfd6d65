"""English names of the regions (filled from data/gazetteer/names_en.csv when present)."""

from __future__ import annotations


def english_name(adcode: str) -> str | None:
    return None


def english_short(adcode: str) -> str | None:
    return None
