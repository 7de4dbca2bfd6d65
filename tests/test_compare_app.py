"""Compare mode through AppTest: every compare control, the URL round trip, a language switch (issue 13).

What the maps show is read from what st_folium would send to the browser (the component's script); the
expected figures come from the layers' own frames, not from the compare code.
"""

from __future__ import annotations

import html
import json
import re

import pandas as pd
import pytest

from app.core.i18n import t
from layers import default_registry
from tests.support.apptest import map_args, params, rerun, run_app, sidebar_widget

REG = default_registry()
COMPARE = {"mode": "compare"}


def script(at) -> str:
    return map_args(at)["script"]


def legends(at) -> list[str]:
    """The legends' HTML in the map script (each Legend control sets innerHTML from a JSON string)."""
    return [json.loads(m) for m in re.findall(r"div\.innerHTML = (\"(?:[^\"\\]|\\.)*\");", script(at))]


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
    assert any(x.value.startswith("**A** ·") for x in at.main.markdown)
    assert sidebar_widget(at, "radio", "w_cview").value == view


def test_a_categorical_layer_a_is_explained_in_the_numeric_views():
    at = run_app({**COMPARE, "cview": "scatter", "layer": "economic_region"})
    assert any("economic" in i.value.lower() or "分类" in i.value for i in at.main.info)


def test_the_selected_region_is_outlined_on_both_side_by_side_maps():
    at = run_app({**COMPARE, "level": "prefecture", "sel": "513400"})
    js = script(at)
    # each feature's properties, keys sorted: adcode, style, tip
    outlined = re.findall(r'"adcode": "513400", "style": \{[^}]*"weight": 3\}', js)
    others = re.findall(r'"adcode": "510100", "style": \{[^}]*"weight": 3\}', js)
    assert len(outlined) == 2 and others == []
