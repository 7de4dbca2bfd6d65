"""English names of the regions: data/gazetteer/names_en.csv (Hanyu Pinyin, built by scripts/build_names_en.py)."""

from __future__ import annotations

import csv
from functools import cache

from geodata.codes import DATA_DIR


@cache
def _names() -> dict[str, tuple[str, str]]:
    with (DATA_DIR / "names_en.csv").open(encoding="utf-8") as f:
        return {r["adcode"]: (r["name_en"], r["short_en"]) for r in csv.DictReader(f)}


def english_name(adcode: str) -> str | None:
    """Liangshan Yi Autonomous Prefecture, Xichang City; None for a code without an entry."""
    hit = _names().get(adcode)
    return hit[0] if hit else None


def english_short(adcode: str) -> str | None:
    """Liangshan, Xichang: the bare romanised name."""
    hit = _names().get(adcode)
    return hit[1] if hit else None
