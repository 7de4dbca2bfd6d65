"""The plan view's figures (app/core/plan.py): a norm's shortfall recomputed by hand from the NBS lists
(data/townships/*.csv read with the csv module) and a small facility list saved as the upload page saves it."""

from __future__ import annotations

import io
import math
from collections import Counter

import pandas as pd
import pytest

from app.core.plan import plan_data, sanitise_plan, shortfall_breaks, supply_ids
from app.core.plantables import region_table, regions_csv, township_list, townships_csv
from app.core.viewstate import DEFAULT, Notice, ViewState, from_query_params, to_query_params
from layers import default_registry
from layers.norms import shipped_norms
from layers.userstore import UserStore
from tests.support.plan import read, save_supply

ZONES = {"511071": "511002", "511771": "511703", "511971": "511902"}  # README: a zone's townships in its district
XICHANG, SHIZHONG, JINJIANG = "513401", "511002", "510104"
SITES = [
    ("甲站", "西昌市", "川兴镇"),
    ("乙站", "西昌市", "川兴镇"),  # a second site in the same township
    ("丙站", "西昌市", "普诗乡"),  # 昭觉县's 普诗乡 went into 川兴镇 (2018 → 2021): counts for 川兴镇
    ("丁站", "西昌市", "礼州镇"),
    ("戊站", "西昌市", ""),  # located in the county, in no township
    ("己站", "市中区(内江)", "交通镇"),  # a township of 内江经济开发区 (2021), inside 市中区's outline
    ("庚站", "市中区(内江)", "城南街道"),  # merged into 城东街道 in the reform
    ("辛站", "锦江区", "春熙路街道"),
]


def hand_townships(year: int) -> dict[str, list[dict[str, str]]]:
    """The townships of each county (a zone's in its district) of one list, read from the CSV."""
    out: dict[str, list[dict[str, str]]] = {}
    for r in read("township_units.csv"):
        if r["year"] == str(year):
            out.setdefault(r["county_adcode"] or ZONES[r["zone_adcode"]], []).append(r)
    return out


def hand_villages(year: int) -> dict[str, int]:
    rows = {r["code"]: r for r in read("township_villages.csv") if r["year"] == str(year)}
    return {c: int(rows[c]["village_committees"]) + int(rows[c]["residents_committees"]) for c in rows}


@pytest.fixture
def store(tmp_path):
    s = UserStore(f"sqlite:///{tmp_path / 'plan.sqlite'}")
    yield s
    s.engine.dispose()


@pytest.fixture
def supply(store):
    return save_supply(store, SITES, year=2021)


def test_station_shortfall_of_three_counties_by_hand(supply):
    layer_id, registry, sets = supply
    townships = hand_townships(2021)
    code_of = {
        (r["county_adcode"] or ZONES[r["zone_adcode"]], r["name"]): r["code"] for rs in townships.values() for r in rs
    }
    existing = {XICHANG: 5, SHIZHONG: 2, JINJIANG: 1}  # every located site counts in its county
    view = ViewState(mode="plan", plan_norm="cp_station_per_township", plan_supply=layer_id, plan_year=2021)
    plan = plan_data(view, registry, shipped_norms(), sets)
    table = plan.counties
    for county, sites in existing.items():
        required = len(townships[county])  # one station per township
        assert table.at[county, "required"] == required
        assert table.at[county, "existing"] == sites
        assert table.at[county, "shortfall"] == max(required - sites, 0)
        assert table.at[county, "surplus"] == max(sites - required, 0)
        assert table.at[county, "coverage"] == pytest.approx((required - max(required - sites, 0)) / required * 100)
    assert table.at[SHIZHONG, "required"] == 15  # 12 of 市中区 and 3 of the zone inside it (README)
    # Townships with a site: 川兴镇 (three: two by name, one through the reform), 礼州镇, 交通镇, 城东街道, 春熙路街道.
    with_site = {
        code_of[XICHANG, "川兴镇"],
        code_of[XICHANG, "礼州镇"],
        code_of[SHIZHONG, "交通镇"],
        code_of[SHIZHONG, "城东街道"],
        code_of[JINJIANG, "春熙路街道"],
    }
    for county in existing:
        without = {r["code"] for r in townships[county]} - with_site
        assert table.at[county, "without_site"] == len(without)
        listed = plan.townships[(plan.townships["county"] == county) & (plan.townships["existing"] == 0)]
        assert set(listed["code"]) == without
    chuanxing = plan.townships.set_index("code").loc[code_of[XICHANG, "川兴镇"]]
    assert chuanxing["existing"] == 3 and chuanxing["shortfall"] == 0
    assert table.at[XICHANG, "unplaced"] == 1  # 戊站: in the county, in no township


