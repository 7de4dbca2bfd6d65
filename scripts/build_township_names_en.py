"""Build data/townships/township_names_en.csv: English names of the townships of the lists after the reform.

The English page names every place in English, townships included (the plan view's lists, the brief). Method as
for the counties (scripts/build_names_en.py, a romanisation, not an official translation): the place name in
Hanyu Pinyin without tones, one word, with an apostrophe before a/o/e syllables, by the PyPI package
``pypinyin``; the type translated (镇 Town, 乡 Township, 街道 Subdistrict), an ethnic township's people named
(彝族乡 Yi Ethnic Township). ``pypinyin`` reads some place-name characters with their common reading; the names
are a fallback for reading the English page, and the Chinese name and the code stand beside them.

Usage: python scripts/build_township_names_en.py [OUTPUT_DIR]   (default: data/townships; reads
data/townships/township_units.csv). Re-running reproduces the committed file byte for byte.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_names_en import ETHNIC, pinyin_word

ROOT = Path(__file__).resolve().parents[1]
TOWNSHIPS = ROOT / "data" / "townships"
YEARS = ("2021", "2023")  # the lists a plan is computed on (layers/norms.py PLAN_YEARS)
TYPES = {"街道": "Subdistrict", "镇": "Town", "乡": "Township"}
# Longest first, as layers/townships.py reads the type of a township-level name.
_TYPE = re.compile(r"(街道办事处|街道办|街道|镇|乡)$")
# Ethnic groups of Sichuan's 民族乡 beyond the counties' (scripts/build_names_en.py ETHNIC).
MORE_ETHNIC = {"傈僳族": "Lisu", "蒙古族": "Mongol", "纳西族": "Naxi", "白族": "Bai", "傣族": "Dai"}


def english(name: str) -> str:
    """川兴镇 → Chuanxing Town, 大龙潭彝族乡 → Dalongtan Yi Ethnic Township, 石板街道 → Shiban Subdistrict."""
    found = _TYPE.search(name)
    kind = TYPES["街道" if found and found.group(1).startswith("街道") else found.group(1)] if found else ""
    stem = name[: found.start()] if found else name
    peoples: list[str] = []
    groups = {**ETHNIC, **MORE_ETHNIC}
    while stem:
        hit = next((g for g in sorted(groups, key=len, reverse=True) if stem.endswith(g) and len(stem) > len(g)), None)
        if hit is None:
            break
        peoples.insert(0, groups[hit])
        stem = stem[: -len(hit)]
    words = [pinyin_word(stem)]
    if peoples:
        words.append(" and ".join(peoples) + " Ethnic")
    if kind:
        words.append(kind)
    return " ".join(words)


def main(out_dir: Path = TOWNSHIPS) -> None:
    with (TOWNSHIPS / "township_units.csv").open(encoding="utf-8") as f:
        units = [r for r in csv.DictReader(f) if r["year"] in YEARS]
    rows = sorted({(r["code"], r["name"]) for r in units})
    with (out_dir / "township_names_en.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["code", "name", "name_en"])
        writer.writerows([code, name, english(name)] for code, name in rows)
    print(f"wrote {len(rows)} names to {out_dir / 'township_names_en.csv'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else TOWNSHIPS)
