from dataclasses import replace

import pytest

from app.core.viewstate import DEFAULT, ViewState, from_query_params, sanitise, to_query_params
from layers import default_registry

REG = default_registry()


@pytest.mark.parametrize(
    "view",
    [
        DEFAULT,
        ViewState(
            lang="en",
            layer="pop_60plus",
            level="prefecture",
            norm="pop_total",
            scheme="fisher_jenks",
            k=7,
            palette="RdBu",
            reverse=True,
            basemap="amap",
            vmin=100.5,
            vmax=300.0,
            selected="510100",
        ),
        ViewState(
            layer="townships_reduction_pct", area="513400", level="county", scheme="manual", breaks=(10.0, 25.5, 40.0)
        ),
        ViewState(layer="economic_region", area="region:panxi", selected="513402"),
        ViewState(layer="pop_65plus_share", area="group:ethnic", level="prefecture"),
    ],
)
def test_url_round_trip(view):
    params = to_query_params(view)
    assert all(isinstance(v, str) for v in params.values())
    back, notices = from_query_params(params, REG)
    assert notices == []
    assert back == view


def test_defaults_are_not_written_to_the_url():
    assert to_query_params(DEFAULT) == {}
    assert to_query_params(replace(DEFAULT, k=7)) == {"k": "7"}


@pytest.mark.parametrize(
    "params,field,expected",
    [
        ({"layer": "nope"}, "layer", DEFAULT.layer),
        ({"layer": "townships_jiedao_2021"}, "layer", DEFAULT.layer),  # hidden operand layers are not views
        ({"k": "99"}, "k", DEFAULT.k),
        ({"k": "five"}, "k", DEFAULT.k),
        ({"area": "xyz"}, "area", "all"),
        ({"area": "region:atlantis"}, "area", "all"),
        ({"basemap": "google"}, "basemap", DEFAULT.basemap),
        ({"min": "abc"}, "vmin", None),
        ({"rev": "maybe"}, "reverse", False),
        ({"sel": "<script>"}, "selected", None),
        ({"sel": "999999"}, "selected", None),
        ({"lang": "fr"}, "lang", "zh"),
        ({"palette": "Rainbow"}, "palette", ""),
    ],
)
def test_invalid_values_fall_back_with_a_notice(params, field, expected):
    view, notices = from_query_params(params, REG)
    assert getattr(view, field) == expected
    assert notices and any(next(iter(params)) in str(n) for n in notices)
    assert all(n.text("zh") != n.text("en") for n in notices)


def test_unknown_parameters_are_named():
    _, notices = from_query_params({"colour": "red"}, REG)
    assert [str(n) for n in notices] == ["unknown URL parameter colour='red' ignored"]
    assert notices[0].text("zh") == "未知的链接参数 colour='red'，已忽略"


def test_sanitise_fixes_inconsistent_combinations():
    notes: list[str] = []
    v = sanitise(ViewState(layer="poverty_exit_year", level="prefecture"), REG, notes)
    assert v.level == "county" and notes
    v = sanitise(ViewState(layer="pop_0_14_share", norm="pop_total"), REG)
    assert v.norm == "absolute"
    v = sanitise(ViewState(vmin=10, vmax=5), REG)
    assert v.vmin is None and v.vmax is None
    v = sanitise(ViewState(scheme="manual"), REG)
    assert v.scheme == "quantiles"
    v = sanitise(ViewState(level="prefecture", area="513400"), REG)
    assert v.level == "county"  # a prefecture's area shows its counties


@pytest.mark.parametrize(("old", "new"), [("510922", "510981"), ("513425", "513402"), ("510132", "510118")])
def test_old_selection_codes_follow_the_crosswalk_with_a_notice(old, new):
    view, notices = from_query_params({"sel": old}, REG)
    assert view.selected == new
    assert [n.kind for n in notices] == ["selection_renamed"]
    assert old in str(notices[0]) and new in str(notices[0])


def test_a_development_zone_stays_selected_and_the_province_does_not():
    view, notices = from_query_params({"sel": "511071"}, REG)
    assert view.selected == "511071" and notices == []
    view, notices = from_query_params({"sel": "510000"}, REG)
    assert view.selected is None and [n.kind for n in notices] == ["bad_selection"]


def test_manual_breaks_from_the_address_are_checked():
    view, notices = from_query_params({"scheme": "manual", "breaks": ",".join(map(str, range(10_000)))}, REG)
    assert view.breaks == () and view.scheme == "quantiles"
    assert [n.kind for n in notices] == ["too_many_breaks", "manual_without_breaks"]
    assert "10000" in str(notices[0])
    for bad in ("nan", "inf,5", "1,-inf"):
        view, notices = from_query_params({"scheme": "manual", "breaks": bad}, REG)
        assert view.breaks == () and [n.kind for n in notices] == ["bad_value", "manual_without_breaks"]
    view, notices = from_query_params({"scheme": "manual", "breaks": "5,1,5"}, REG)
    assert view.breaks == (1.0, 5.0) and [n.kind for n in notices] == ["breaks_repeated"]
    view, notices = from_query_params({"scheme": "manual", "breaks": "1,5"}, REG)
    assert view.breaks == (1.0, 5.0) and notices == []


