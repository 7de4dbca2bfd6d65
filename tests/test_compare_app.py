"""Compare mode through AppTest: every compare control, the URL round trip, a language switch (issue 13).

What the maps show is read from what st_folium would send to the browser (the component's script: the frame; its
feature group: the view's style table); the expected figures come from the layers' own frames, not from the compare
code.
"""

from __future__ import annotations

import html
import json

import pandas as pd
import pytest

from app.core.i18n import t
from app.core.markup import escape
from layers import default_registry
from tests.support.apptest import map_args, map_component, map_payload, params, rerun, run_app, sidebar_widget

REG = default_registry()
COMPARE = {"mode": "compare"}


def script(at) -> str:
    return map_args(at)["script"]


def legends(at) -> list[str]:
    """The legends' HTML of the map's panes, left to right."""
    return [pane["legend"] for pane in map_payload(at)["panes"]]


def test_mode_switch_shows_two_synchronised_maps_with_their_own_legends():
    at = run_app()
    sidebar_widget(at, "radio", "w_mode").set_value("compare")
    rerun(at)
    assert params(at) == {"mode": "compare"}
    js = script(at)
    assert ".sync(" in js and "/app/static/vendor/leaflet.sync-0.2.4/L.Map.Sync.js" in json.dumps(map_args(at))
    titles = [REG.get("elderly_per_township_2021").title("zh"), REG.get("pop_65plus_share").title("zh")]
    found = legends(at)
    assert len(found) == 2
    assert titles[0] in found[0] and titles[1] in found[1]


def test_layer_b_and_its_normalisation_and_the_view_picker_reach_the_address():
    at = run_app(COMPARE)
    sidebar_widget(at, "selectbox", "w_layer_b").set_value("townships_2021")
    rerun(at)
    sidebar_widget(at, "radio", "w_norm_b").set_value("area_km2")
    rerun(at)
    sidebar_widget(at, "radio", "w_cview").set_value("bivariate")
    rerun(at)
    assert params(at) == {"mode": "compare", "layer_b": "townships_2021", "norm_b": "area_km2", "cview": "bivariate"}
    b_title = REG.get("townships_2021").normalised("area_km2").title("zh")
    assert any(b_title in html.unescape(x) for x in legends(at))


def test_a_compare_view_survives_a_reload_from_its_address():
    asked = {
        "mode": "compare",
        "level": "prefecture",
        "layer_b": "children_per_township_2021",
        "cview": "gaps",
        "quad": "hi_hi",
        "thr_a": "p25",
        "thr_b": "p75",
    }
    at = run_app(asked)
    assert params(at) == asked
    assert sidebar_widget(at, "selectbox", "w_quad").value == "hi_hi"
    assert sidebar_widget(at, "text_input", "w_thr_a").value == "p25"


def _layer_values(layer_id: str, level: str) -> pd.Series:
    frame = REG.get(layer_id).frame(level)
    return frame.set_index("adcode")["value"].astype(float)


def test_gap_list_lists_exactly_the_regions_above_and_below_the_medians():
    at = run_app({**COMPARE, "cview": "gaps", "level": "prefecture"})
    a, b = _layer_values("elderly_per_township_2021", "prefecture"), _layer_values("pop_65plus_share", "prefecture")
    expected = set(a.index[(a > a.median()) & (b < b.median())])
    table = at.main.dataframe[-1].value
    assert set(table["区划代码"]) == expected and expected
    # moving the thresholds by value changes the list
    sidebar_widget(at, "text_input", "w_thr_a").set_value("0")
    rerun(at)
    table = at.main.dataframe[-1].value
    assert set(table["区划代码"]) == set(a.index[b < b.median()])
    assert params(at)["thr_a"] == "0"


def test_a_bad_threshold_is_named_and_the_median_used():
    at = run_app({**COMPARE, "cview": "gaps"})
    sidebar_widget(at, "text_input", "w_thr_b").set_value("[x](http://e)")
    rerun(at)
    assert any("`[x](http://e)`" in e.value for e in at.sidebar.error)
    assert "thr_b" not in params(at)


def test_bivariate_options_reach_the_map_legend_and_the_address():
    at = run_app({**COMPARE, "cview": "bivariate", "level": "prefecture"})
    sidebar_widget(at, "selectbox", "w_bpal").set_value("blue_orange")
    sidebar_widget(at, "text_input", "w_bbreaks_a").set_value("5000,7000")
    rerun(at)
    assert params(at)["bpal"] == "blue_orange" and params(at)["bbreaks_a"] == "5000,7000"
    legend = legends(at)[0]
    assert "#f3b300" in legend  # high A / low B of the blue–orange palette
    assert "5,000.0 – 7,000.0" in html.unescape(legend)  # a rate: to 0.1, as everywhere
    # a wrong count of breaks is named, terciles are used
    sidebar_widget(at, "text_input", "w_bbreaks_a").set_value("5000")
    rerun(at)
    assert any(t("two_breaks_needed", "zh", n=1) in e.value for e in at.sidebar.error)
    assert "bbreaks_a" not in params(at)