def test_no_supply_figure_is_no_data_never_zero(store):
    # A list covering only 凉山 (the planner unticked "covers all of Sichuan"): other counties have no figures.
    layer_id, registry, sets = save_supply(store, SITES[:4], year=2023, covered_prefectures={"513400"})
    view = ViewState(mode="plan", plan_supply=layer_id, level="prefecture")
    plan = plan_data(view, registry, shipped_norms(), sets)
    counties = plan.counties
    assert counties.loc[JINJIANG, ["existing", "shortfall", "surplus", "coverage"]].isna().all()
    assert (
        counties.at["513402", "existing"] == 0
        and counties.at["513402", "shortfall"] == counties.at["513402", "required"]
    )
    regions = plan.regions.set_index("adcode")
    assert math.isnan(regions.at["510100", "shortfall"])  # 成都市: no county has a figure
    liangshan = counties[counties["parent_adcode"] == "513400"]
    assert regions.at["513400", "shortfall"] == liangshan["shortfall"].sum()
    assert regions.at["513400", "required"] == liangshan["required"].sum()
    total = plan.totals.set_index("adcode").loc["510000"]
    assert total["with_figures"] == 17 and total["counties"] == 183
    assert total["shortfall"] == liangshan["shortfall"].sum()  # totals over the counties with figures only
    table = region_table(plan)
    assert table.loc[table.iloc[:, 1] == "510100"].iloc[0, 6] is pd.NA  # shown empty, never 0
    assert plan.map.table.set_index("adcode").at["510100", "status"] == "no_data"


def test_prefecture_shortfall_sums_its_counties_and_a_surplus_does_not_fill_another(supply):
    layer_id, registry, sets = supply
    norm = "cp_institution_per_county"  # one per county: 西昌市 has 5 (surplus 4), 会理市 0 (shortfall 1)
    plan = plan_data(
        ViewState(mode="plan", plan_norm=norm, plan_supply=layer_id, plan_year=2021, level="prefecture"),
        registry,
        shipped_norms(),
        sets,
    )
    counties = plan.counties[plan.counties["parent_adcode"] == "513400"]
    assert counties.at[XICHANG, "surplus"] == 4 and counties.at[XICHANG, "shortfall"] == 0
    liangshan = plan.regions.set_index("adcode").loc["513400"]
    assert liangshan["shortfall"] == 16  # 16 counties without one; 西昌市's surplus fills none of them
    assert liangshan["surplus"] == 4 and liangshan["existing"] == 5 and liangshan["required"] == 17
    assert plan.townships is None  # a per-county norm lists no townships


def test_home_per_village_counts_each_townships_villages(supply):
    layer_id, registry, sets = supply
    villages = hand_villages(2021)
    townships = hand_townships(2021)
    plan = plan_data(
        ViewState(mode="plan", plan_norm="cp_home_per_village", plan_supply=layer_id, plan_year=2021),
        registry,
        shipped_norms(),
        sets,
    )
    for county in (XICHANG, SHIZHONG, JINJIANG):
        required = sum(villages[r["code"]] for r in townships[county])
        assert plan.counties.at[county, "required"] == required
        division = {
            r["indicator"]: int(r["value"])
            for r in read("division_counts.csv")
            if r["adcode"] == county and r["year"] == "2021" and r["level"] == "county"
        }
        zone = sum(
            int(r["value"])
            for r in read("zone_counts.csv")
            if ZONES.get(r["adcode"]) == county and r["year"] == "2021" and r["indicator"] == "villages_total"
        )
        assert required == division["villages_total"] + zone  # every committee of 2021 is under a township
    by_code = plan.townships.set_index("code")
    chuanxing = next(r["code"] for r in townships[XICHANG] if r["name"] == "川兴镇")
    assert by_code.at[chuanxing, "required"] == villages[chuanxing]
    assert by_code.at[chuanxing, "shortfall"] == max(villages[chuanxing] - 3, 0)


