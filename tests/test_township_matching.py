"""Township names in facility lists matched to the townships of a list after the reform (layers/townshiplists.py),
old names followed through the 2019–2020 mergers as data/townships/township_changes_2018_2021.csv records them."""

from __future__ import annotations

import re

import pytest

from layers.townshiplists import township_index, townships
from tests.support.plan import place, read

CHANGES = read("township_changes_2018_2021.csv")
ZONES = {"511071": "511002", "511771": "511703", "511971": "511902"}


def removed(kind: str, links: int) -> list[dict[str, str]]:
    """Removed 2018 townships of a kind with ``links`` successors named, read from the CSV."""
    return [
        r
        for r in CHANGES
        if r["change"] == "removed" and r["kind"] == kind and len(re.findall(r"\d{9} ", r["linked"])) == links
    ]


def county_of(row: dict[str, str]) -> str:
    return ZONES.get(row["county_adcode"], row["county_adcode"])


@pytest.mark.parametrize("year", [2021, 2023])
def test_every_merged_away_township_counts_for_the_one_that_absorbed_it(year):
    index = township_index(year)
    merged = removed("merger", 1)
    assert len(merged) > 1000
    current = townships(year).set_index("code")
    later = {
        (r.county, re.sub(r"(街道|镇|乡)$", "", r.name)): r.Index for r in townships(year).itertuples()
    }  # the 2021 successor's place in the later list
    for row in merged:
        successor = re.match(r"(\d{9}) (\S+) ", row["linked"])
        match = index.match(county_of(row), row["name"])
        assert match.status == "reform", (row, match)
        if year == 2021:
            assert match.code == successor.group(1), row
        else:  # the same place in the 2023 list (some zone townships were renumbered)
            assert current.at[match.code, "name"] == successor.group(2), row
            assert (match.county, re.sub(r"(街道|镇|乡)$", "", successor.group(2))) in later
        assert match.old == (2018, row["code"], row["name"]) and match.kind == "merger"


def test_renamed_split_and_untraced_townships():
    index = township_index(2021)
    for row in removed("rename", 1):
        match = index.match(county_of(row), row["name"])
        assert match.status in ("reform", "place_name") and match.code == row["linked"][:9], row
    for row in removed("split", 2)[:20]:
        match = index.match(county_of(row), row["name"])
        codes = set(re.findall(r"(\d{9}) ", row["linked"]))
        assert match.status == "ambiguous" and {c for c, _, _ in match.candidates} == codes, row
        assert match.code is None
    untraced = removed("merger", 0)
    assert untraced
    for row in untraced[:20]:
        match = index.match(county_of(row), row["name"])
        assert match.status == "untraced" and match.code is None and match.old[1] == row["code"], row


def test_transfers_follow_the_land_to_the_other_county():
    index = township_index(2021)
    # 下长镇 长宁县 → 江安县 (README "Changes 2018 → 2021"); the site listed under 长宁县 counts in 江安县.
    xiachang = next(r for r in CHANGES if r["name"] == "下长镇" and r["change"] == "removed")
    match = index.match("511524", "下长镇")
    assert (match.status, match.code, match.county) == ("reform", xiachang["linked"][:9], "511523")
    assert "长宁" not in match.note("zh") and "2018年名单：下长镇（511524108" in match.note("zh")
    # 普诗乡 (昭觉县) went into 西昌市's 川兴镇: found under either county.
    for county in ("513431", "513401"):
        match = index.match(county, "普诗乡")
        assert (match.status, match.code, match.county) == ("reform", "513401103", "513401"), county


def test_names_as_planners_write_them():
    index = township_index(2021)
    assert index.match("513401", "川兴镇").status == "exact"
    assert (index.match("513401", "川兴").status, index.match("513401", "川兴").code) == ("place_name", "513401103")
    assert index.match("513401", " 凉山州西昌市 川兴镇 ").code == "513401103"  # place names in front, spaces
    assert index.match("510116", "华阳镇街道办").code == index.match("510116", "华阳街道").code  # 2018's name
    other = index.match("513401", "下长镇")
    assert other.status == "other_county" and other.candidates[0][2] == "511523"
    assert index.match("513401", "没有这个乡").status == "unmatched"
    assert index.match("513401", "").status == "empty"


def test_a_site_moves_county_with_its_township_unless_its_coordinates_say_otherwise():
    placement = place([("甲", "长宁县", "下长镇"), ("乙", "长宁县", "双河镇"), ("丙", "长宁县", "")], 2021)
    points = placement.facilities.points
    assert list(points["county"]) == ["511523", "511524", "511524"]
    assert placement.moved == {2: ("511524", "511523")}
    counts = placement.counts().set_index(["county", "township"])["sites"]
    assert counts[("511523", match_code("511523", "下长镇"))] == 1 and counts[("511524", "")] == 1
    assert [r for r, _ in placement.not_placed] == [4]


def match_code(county: str, name: str) -> str:
    return next(
        r["code"]
        for r in read("township_units.csv")
        if r["year"] == "2021" and r["county_adcode"] == county and r["name"] == name
    )


def test_township_villages_sum_to_the_county_counts():
    villages = {
        (r["year"], r["code"]): int(r["village_committees"]) + int(r["residents_committees"])
        for r in read("township_villages.csv")
    }
    units = read("township_units.csv")
    assert len(villages) == len(units)
    for year in ("2021", "2023"):
        per_county: dict[str, int] = {}
        for r in units:
            if r["year"] == year:
                county = r["county_adcode"] or ZONES[r["zone_adcode"]]
                per_county[county] = per_county.get(county, 0) + villages[year, r["code"]]
        expected: dict[str, int] = {}
        for r in read("division_counts.csv") + read("zone_counts.csv"):
            if r["year"] == year and r["indicator"] == "villages_total" and r["level"] in ("county", "zone"):
                county = ZONES.get(r["adcode"], r["adcode"])
                expected[county] = expected.get(county, 0) + int(r["value"])
        assert per_county == {c: v for c, v in expected.items() if c in per_county}
        assert sum(per_county.values()) == sum(expected.values())


def test_english_township_names_are_rebuilt_by_their_script(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    pytest.importorskip("pypinyin")
    root = Path(__file__).resolve().parents[1]
    subprocess.run([sys.executable, str(root / "scripts/build_township_names_en.py"), str(tmp_path)], check=True)
    built = (tmp_path / "township_names_en.csv").read_bytes()
    assert built == (root / "data/townships/township_names_en.csv").read_bytes()
    names = {r["name"]: r["name_en"] for r in read("township_names_en.csv")}
    assert names["大龙潭彝族乡"] == "Dalongtan Yi Ethnic Township"
    assert names["川兴镇"] == "Chuanxing Town" and names["石板街道"] == "Shiban Subdistrict"
    listed = {r["code"] for r in read("township_units.csv") if r["year"] in ("2021", "2023")}
    assert listed == {r["code"] for r in read("township_names_en.csv")}
