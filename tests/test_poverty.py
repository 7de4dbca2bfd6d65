"""Former poverty counties: 66 national (raw copy) and 22 provincial (keyed from cited approvals)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from layers import get_layer
from layers.builders import poverty_counties
from layers.groups import GROUPS

CONTEXT = Path(__file__).resolve().parents[1] / "data" / "context"


def _rows(name: str) -> list[dict[str, str]]:
    with (CONTEXT / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_88_counties_66_national_22_provincial_none_on_both_lists():
    df = poverty_counties()
    assert len(df) == 88 and df["adcode"].is_unique
    assert Counter(df["category"]) == {"national": 66, "provincial": 22}
    # the yearly approvals: 5 / 15 / 30 / 31 / 7 counties in 2016–2020 (national and provincial together) …
    assert Counter(df["exit_year"].astype(int)) == {2016: 5, 2017: 15, 2018: 30, 2019: 31, 2020: 7}
    # … of which provincial: 前锋区, 华蓥市, 蓬安县 / 5 named in 2017 / 13 named in 2018 / 峨边 in 2019
    provincial = df[df["category"] == "provincial"]
    assert Counter(provincial["exit_year"].astype(int)) == {2016: 3, 2017: 5, 2018: 13, 2019: 1}


def test_every_provincial_row_names_its_source():
    rows = _rows("provincial_poverty_counties_sichuan.csv")
    assert len(rows) == 22
    assert all(r["source"] and r["source_url"].startswith("http") for r in rows)
    by_name = {r["name"]: r for r in rows}
    ebian = by_name["峨边彝族自治县"]
    assert ebian["exit_year"] == "2019" and "川府函〔2020〕33号" in ebian["source"]
    assert "by elimination" in by_name["蓬安县"]["source"]  # the one county not named as 省定 in its report


def test_todays_names_are_shown_while_the_raw_list_keeps_the_old_ones():
    raw = {r["adcode"]: r["name"] for r in _rows("poverty_counties_sichuan.csv")}
    assert raw["513201"] == "马尔康县" and raw["513301"] == "康定县"
    df = poverty_counties().set_index("adcode")
    assert df.loc["513201", "name"] == "马尔康市" and df.loc["513201", "listed_name"] == "马尔康县"
    assert df.loc["513301", "name"] == "康定市"
    frame = get_layer("poverty_category").frame("county").set_index("adcode")
    assert frame.loc["513201", "name"] == "马尔康市" and frame.loc["513201", "value"] == "国家级贫困县"


def test_groups_are_labelled_exactly_by_what_they_hold():
    national, both = GROUPS["poverty"], GROUPS["poverty_all"]
    assert national.name_zh == "国家级贫困县（66）"
    assert both.name_zh == "贫困县（含省定，88）"
    assert len(national.members("county")) == 66 and len(both.members("county")) == 88
    assert "511703" in both.members("county") - national.members("county")  # 达川区, provincial (2018)


def test_poverty_layers():
    category = get_layer("poverty_category").frame("county").set_index("adcode")["value"]
    assert Counter(category.dropna()) == {"国家级贫困县": 66, "省定贫困县": 22}
    assert category["511132"] == "省定贫困县"  # 峨边
    exits = get_layer("poverty_exit_year_all").frame("county").set_index("adcode")["value"]
    assert exits.notna().sum() == 88 and exits["511603"] == "2016年摘帽"  # 前锋区
    national = get_layer("poverty_exit_year").frame("county").set_index("adcode")["value"]
    assert national.notna().sum() == 66 and "511603" not in national.dropna().index
    count_all = get_layer("poverty_county_count_all").frame("prefecture").set_index("adcode")["value"]
    count = get_layer("poverty_county_count").frame("prefecture").set_index("adcode")["value"]
    assert count_all.sum() == 88 and count.sum() == 66
    # 广安: national 广安区; provincial 前锋区, 华蓥市, 岳池县, 武胜县, 邻水县
    assert (count["511600"], count_all["511600"]) == (1, 6)
    assert count_all["510100"] == 0  # 成都: on neither list, a real zero
