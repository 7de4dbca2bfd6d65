"""Development zones folded into the district that contains them (layers/zones.py): rule, values, table."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest

from app.core import mapdata
from app.core.viewstate import ViewState
from geodata.codes import gazetteer
from layers import default_registry, get_layer
from layers.summary import reconciliation
from layers.townships import name_stem
from layers.zones import CONTAINING_DISTRICT, fold_into_districts, with_zone_column, zone_column_title

ROOT = Path(__file__).resolve().parents[1]
TOWNSHIPS = ROOT / "data" / "townships"
CENSUS = ROOT / "data" / "census" / "census2020_sichuan.csv"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def census(adcode: str, indicator: str) -> int:
    """One raw census figure, read straight from the shipped copy (never through the layers)."""
    return next(int(r["value"]) for r in _rows(CENSUS) if r["adcode"] == adcode and r["indicator"] == indicator)


def count(adcode: str, year: int, indicator: str) -> int:
    """One township/village count, read straight from division_counts.csv or zone_counts.csv."""
    rows = _rows(TOWNSHIPS / "division_counts.csv") + _rows(TOWNSHIPS / "zone_counts.csv")
    return next(
        int(r["value"])
        for r in rows
        if r["adcode"] == adcode and r["year"] == str(year) and r["indicator"] == indicator
    )


def test_declared_containment_is_what_the_code_lists_say():
    # Derive containment from the NBS lists (township_units.csv, written from them byte for byte):
    # every township a zone ever listed appears, under the same place name in the same prefecture,
    # only ever under one county — the one it came from before the zone listed it (靖民镇 2018–2019,
    # 河市镇 / 金垭镇 / 石板镇 2018–2020) and the one that holds it in the 2023 list, after the zones ended.
    units = _rows(TOWNSHIPS / "township_units.csv")
    zone_of = {(u["prefecture_adcode"], name_stem(u["name"])): u["zone_adcode"] for u in units if u["zone_adcode"]}
    counties: dict[str, set[str]] = defaultdict(set)
    for u in units:
        zone = zone_of.get((u["prefecture_adcode"], name_stem(u["name"])))
        if zone and u["county_adcode"]:
            counties[zone].add(u["county_adcode"])
    derived = {zone: next(iter(found)) for zone, found in counties.items() if len(found) == 1}
    assert derived == CONTAINING_DISTRICT
    assert set(CONTAINING_DISTRICT) == {z.adcode for z in gazetteer().zones()}
    # and zone_units.csv's 2023 destinations agree
    dest = {(r["zone_adcode"], r["county_adcode_2023"]) for r in _rows(TOWNSHIPS / "zone_units.csv") if r["code_2023"]}
    assert dest == set(CONTAINING_DISTRICT.items())


def test_shizhong_outline_holds_the_zone_people_and_townships():
    # 市中区 511002 + 内江经济开发区 511071, census rows: 337,106 + 87,914 = 425,020 people;
    # townships 2021: 12 + 3 = 15 (= 市中区 in the 2023 list, which has no zone).
    pop = get_layer("pop_total").frame("county").set_index("adcode")["value"]
    assert census("511002", "pop_total") + census("511071", "pop_total") == 425_020
    assert pop["511002"] == 425_020
    townships = get_layer("townships_2021").frame("county").set_index("adcode")["value"]
    assert townships["511002"] == 12 + 3 == count("511002", 2023, "townships_total")
    assert townships["511902"] == 22 + 3 == count("511902", 2023, "townships_total")  # 巴州区 + 巴中经开区
    # per km² uses the same outline: numerator now 425,020
    per_km2 = get_layer("pop_total").normalised("area_km2").frame("county").set_index("adcode")["value"]
    area = get_layer("area_km2").frame("county").set_index("adcode")["value"]
    assert per_km2["511002"] == pytest.approx(425_020 / area["511002"] * 1000)


def test_shares_are_recomputed_from_folded_counts_not_summed():
    # 市中区 60+ share: (87,340 + 17,539) / (337,106 + 87,914) × 100 = 104,879 / 425,020 × 100 = 24.676 %
    share = get_layer("pop_60plus_share").frame("county").set_index("adcode")["value"]
    assert share["511002"] == pytest.approx(104_879 / 425_020 * 100)
    assert round(share["511002"], 2) == 24.68  # not the 25.91 of 市中区 alone
    # Every other county: the ratio of the census counts equals the census's own share to 2 decimals.
    rows = _rows(CENSUS)
    printed = {r["adcode"]: float(r["value"]) for r in rows if r["indicator"] == "pop_60plus_share"}
    gaz = gazetteer()
    for code, value in share.items():
        if code in CONTAINING_DISTRICT.values():
            continue
        source = next(c for c in printed if gaz.by_code[c].level == "county" and gaz.current_code(c) == code)
        assert round(value, 2) == pytest.approx(printed[source], abs=0.0051), code


@pytest.mark.parametrize(
    "layer_id", ["pop_total", "pop_0_14", "pop_60plus", "pop_65plus", "family_households", "townships_2021"]
)
def test_prefecture_equals_sum_of_its_counties_zones_included(layer_id):
    layer = get_layer(layer_id)
    summed = layer.frame("county").groupby("parent_adcode")["value"].sum()
    pref = layer.frame("prefecture").set_index("adcode")["value"]
    pd.testing.assert_series_equal(summed.sort_index(), pref.sort_index(), check_names=False)


def test_reconciliation_stays_exact_and_does_not_count_zones_twice():
    rec = reconciliation(default_registry()).set_index("layer_id")
    assert rec.loc["townships_2021", "sum_of_regions"] == 3101 and rec.loc["townships_2021", "gap"] == 0
    assert rec.loc["pop_60plus", "sum_of_regions"] == 18_163_804 and rec.loc["pop_60plus", "gap"] == 0
    # 17,539 + 10,053 + 10,892 people aged 60+ in the three zones, inside the county sum
    assert rec.loc["pop_60plus", "development_zones"] == 17_539 + 10_053 + 10_892


def test_zones_keep_their_own_figures():
    zones = get_layer("pop_0_14").unmapped("county").set_index("adcode")
    assert zones.loc["511071", "value"] == 13_776  # the census row of 内江经济开发区
    per_township = get_layer("elderly_per_township_2021").unmapped("county").set_index("adcode")["value"]
    assert per_township["511771"] == pytest.approx(10_053 / 5)  # 达州经开区: 60+ over its 5 townships of 2021


def test_a_missing_zone_figure_leaves_its_district_without_data():
    values = pd.Series({"511002": 10.0, "511703": 20.0, "510104": 5.0})
    zones = pd.Series({"511071": 1.0, "511771": float("nan")})
    out = fold_into_districts(values, zones)
    assert out["511002"] == 11 and pd.isna(out["511703"]) and out["510104"] == 5
    with pytest.raises(ValueError, match="no declared containing district"):
        fold_into_districts(values, pd.Series({"510104": 1.0}))


def test_a_share_with_zone_rows_cannot_be_folded_by_summing():
    from dataclasses import replace

    from layers import IndicatorSpec

    layer = replace(
        get_layer("pop_total"), id="share_raw", kind="share", spec=IndicatorSpec("census2020", "pop_60plus_share", 2020)
    )
    with pytest.raises(ValueError, match="only counts can be folded"):
        layer.spec.values(layer, "county")


def test_table_gives_a_zones_own_figure_beside_its_district_not_in_the_value_column():
    view = ViewState(layer="pop_total", level="county", area="511000")
    data = mapdata.map_data(get_layer("pop_total"), view)
    table = mapdata.shown_table(data)
    assert table["区划代码"].tolist() == data.table["adcode"].tolist()  # one row per outline, no zone row
    district = table.set_index("区划代码").loc["511002"]
    # 市中区（内江）: 337,106 on its own + 87,914 of 内江经济开发区 = 425,020, which alone is in the value column
    assert (district.iloc[1], district[zone_column_title("zh")]) == (425_020, 87_914)
    assert district["备注"] == "含内江经济开发区（511071）"
    others = table[table["区划代码"] != "511002"]
    assert others[zone_column_title("zh")].isna().all()
    en = mapdata.shown_table(mapdata.map_data(get_layer("pop_total"), ViewState(level="county", lang="en")))
    assert len(en) == 183 and en.set_index("Code").loc["511002", zone_column_title("en")] == 87_914


def test_zone_note_names_its_district_as_a_person_reads_it():
    from layers.zones import note, zone_heading

    assert note("511071") == "统计用开发区，无单独边界；已计入市中区（内江） 511002，不另计"
    assert "市中区（内江） 511002" in note("511071", "en")
    assert "已计入市中区（内江）的各项数值" in zone_heading("511071")


def test_zone_rows_follow_the_filter_of_their_district():
    table = get_layer("pop_total").frame("county")
    zones = get_layer("pop_total").unmapped("county")
    only_chengdu = with_zone_column(table[table["parent_adcode"] == "510100"], zones)
    assert "zone_value" not in only_chengdu
    neijiang = with_zone_column(table[table["parent_adcode"] == "511000"], zones).set_index("adcode")
    assert neijiang["zone_value"].dropna().to_dict() == {"511002": 87_914}


def test_dachuan_2021_catchments_count_the_towns_that_moved_into_the_zone():
    # In the 2021 list 河市镇, 金垭镇 and 石板街道 are under 达州经济开发区 511771, while the 2020 census counts
    # their people under 达川区 511703. Shipped before, 达川区 divided its census people by a township and village
    # count without those towns. Folding the zone puts both sides on the same outline. By hand, from the raw rows:
    #   census 2020 pop_60plus: 达川区 211,337 + 达州经开区 10,053 = 221,390
    #   census 2020 pop_0_14:   达川区 147,191 + 达州经开区  6,573 = 153,764
    #   2021 townships_total:   达川区 28 + 达州经开区 5 = 33
    #   2021 villages_total:    达川区 385 + 达州经开区 70 = 455
    #   people 60+ per township after the merger: 221,390 / 33 = 6,708.8   (was 211,337 / 28 = 7,547.8)
    #   children per village after the merger:    153,764 / 455 = 337.9    (was 147,191 / 385 = 382.3)
    assert (census("511703", "pop_60plus"), census("511771", "pop_60plus")) == (211_337, 10_053)
    assert (census("511703", "pop_0_14"), census("511771", "pop_0_14")) == (147_191, 6_573)
    assert (count("511703", 2021, "townships_total"), count("511771", 2021, "townships_total")) == (28, 5)
    assert (count("511703", 2021, "villages_total"), count("511771", 2021, "villages_total")) == (385, 70)
    elderly = get_layer("elderly_per_township_2021").frame("county").set_index("adcode")["value"]
    children = get_layer("children_per_village_2021").frame("county").set_index("adcode")["value"]
    assert elderly["511703"] == pytest.approx(221_390 / 33)
    assert round(elderly["511703"], 1) == 6708.8
    assert children["511703"] == pytest.approx(153_764 / 455)
    assert round(children["511703"], 1) == 337.9
    # 2018 on the same outline: 54 + 2 townships (斌郎乡, 幺塘乡 in the zone) → 221,390 / 56 = 3,953.4
    before = get_layer("elderly_per_township_2018").frame("county").set_index("adcode")["value"]
    assert (count("511703", 2018, "townships_total"), count("511771", 2018, "townships_total")) == (54, 2)
    assert before["511703"] == pytest.approx(221_390 / 56)


def test_change_lists_of_a_district_and_its_prefecture_include_the_zone_inside():
    from layers.annotations import township_changes

    dachuan = township_changes("511703")
    assert {"511703", "511771"} == set(dachuan["county_adcode"])
    moved = dachuan[dachuan["name"] == "河市镇"]
    assert set(moved["change"]) == {"removed", "added"} and set(moved["kind_label"]) == {"移交（在县或开发区之间）"}
    assert "511771" in set(township_changes("511700")["county_adcode"])
