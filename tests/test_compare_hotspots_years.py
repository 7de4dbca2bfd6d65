"""The hot-spots and change-between-years compare views and the year slider, driven through AppTest."""

from __future__ import annotations

import html
import json

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box
from streamlit.testing.v1 import AppTest

from app.core.compare import compare_data
from app.core.hotspots import COLOURS, compute, summary_lines
from app.core.viewstate import ViewState
from app.webmap.hotspots import hotspot_pane
from layers import default_registry
from tests.support.apptest import APP, first_visit, map_payload
from tests.support.apptest import params as page_params
from tests.support.markdown import constructs


def run_app(params: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)  # hot spots: 999 permutations per view
    at.query_params.update(params)
    return first_visit(at)


def ranked_table(at: AppTest) -> pd.DataFrame:
    """The single map's data table (the one with ranks), not the development zones' table below it."""
    (table,) = [d.value for d in at.dataframe if "排名" in d.value.columns]
    return table


def drawn_features(at: AppTest) -> dict[str, dict]:
    """adcode -> {"tip", "style"} of every region the compare map draws (its style table, see pagemap)."""
    out: dict[str, dict] = {}
    for pane in map_payload(at)["panes"]:
        out.update({code: {"tip": pane["tips"][code], "style": style} for code, style in pane["styles"].items()})
    assert out, "expected regions in a compare map"
    return out


def test_year_slider_changes_the_map_and_the_address() -> None:
    at = run_app({"layer": "townships_by_year", "year": "2018"})
    slider = next(s for s in at.select_slider if s.label == "年份")
    assert slider.value == 2018 and list(slider.options) == ["2018", "2019", "2020", "2021", "2023"]
    table = ranked_table(at)
    shehong = table[table.iloc[:, 0].astype(str).str.contains("射洪")]
    assert not shehong.empty and 32 in shehong.iloc[:, 2].tolist()  # 射洪 had 32 townships in the 2018 list
    slider.set_value(2021).run()
    assert not at.exception
    assert page_params(at)["year"] == "2021"
    table = ranked_table(at)
    shehong = table[table.iloc[:, 0].astype(str).str.contains("射洪")]
    assert 23 in shehong.iloc[:, 2].tolist() and 32 not in shehong.iloc[:, 2].tolist()


def test_a_year_from_the_address_survives_reload_and_a_bad_one_is_named() -> None:
    at = run_app({"layer": "villages_by_year", "year": "2019"})
    assert next(s for s in at.select_slider if s.label == "年份").value == 2019
    bad = run_app({"layer": "villages_by_year", "year": "2022<b>"})
    shown = " ".join(w.value for w in bad.warning) + " ".join(m.value for m in bad.markdown)
    assert "`2022<b>`" in shown  # the value is shown as literal inline code, never as markup
    assert next(s for s in bad.select_slider if s.label == "年份").value == 2023


def test_change_view_maps_the_difference_between_the_chosen_years() -> None:
    params = {
        "mode": "compare",
        "cview": "year_change",
        "layer": "townships_by_year",
        "year": "2021",
        "year_from": "2018",
    }
    at = run_app(params)
    features = drawn_features(at)
    assert len(features) == 183
    tip = features["510981"]["tip"]  # 射洪: 32 → 23
    assert "-9" in tip and "2018" in tip and "2021" in tip
    table = at.dataframe[-1].value.set_index("adcode")
    assert table.loc["510118"].iloc[-2:].tolist() == pytest.approx([-4, -100 / 3])  # 新津 12 → 8
    assert page_params(at) == params
    # per cent instead of absolute, through the sidebar
    at.radio(key="w_chg").set_value("pct").run()
    assert not at.exception
    assert "-28.12%" in drawn_features(at)["510981"]["tip"]  # the layer's two decimals, as in its legend
    assert page_params(at) == {**params, "chg": "pct"}


def test_change_view_asks_for_a_series_layer_in_english() -> None:
    at = run_app({"mode": "compare", "cview": "year_change", "lang": "en"})
    assert any("several years" in i.value for i in at.info)


def test_hotspots_view_shows_global_i_threshold_and_caveat() -> None:
    at = run_app({"mode": "compare", "cview": "hotspots", "lang": "en", "hs_p": "0.01"})
    text = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert "Moran" in text and "999 permutations" in text and "0\\.01" in text
    assert "21 prefectures has little power" in text
    features = drawn_features(at)
    assert len(features) == 183
    colours = {p["style"]["fillColor"] for p in features.values()}
    assert COLOURS["HH"] in colours and COLOURS["LL"] in colours
    assert page_params(at) == {"mode": "compare", "cview": "hotspots", "lang": "en", "hs_p": "0.01"}


def test_hotspot_tooltips_and_notes_are_escaped() -> None:
    from dataclasses import replace

    from geodata import load_boundaries

    registry = default_registry()
    view = ViewState(mode="compare", compare_view="hotspots", area="510100", level="county")
    data = compare_data(registry, view)
    table = data.table.copy()
    evil = "<img src=x onerror=alert(1)>*锦江*"
    table.loc[table["adcode"] == "510104", "label"] = evil
    table.loc[table["adcode"] == "510104", "value_a"] = float("nan")  # listed as "no data"
    data = replace(data, table=table)
    shapes = load_boundaries("county")
    hs = compute(data, shapes)
    assert hs.no_data == ("510104",)
    pane = hotspot_pane(data, hs)
    tip = pane["tips"]["510104"]
    assert evil not in tip and html.escape(evil) in tip
    assert "<img" not in json.dumps(pane, ensure_ascii=False)
    for line in summary_lines(data, hs):
        assert constructs(line) == [], line  # plain text once rendered: no HTML, no emphasis
    assert "锦江" in "\n".join(summary_lines(data, hs)) and "510104" in "\n".join(summary_lines(data, hs))


def test_hotspots_on_a_detached_area_report_islands() -> None:
    from app.core.compare import CompareData

    registry = default_registry()
    view = ViewState(mode="compare", compare_view="hotspots")
    data = compare_data(registry, view)
    squares = gpd.GeoDataFrame(
        {"adcode": data.table["adcode"]},
        geometry=[box(i * 2, 0, i * 2 + 1, 1) for i in range(len(data.table))],  # nobody touches anybody
        crs="EPSG:4326",
    )
    hs = compute(CompareData(data.view, data.a, data.b, data.table), squares)
    assert hs.problem == "too_few" and len(hs.islands) == 183
    assert "island" in "\n".join(summary_lines(data, hs)) or "孤岛" in "\n".join(summary_lines(data, hs))
    assert isinstance(hs.table, pd.DataFrame)


def test_a_click_or_a_palette_does_not_recompute_the_lisa() -> None:
    from dataclasses import replace

    from app.core.hotspots import figures_key

    view = ViewState(mode="compare", compare_view="hotspots", layer="townships_by_year", year=2019)
    same = replace(view, selected="510104", palette="Blues", lang="en", reverse=True, vmin=3.0)
    assert figures_key(same) == figures_key(view)
    for changed in (
        replace(view, hs_p=0.01),
        replace(view, hs_kind="ab"),
        replace(view, year=2021),
        replace(view, area="510100"),
        replace(view, norm="area_km2"),
        replace(view, layer_b="pop_total"),
    ):
        assert figures_key(changed) != figures_key(view)