def test_scatter_shows_statistics_and_log_axes_reach_the_address():
    at = run_app({**COMPARE, "cview": "scatter", "level": "prefecture"})
    texts = [m.value for m in at.main.markdown]
    assert any("n \\= 21" in x and "Pearson r" in x and "Spearman ρ" in x for x in texts)
    assert any(t("correlation_caveat", "zh") in c.value for c in at.main.caption)
    sidebar_widget(at, "checkbox", "w_log_x").check()
    sidebar_widget(at, "checkbox", "w_log_y").check()
    rerun(at)
    assert params(at)["log"] == "xy"
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert chart["layout"]["xaxis"]["type"] == "log" and chart["layout"]["yaxis"]["type"] == "log"
    # hover names carry the parent prefecture; points are keyed by code
    points = chart["data"][0]
    assert len(points["customdata"]) == 21


@pytest.mark.parametrize("view", ["side_by_side", "bivariate", "scatter", "gaps"])
def test_every_view_survives_a_language_switch(view):
    at = run_app({**COMPARE, "cview": view})
    sidebar_widget(at, "radio", "w_lang").set_value("en")
    rerun(at)
    assert params(at)["lang"] == "en" and params(at).get("cview", "side_by_side") == view
    assert any(x.value.startswith("**A** · People aged 60\\+") for x in at.main.caption)  # in the new language
    assert sidebar_widget(at, "radio", "w_cview").value == view


def test_a_categorical_layer_a_is_explained_in_the_numeric_views():
    at = run_app({**COMPARE, "cview": "scatter", "layer": "economic_region"})
    assert any("economic" in i.value.lower() or "分类" in i.value for i in at.main.info)


def test_the_selected_region_is_outlined_on_both_side_by_side_maps():
    at = run_app({**COMPARE, "level": "prefecture", "sel": "513400"})
    outlined = [code for pane in map_payload(at)["panes"] for code, s in pane["styles"].items() if s["weight"] == 3]
    assert outlined == ["513400", "513400"]


def test_side_by_side_sources_are_under_the_maps_not_in_their_legends():
    at = run_app({**COMPARE, "level": "prefecture"})
    a, b = REG.get("elderly_per_township_2021"), REG.get("pop_65plus_share")
    for legend in legends(at):
        assert "来源" not in legend and "atlas-swatch" in legend  # a box with one swatch per class
    # in page order: the maps, then the line naming both sources
    shown = [e for e in _walk(at.main) if type(e).__name__ in ("Caption", "UnknownElement")]
    kinds = [
        "map" if type(e).__name__ == "UnknownElement" and e.type == "component_instance" else e.value
        for e in shown
        if type(e).__name__ == "Caption" or e.type == "component_instance"
    ]
    # each layer's unit, year and source, in the page's language
    lines = [f"**{w}** · {escape(x.title('zh'))}" for w, x in (("A", a), ("B", b))]
    for line, layer in zip(lines, (a, b), strict=True):
        where = next(i for i, k in enumerate(kinds) if k.startswith(line))
        assert kinds.index("map") < where and escape(layer.source_text(short=True, lang="zh")) in kinds[where]


def _walk(node):
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _walk(child)


@pytest.mark.parametrize(
    ("view", "change"),
    [
        ("side_by_side", ("radio", "w_layer", "households_with_65plus")),
        ("side_by_side", ("selectbox", "w_layer_b", "townships_2021")),
        ("bivariate", ("selectbox", "w_layer_b", "townships_2021")),
        ("bivariate", ("selectbox", "w_area", "513400")),
        ("hotspots", ("select_slider", "w_hs_p", 0.01)),
    ],
)
def test_a_compare_change_keeps_the_map_frame_and_sends_only_the_style_table(view, change):
    """Every compare view is on the page's one map route: a change of layer, area or option keeps the component (so
    the browser keeps its iframe and assets) and sends only the style table."""
    at = run_app({**COMPARE, "cview": view})
    frame_id, frame, before = map_component(at).id, map_args(at), map_payload(at)
    kind, key, value = change
    sidebar_widget(at, kind, key).set_value(value)
    rerun(at)
    assert map_component(at).id == frame_id and map_args(at)["script"] == frame["script"]
    assert map_payload(at) != before and "coordinates" not in map_args(at)["feature_group"]


@pytest.mark.parametrize("view", ["side_by_side", "bivariate", "scatter", "hotspots"])
def test_every_compare_map_is_fitted_to_the_shown_regions(view):
    """With one prefecture chosen, each compare map fits 凉山's counties as the single map does: the same bounds."""
    single = run_app({"area": "513400"})
    at = run_app({**COMPARE, "cview": view, "area": "513400"})
    assert map_payload(at)["fit"] == map_payload(single)["fit"]
    assert map_payload(at)["geometry"] == map_payload(single)["geometry"]