# --- contradictions in the address get a notice saying what was done (issue 25 item 4) -----------------------------
def _one(params: dict, kind: str) -> tuple[ViewState, str, str]:
    """The view, and the one notice of ``kind`` in Chinese and in English (each notice exists in both)."""
    view, notices = from_query_params(params, REG)
    assert [n.kind for n in notices] == [kind], notices
    zh, en = notices[0].text("zh"), notices[0].text("en")
    assert zh != en and not any("\u4e00" <= c <= "\u9fff" for c in en), en
    return view, zh, en


@pytest.mark.parametrize(
    ("breaks", "kind", "shown"),
    [
        ("1,1,1", "breaks_repeated", (1.0,)),
        ("3,1", "breaks_sorted", (1.0, 3.0)),
        ("5,1,5", "breaks_repeated", (1.0, 5.0)),
    ],
)
def test_manual_breaks_put_right_are_named(breaks, kind, shown):
    view, zh, en = _one({"scheme": "manual", "breaks": breaks}, kind)
    assert view.breaks == shown
    assert f"breaks='{breaks}'" in en and ",".join(f"{b:g}" for b in shown) in en and f"'{breaks}'" in zh


def test_breaks_without_a_manual_classification_are_named():
    view, zh, en = _one({"breaks": "1000,5000"}, "breaks_unused")
    assert view.breaks == () and view.scheme == "quantiles"
    assert "breaks='1000,5000'" in en and "scheme=manual" in en and "Quantiles" in en
    assert "分位数" in zh and "手动分级" in zh
    view, _, en = _one({"scheme": "fisher_jenks", "breaks": "7"}, "breaks_unused")
    assert "Natural breaks (Fisher–Jenks)" in en


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        ("min", "９", "vmin"),  # full-width
        ("max", "٣٠٠", "vmax"),  # Arabic-Indic
        ("k", "٣", "k"),
        ("breaks", "１０００,５０００", "breaks"),
        ("sel", "٥١٠١٠٤", "selected"),
        ("year", "２０１９", "year"),
    ],
)
def test_digits_other_than_ascii_are_refused_as_numbers(key, value, field):
    view, notices = from_query_params({"layer": "townships_by_year", key: value}, REG)
    assert getattr(view, field) == getattr(from_query_params({"layer": "townships_by_year"}, REG)[0], field)
    assert notices[0].kind == "digits" and dict(notices[0].args) == {"key": key, "value": value}
    assert "0–9" in notices[0].text("en") and "全角" in notices[0].text("zh")


@pytest.mark.parametrize("text", ["1_000", "infinity", "0x10", "1e999"])
def test_numbers_python_would_take_are_refused_too(text):
    view, notices = from_query_params({"min": text}, REG)
    assert view.vmin is None and [n.kind for n in notices] == ["bad_value"]


def test_a_repeated_parameter_says_the_last_one_counts():
    view, notices = from_query_params({"level": ["county", "prefecture"], "k": ["4", "4"]}, REG)
    assert view.level == "prefecture" and view.k == 4
    assert [n.kind for n in notices] == ["repeated"]  # the same value twice is no contradiction
    assert notices[0].text("en") == "level is given 2 times; using the last one, 'prefecture'"
    assert notices[0].text("zh") == "链接参数 level 出现了 2 次，已使用最后一个值 'prefecture'"


def test_a_prefecture_area_at_prefecture_level_is_named():
    view, zh, en = _one({"area": "513400", "level": "prefecture"}, "area_counties")
    assert view.level == "county" and "凉山彝族自治州" in zh and "Liangshan" in en and "level=prefecture" in en
    view, notices = from_query_params({"area": "513400", "layer": "poverty_county_count"}, REG)
    assert view.area == "all" and [n.kind for n in notices] == ["level_missing", "area_needs_counties"]
    assert "国家级贫困县数（66）" in notices[1].text("zh") and "whole province" in notices[1].text("en")


def test_names_in_notices_are_what_a_person_reads():
    """ "没有prefecture数据，改为显示county" showed raw ids (issue 25): layer titles and level words instead."""
    view, zh, en = _one({"layer": "poverty_exit_year", "level": "prefecture"}, "level_missing")
    assert view.level == "county"
    assert zh == "图层“国家级贫困县摘帽年份（66）”没有市州数据（level='prefecture'），改为显示区县"
    assert en == (
        "layer “National poverty counties (66): year of exit” has no figures by prefecture (level='prefecture'); "
        "showing them by county"
    )
    _, zh, en = _one({"sel": "510922", "lang": "en"}, "selection_renamed")
    assert "射洪县" in zh and "射洪市" in zh and "Shehong" in en
    _, zh, _ = _one({"layer": "pop_0_14_share", "norm": "pop_total"}, "norm_missing")
    assert "0–14岁人口占比" in zh and "pop_0_14_share" not in zh


def test_a_palette_of_the_wrong_kind_falls_back_with_a_notice():
    view, notices = from_query_params({"palette": "Set2"}, REG)  # qualitative, for a sequential layer
    assert view.palette == "" and [n.kind for n in notices] == ["palette_kind"]
