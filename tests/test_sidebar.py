"""Sidebar behaviour through AppTest: settings kept across layers, URL ranges outside the data, the value
slider's format, and the messages for controls that would otherwise do nothing silently (issues 8 and 9)."""

from __future__ import annotations

import pytest
from branca.utilities import color_brewer

from app.core.i18n import t
from tests.support.apptest import (
    LIANGSHAN,
    class_colours,
    map_features,
    params,
    range_slider,
    rerun,
    run_app,
    sidebar_widget,
    table,
    values,
)


def test_class_settings_survive_a_visit_to_a_categorical_layer():
    at = run_app()
    sidebar_widget(at, "selectbox", "w_scheme").set_value("fisher_jenks")
    sidebar_widget(at, "slider", "w_k").set_value(7)
    sidebar_widget(at, "selectbox", "w_palette").set_value("Blues")
    rerun(at)
    asked = {"scheme": "fisher_jenks", "k": "7", "palette": "Blues"}
    assert params(at) == asked
    sidebar_widget(at, "selectbox", "w_theme").set_value("context")
    rerun(at)
    sidebar_widget(at, "radio", "w_layer").set_value("economic_region")  # categorical
    rerun(at)
    assert not [s for s in at.sidebar.slider if s.key == "w_k"]
    sidebar_widget(at, "selectbox", "w_theme").set_value("elderly_care")
    rerun(at)
    sidebar_widget(at, "radio", "w_layer").set_value("elderly_per_township_2021")
    rerun(at)
    assert sidebar_widget(at, "selectbox", "w_scheme").value == "fisher_jenks"
    assert sidebar_widget(at, "slider", "w_k").value == 7
    assert sidebar_widget(at, "selectbox", "w_palette").value == "Blues"
    assert params(at) == asked
    assert {c.lower() for c in class_colours(at)} == {c.lower() for c in color_brewer("Blues", 7)}


def test_manual_breaks_survive_a_categorical_layer_and_hide_the_class_count():
    at = run_app({"level": "prefecture", "scheme": "manual", "breaks": "3000,5000"})
    assert not [s for s in at.sidebar.slider if s.key == "w_k"]  # breaks set the classes
    assert any(t("manual_sets_classes", "zh") == c.value for c in at.sidebar.caption)
    sidebar_widget(at, "selectbox", "w_theme").set_value("highlights")
    rerun(at)
    sidebar_widget(at, "selectbox", "w_theme").set_value("elderly_care")
    rerun(at)
    sidebar_widget(at, "radio", "w_layer").set_value("elderly_per_township_2021")
    rerun(at)
    assert params(at) == {"level": "prefecture", "scheme": "manual", "breaks": "3000,5000"}
    assert len(class_colours(at)) == 3
    sidebar_widget(at, "selectbox", "w_scheme").set_value("quantiles")
    rerun(at)
    assert sidebar_widget(at, "slider", "w_k").value == 5  # the class count is back as it was


@pytest.mark.parametrize(
    ("query", "key"),
    [({"min": "1000000"}, "min"), ({"min": "1e308"}, "min"), ({"max": "-5"}, "max"), ({"max": "-0"}, "max")],
)
def test_url_range_outside_the_data_is_clamped_with_a_notice(query, key):
    at = run_app(query)  # no StreamlitValueAboveMaxError / BelowMinError
    v = values(at)
    lo, hi = float(v.min()), float(v.max())
    warnings = " ".join(w.value for w in at.main.warning)
    assert t("notices", "zh") in warnings and f"`{key}`=" in warnings and "超出数据范围" in warnings, warnings
    assert len(map_features(at)) == 183
    chosen = range_slider(at).value
    assert lo - 0.05 <= chosen[0] <= chosen[1] <= hi + 0.05  # the table gives this rate to 0.1
    # Clamped to the nearest end of the data: above the data → its maximum, below → its minimum.
    assert (chosen[0] if key == "min" else chosen[1]) == pytest.approx(hi if key == "min" else lo, abs=0.05)
    in_range = table(at).set_index("adcode")["在所选数值范围内"].eq("是")
    assert in_range.sum() >= 1  # the extreme region itself is still in range


def test_url_range_notice_in_english():
    at = run_app({"min": "1000000", "lang": "en"})
    warnings = " ".join(w.value for w in at.main.warning)
    assert "`min`=`1,000,000` lies outside the data range" in warnings, warnings


def test_value_slider_is_formatted_by_unit_and_precision():
    at = run_app()
    slider = range_slider(at)
    assert slider.label == "数值范围（范围外变灰）（人/乡镇）"
    assert slider.proto.format == "%,.0f"  # a catchment in persons: whole numbers; the unit is in the label
    at = run_app({"layer": "pop_60plus_share", "lang": "en"})
    slider = range_slider(at)
    assert slider.label.endswith("(%)")
    assert slider.proto.format == "%,.1f%%"  # a share over a span below 100 points: one decimal
    at = run_app({"layer": "townships_2021", "level": "prefecture"})
    assert range_slider(at).proto.format == "%,.0f"  # a count never shows decimals


def test_level_inside_a_prefecture_is_explained():
    at = run_app({"area": LIANGSHAN})
    level = sidebar_widget(at, "radio", "w_level")
    assert level.value == "county" and level.disabled
    assert t("level_fixed_in_prefecture", "zh") in [c.value for c in at.sidebar.caption]
    sidebar_widget(at, "selectbox", "w_area").set_value("all")
    rerun(at)
    assert not sidebar_widget(at, "radio", "w_level").disabled
    assert t("level_fixed_in_prefecture", "zh") not in [c.value for c in at.sidebar.caption]


def test_prefecture_only_layer_in_a_prefecture_says_the_area_changed():
    at = run_app({"area": LIANGSHAN, "lang": "en"})
    sidebar_widget(at, "selectbox", "w_theme").set_value("context")
    rerun(at)
    sidebar_widget(at, "radio", "w_layer").set_value("poverty_county_count")
    rerun(at)
    assert t("area_reset_prefecture_only", "en") in [i.value for i in at.sidebar.info]
    assert sidebar_widget(at, "selectbox", "w_area").value == "all"


def test_manual_breaks_outside_the_data_are_named():
    at = run_app({"level": "prefecture"})
    v = values(at)
    sidebar_widget(at, "selectbox", "w_scheme").set_value("manual")
    rerun(at)
    at.sidebar.text_input(key="w_breaks").set_value("1, 5000, 99999999")
    rerun(at)
    warnings = [w.value for w in at.sidebar.warning]
    assert len(warnings) == 1, warnings
    assert "1, 99,999,999" in warnings[0] and "5000" not in warnings[0].split("：")[-1]
    assert f"{v.min():,.10g}" in warnings[0] and f"{v.max():,.10g}" in warnings[0]
    assert len(class_colours(at)) == 2  # only the break inside the data splits it
    at.sidebar.text_input(key="w_breaks").set_value("5000")
    rerun(at)
    assert not at.sidebar.warning
