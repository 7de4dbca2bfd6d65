"""Build data/gazetteer/names_en.csv: English names of the province, 21 prefectures and 183 counties.

Method (a romanisation, not an official translation): the Chinese name's stem in Hanyu Pinyin without
tones, written as one word with an apostrophe before a/o/e syllables (GB/T 16159: 雅安 → Ya'an),
computed with the PyPI package ``pypinyin``; the administrative suffix translated (区 District,
县 County, county-level 市 City, 自治县 Autonomous County, 自治州 Autonomous Prefecture; prefecture-level
cities as the bare name, e.g. Chengdu) and the ethnic groups of autonomous areas named in English
(彝族 Yi, 藏族 Tibetan, 羌族 Qiang). ``pypinyin`` reads a few place-name characters with their common
rather than their toponymic reading; those stems are fixed in READING_FIXES below (each checked
against the pinyin of the place name in the NBS/Xinhua spelling), and the file records per row which
method gave the name.

Usage: python scripts/build_names_en.py [OUTPUT_DIR]   (default: data/gazetteer)
Re-running reproduces the committed file byte for byte.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from pypinyin import Style, lazy_pinyin

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "gazetteer"

# Toponymic readings that differ from the common reading pypinyin gives.
READING_FIXES = {
    "犍为": "Qianwei",
    "筠连": "Junlian",
    "荥经": "Yingjing",
    "什邡": "Shifang",
    "朝天": "Chaotian",
    "会理": "Huili",
    "会东": "Huidong",
    "长宁": "Changning",
    "乐山": "Leshan",
    "乐至": "Lezhi",
    "阆中": "Langzhong",
    "郫都": "Pidu",
    "大邑": "Dayi",
    "夹江": "Jiajiang",
    "蓬安": "Peng'an",
    "新都": "Xindu",
    "丹棱": "Danling",
}

ETHNIC = {"彝族": "Yi", "藏族": "Tibetan", "羌族": "Qiang", "土家族": "Tujia", "苗族": "Miao", "回族": "Hui"}
SUFFIXES = [  # longest first
    ("经济开发区", "Economic Development Zone"),
    ("自治州", "Autonomous Prefecture"),
    ("自治县", "Autonomous County"),
    ("地区", "Prefecture"),
    ("省", "Province"),
    ("区", "District"),
    ("县", "County"),
    ("市", "City"),
]


def pinyin_word(chinese: str) -> str:
    """西昌 → Xichang, 雅安 → Ya'an, 马尔康 → Ma'erkang."""
    if chinese in READING_FIXES:
        return READING_FIXES[chinese]
    syllables = lazy_pinyin(chinese, style=Style.NORMAL, errors="strict")
    word = syllables[0]
    for s in syllables[1:]:
        word += ("'" if s[0] in "aoe" else "") + s
    return word.capitalize()


def split_name(name: str) -> tuple[str, list[str], str]:
    """凉山彝族自治州 → ("凉山", ["彝族"], "自治州"); 市中区 → ("市中", [], "区")."""
    suffix = next((zh for zh, _ in SUFFIXES if name.endswith(zh) and len(name) > len(zh)), "")
    stem = name[: len(name) - len(suffix)]
    groups: list[str] = []
    while True:
        hit = next((g for g in ETHNIC if stem.endswith(g)), None)
        if hit is None:
            break
        groups.insert(0, hit)
        stem = stem[: -len(hit)]
    return stem, groups, suffix


def english(name: str, level: str) -> tuple[str, str]:
    """(full English name, short English name) for a division."""
    stem, groups, suffix = split_name(name)
    short = pinyin_word(stem)
    if groups:
        people = " and ".join(ETHNIC[g] for g in groups)
        kind = dict(SUFFIXES)[suffix]
        return f"{short} {people} {kind}", short
    if level == "prefecture" and suffix == "市":
        return short, short  # prefecture-level cities are known by the bare name: Chengdu
    if suffix == "":
        return short, short
    return f"{short} {dict(SUFFIXES)[suffix]}", short


def main(out_dir: Path = OUT) -> None:
    with (out_dir / "sichuan_divisions.csv").open(encoding="utf-8") as f:
        divisions = [r for r in csv.DictReader(f) if "2023" in r["listed_years"].split(";") or r["level"] == "zone"]
    rows = []
    for d in sorted(divisions, key=lambda r: r["adcode"]):
        full, short = english(d["name"], d["level"])
        stem = split_name(d["name"])[0]
        method = "pinyin (reading fixed)" if stem in READING_FIXES else "pinyin (pypinyin)"
        rows.append({"adcode": d["adcode"], "name": d["name"], "name_en": full, "short_en": short, "method": method})
    with (out_dir / "names_en.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, ["adcode", "name", "name_en", "short_en", "method"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} names to {out_dir / 'names_en.csv'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
