"""Compare mode in the frozen ViewState and its URL round trip (issue 13)."""

from __future__ import annotations

import pytest

from app.core.compareviews import VIEWS
from app.core.viewstate import DEFAULT, ViewState, from_query_params, to_query_params, view_a, view_b
from layers import default_registry

REG = default_registry()


def test_a_compare_view_round_trips_through_the_address():
    view = ViewState(
        mode="compare", layer="townships_2021", layer_b="pop_65plus", norm_b="pop_total", compare_view="scatter"
    )
    params = to_query_params(view)
    assert params == {
        "layer": "townships_2021",
        "mode": "compare",
        "layer_b": "pop_65plus",
        "norm_b": "pop_total",
        "cview": "scatter",
    }
    back, notices = from_query_params(params, REG)
    assert back == view
    assert notices == []


def test_single_mode_leaves_the_compare_fields_out_of_the_address():
    assert to_query_params(ViewState(layer_b="pop_65plus", compare_view="gaps")) == {}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("mode", "both"),
        ("layer_b", "economic_region"),  # categorical: no scatter or terciles
        ("layer_b", "no_such_layer"),
        ("cview", "[x](http://evil)"),
    ],
)
def test_invalid_compare_values_fall_back_with_a_notice(key, value):
    view, notices = from_query_params({"mode": "compare", key: value}, REG)
    assert [n.kind for n in notices] == ["bad_value"]
    assert dict(notices[0].args)["key"] == key
    assert "`" in notices[0].markdown("zh")  # the value is shown verbatim, as code, not as a link
    field = {"mode": "mode", "layer_b": "layer_b", "cview": "compare_view"}[key]
    assert getattr(view, field) == getattr(DEFAULT, field)


def test_a_normalisation_layer_b_does_not_offer_is_dropped_with_a_notice():
    view, notices = from_query_params({"mode": "compare", "layer_b": "pop_65plus_share", "norm_b": "area_km2"}, REG)
    assert view.norm_b == "absolute"
    assert [n.kind for n in notices] == ["norm_missing"]


def test_layer_b_without_the_level_falls_back_with_a_notice():
    view, notices = from_query_params(
        {"mode": "compare", "level": "prefecture", "layer_b": "poverty_county_count"}, REG
    )
    assert view.layer_b == "poverty_county_count"  # has the prefecture level
    view, notices = from_query_params({"mode": "compare", "level": "county", "layer_b": "poverty_county_count"}, REG)
    assert view.layer_b == DEFAULT.layer_b
    assert [n.kind for n in notices] == ["layer_b_level"]


def test_view_a_and_b_are_single_views_sharing_level_area_and_selection():
    view = ViewState(
        mode="compare",
        level="prefecture",
        area="region:panxi",
        selected="513400",
        layer_b="pop_65plus",
        norm_b="pop_total",
        palette="Blues",
        vmin=1.0,
    )
    a, b = view_a(view), view_b(view)
    assert a == ViewState(level="prefecture", area="region:panxi", selected="513400", palette="Blues", vmin=1.0)
    assert (b.layer, b.norm, b.level, b.area, b.selected) == (
        "pop_65plus",
        "pop_total",
        "prefecture",
        "region:panxi",
        "513400",
    )
    assert (b.palette, b.vmin, b.mode) == ("", None, "single")


def test_the_registry_holds_the_four_core_views():
    assert list(VIEWS)[:4] == ["side_by_side", "bivariate", "scatter", "gaps"]
    assert VIEWS["bivariate"].title("en") == "Bivariate map"


def test_the_view_options_round_trip_and_bad_ones_fall_back():
    gaps = ViewState(mode="compare", compare_view="gaps", quadrant="lo_hi", thr_a="p25", thr_b="12.5")
    scatter = ViewState(
        mode="compare", compare_view="scatter", biv_palette="blue_orange", biv_breaks_a=(1000.0, 2000.0), log_axes="xy"
    )
    for view in (gaps, scatter):
        back, notices = from_query_params(to_query_params(view), REG)
        assert back == view and notices == []
    params = to_query_params(scatter)
    assert params["bbreaks_a"] == "1000,2000" and params["log"] == "xy" and to_query_params(gaps)["thr_b"] == "12.5"
    # another view's options are not used by this one: named and dropped, as the sidebar would
    back, notices = from_query_params({**params, "thr_b": "12.5", "quad": "lo_hi"}, REG)
    assert back == scatter and [n.kind for n in notices] == ["view_only"]
    assert (
        notices[0].text("en") == "quad, thr_b are not used by the compare view “Scatter (linked to the map)”; ignored"
    )
    bad = {"mode": "compare", "bpal": "rainbow", "bbreaks_a": "1,2,3", "quad": "up", "thr_a": "p101", "log": "z"}
    back, notices = from_query_params(bad, REG)
    assert sorted(dict(n.args)["key"] for n in notices) == ["bbreaks_a", "bpal", "log", "quad", "thr_a"]
    assert back == ViewState(mode="compare")


# --- contradictions in a compare address (issue 25 item 4) ----------------------------------------------------------
def test_compare_parameters_in_a_single_view_are_named():
    """mode=compare&mode=single dropped cview without a word."""
    view, notices = from_query_params({"mode": ["compare", "single"], "cview": "gaps", "thr_a": "p90"}, REG)
    assert not view.is_compare
    assert [n.kind for n in notices] == ["repeated", "compare_only"]
    assert (
        notices[1].text("en") == "cview, thr_a apply in compare mode only (mode=compare); not used in the single view"
    )
    assert notices[1].text("zh").startswith("链接参数 cview, thr_a 只用于对比模式")
    _, notices = from_query_params({"mode": "compare", "cview": "gaps", "thr_a": "p90"}, REG)
    assert notices == []


def test_the_first_year_after_the_second_is_swapped_with_a_notice():
    params = {
        "mode": "compare",
        "cview": "year_change",
        "layer": "townships_by_year",
        "year_from": "2023",
        "year": "2018",
    }
    view, notices = from_query_params(params, REG)
    assert (view.year_from, view.year) == (2018, 2023)
    assert [n.kind for n in notices] == ["years_swapped"]
    assert notices[0].text("en") == "year_from='2023' is after year=2018; swapped: showing the change from 2018 to 2023"
    assert "对调" in notices[0].text("zh")


@pytest.mark.parametrize(
    ("given", "kind", "shown"), [("3,1", "breaks_sorted", (1.0, 3.0)), ("2,1,2", "breaks_repeated", (1.0, 2.0))]
)
def test_bivariate_breaks_put_right_are_named(given, kind, shown):
    view, notices = from_query_params({"mode": "compare", "cview": "bivariate", "bbreaks_a": given}, REG)
    assert view.biv_breaks_a == shown and [n.kind for n in notices] == [kind]
    assert dict(notices[0].args)["key"] == "bbreaks_a"


@pytest.mark.parametrize(
    ("key", "value"), [("thr_a", "p５０"), ("thr_b", "٣"), ("hs_p", "０.０５"), ("bbreaks_b", "１,２")]
)
def test_compare_numbers_in_other_digits_are_refused(key, value):
    _, notices = from_query_params({"mode": "compare", key: value}, REG)
    assert [n.kind for n in notices] == ["digits"] and dict(notices[0].args)["key"] == key