def test_the_2023_list_carries_the_2021_townships(store):
    # Matched in the 2021 list, planned on the 2023 list: 交通镇 was the zone's 511071101, is 市中区's 511002112.
    layer_id, registry, sets = save_supply(store, SITES, year=2021)
    plan = plan_data(ViewState(mode="plan", plan_supply=layer_id, plan_year=2023), registry, shipped_norms(), sets)
    jiaotong = next(r["code"] for r in hand_townships(2023)[SHIZHONG] if r["name"] == "交通镇")
    assert plan.townships.set_index("code").at[jiaotong, "existing"] == 1
    assert plan.counties.at[SHIZHONG, "without_site"] == 15 - 2


def test_township_list_and_csv_keep_codes_as_text_and_name_the_norm(supply):
    layer_id, registry, sets = supply
    view = ViewState(mode="plan", plan_supply=layer_id, plan_year=2021, area="513400", lang="en")
    plan = plan_data(view, registry, shipped_norms(), sets)
    listed = township_list(plan)
    assert set(listed["County code"]) <= {d for d in plan.counties.index if d.startswith("5134")}
    assert all(c.startswith(p) for c, p in zip(listed["Township code"], listed["County code"], strict=True))
    assert not listed["Township"].str.contains(r"[\u4e00-\u9fff]").any()  # English names on the English page
    data = townships_csv(plan)
    assert data.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert "513401103" not in set(frame["Township code"])  # 川兴镇 has its sites
    assert "China Social News" in data.decode("utf-8-sig") and "“One station”" in data.decode("utf-8-sig")
    assert b"513401" in regions_csv(plan)


def test_supply_offers_the_norms_facility_lists_and_untyped_count_layers(store):
    station, _, _ = save_supply(store, SITES[:1], facility_type="child_protection_station")
    home, registry, sets = save_supply(store, SITES[:1], facility_type="children_home")
    catalogue = shipped_norms()
    assert supply_ids(registry, sets, catalogue.get("cp_station_per_township"))[0] == station
    assert home not in supply_ids(registry, sets, catalogue.get("cp_station_per_township"))
    notices: list[Notice] = []
    view = sanitise_plan(ViewState(mode="plan", plan_supply=home, plan_norm="nope"), catalogue, registry, sets, notices)
    assert view.plan_norm == DEFAULT.plan_norm and view.plan_supply == ""
    assert [n.kind for n in notices] == ["plan_norm_unknown", "plan_supply_unknown"]


def test_plan_fields_are_in_the_address_only_in_plan_mode():
    registry = default_registry()
    view = ViewState(
        mode="plan", plan_norm="cp_home_per_village", plan_supply="user_3", plan_year=2021, plan_show="coverage"
    )
    params = to_query_params(view)
    assert params == {
        "mode": "plan",
        "pnorm": "cp_home_per_village",
        "psupply": "user_3",
        "pyear": "2021",
        "pshow": "coverage",
    }
    back, notices = from_query_params(params, registry)
    assert back == view and not notices
    assert "pnorm" not in to_query_params(ViewState(plan_norm="cp_home_per_village"))
    _, notices = from_query_params({"mode": "plan", "pyear": "2019", "pshow": "all", "psupply": "<b>"}, registry)
    assert Counter(n.kind for n in notices) == Counter({"bad_value": 3})


def test_shortfall_classes_keep_the_norm_met_apart():
    values = pd.Series([0, 0, 3, 5, 8, 13, 21, 34, float("nan")])
    breaks = shortfall_breaks(values, "quantiles", 5)
    assert breaks[0] == 0 and len(breaks) <= 4 and all(b > 0 for b in breaks[1:])
    assert shortfall_breaks(pd.Series([2.0, 5.0, 9.0]), "quantiles", 3)[0] > 0  # nobody meets it: no 0 class
    assert shortfall_breaks(pd.Series([0.0, 0.0]), "quantiles", 5) == (0.0,)
