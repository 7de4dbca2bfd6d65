"""Crafted addresses (issue 9): Markdown/HTML payloads in every parameter name and value stay text."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apptest import first_visit
from tests.support.markdown import PARAMS, page_problems

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "streamlit_app.py")
PAYLOADS = [
    "x\n\n# 系统通知：本站已迁移\n\n请前往 [新地址](https://evil.example/atlas)\n\n![](https://evil.example/beacon.png)",
    "![t](https://evil.example/track.png)",
    "<img src=https://evil.example/i.png onerror=alert(1)><h1>big</h1>",
    "<https://evil.example/auto> www.evil.example mail@evil.example",
    "$\\href{https://evil.example}{click}$ :red[alarm] ~~x~~ | a | b |",
    "`` ` ``" + "长" * 2000,
]


def run(params: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(params)
    return first_visit(at)


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_payloads_in_every_parameter_name_and_value_render_as_text(payload):
    at = run({**dict.fromkeys(PARAMS, payload), payload: payload})
    assert page_problems(at) == []
    (warning,) = at.main.warning
    # Each invalid value is named, cut to a readable length: no 100 kB warning box.
    assert len(warning.value) < 4000
    for key in PARAMS:
        assert f"`{key}`=" in warning.value or f"{key}=`" in warning.value, key
    assert "evil.example" in warning.value or "长" in warning.value  # the value is shown, as code


def test_a_100_kb_value_gives_a_short_notice():
    at = run({"lang": "[a](https://evil.example)" + "x" * 100_000})
    (warning,) = at.main.warning
    assert len(warning.value) < 300 and "…" in warning.value
    assert page_problems(at) == []


def test_many_unknown_parameters_are_summarised():
    at = run({f"p{i}": "v" for i in range(300)})
    (warning,) = at.main.warning
    assert warning.value.count("\n- ") == 21  # 20 notices and "… and 280 more"
    assert "280" in warning.value


@pytest.mark.parametrize(("old", "new", "name"), [("510922", "510981", "射洪市"), ("513425", "513402", "会理市")])
def test_an_old_selection_code_shows_the_current_region(old, new, name):
    at = run({"sel": old})
    assert f"### {name}" in [m.value for m in at.main.markdown]
    (warning,) = at.main.warning
    assert old in warning.value and new in warning.value
    assert at.query_params["sel"] == new
    figures = at.main.dataframe[0].value  # the details panel's figures on every layer (all figures: built when opened)
    assert len(figures) > 20 and figures.iloc[:, 1].astype(str).str.strip().ne("").all()


def test_a_development_zone_selection_is_explained():
    at = run({"sel": "511071", "lang": "en"})
    assert "### 内江经济开发区" in [m.value for m in at.main.markdown]
    # (the upload section's note on who may edit is an info box too)
    (info,) = [i for i in at.main.info if "development zone" in i.value]
    assert "内江市" in info.value
    figures = at.main.dataframe[0].value  # the table of all figures is built only when opened
    assert len(figures) >= 1  # the zone's own census figures, not an empty table


def test_too_many_manual_breaks_fall_back_with_a_notice():
    at = run({"scheme": "manual", "breaks": ",".join(map(str, range(10_000)))})
    (warning,) = at.main.warning
    assert "10000" in warning.value and not at.main.error


@pytest.mark.parametrize(
    ("params", "shown", "asked"),
    [({"scheme": "manual", "breaks": "1e9,2e9"}, 1, 3), ({"scheme": "std_mean", "k": "9"}, 6, 9)],
)
def test_fewer_classes_than_asked_are_explained(params, shown, asked):
    at = run({**params, "lang": "en"})
    (info,) = [i for i in at.main.info if "classes" in i.value]
    assert f"shows {shown} classes, not the {asked} asked for" in info.value
    assert page_problems(at) == []


# --- contradictions in the address (issue 25 item 4), on the page, in both languages --------------------------------
def _cjk(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


def _plain(text: str) -> str:
    return text.replace("\\", "").replace("\u200b", "").replace("`", "")


def _warning(at: AppTest) -> str:
    (warning,) = at.main.warning
    return _plain(warning.value)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_single_view_contradictions_each_get_a_notice_in_the_page_language(lang):
    at = run(
        {
            "lang": lang,
            "layer": "poverty_county_count",
            "level": ["prefecture", "county"],  # repeated: the last counts, and the layer has no counties
            "breaks": "1,1,1",  # without scheme=manual
            "k": "٣",  # Arabic-Indic digit
            "mode": "single",
            "cview": "gaps",
        }
    )
    text = _warning(at)
    assert page_problems(at) == []
    if lang == "zh":
        expected = [
            "链接参数 level 出现了 2 次，已使用最后一个值 county",
            "链接参数 k=٣ 含有 0–9 以外的数字",
            "链接参数 cview 只用于对比模式",
            "图层“国家级贫困县数（66）”没有区县数据（level=county），改为显示市州",
            "手动断点 breaks=1 只用于手动分级",
        ]
    else:
        expected = [
            "level is given 2 times; using the last one, county",
            "k=٣ has digits other than 0–9",
            "cview apply in compare mode only",
            "layer “National poverty counties (66)” has no figures by county (level=county); showing them by "
            "prefecture",
            "breaks=1 apply to manual classes only (scheme=manual)",
        ]
        assert not _cjk(text.replace("٣", "")), text  # English complete: no Chinese words on an English page
    for words in expected:
        assert words in text, (words, text)
    assert at.query_params["level"] == "prefecture" and "breaks" not in at.query_params


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_manual_breaks_put_right_and_a_bidi_override_in_a_value(lang):
    at = run({"lang": lang, "scheme": "manual", "breaks": "5000,1000,1000", "palette": "Set2\u202egpj"})
    text = _warning(at)
    assert "\u202e" not in text and "Set2gpj" in text
    assert ("有重复" if lang == "zh" else "repeats a break") in text and "1000,5000" in text
    assert at.query_params["breaks"] == "1000,5000"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_compare_contradictions_are_named(lang):
    at = run(
        {
            "lang": lang,
            "mode": "compare",
            "cview": "bivariate",
            "bbreaks_a": "2e9,1e9",  # not ascending, and beyond the data
            "bbreaks_b": "-5,-4",  # below the data
        }
    )
    text = _warning(at)
    assert ("不是从小到大排列" if lang == "zh" else "is not in ascending order") in text
    infos = [_plain(i.value) for i in at.main.info if "bbreaks" in i.value.replace("\\", "")]
    assert len(infos) == 2, [i.value for i in at.main.info]
    assert infos[0].startswith(
        "链接参数 bbreaks_a=1e+09,2e+09" if lang == "zh" else "bbreaks_a=1e+09,2e+09: the breaks"
    )
    assert ("1 级" if lang == "zh" else "1 classes, not 3") in infos[0] and "bbreaks_b=-5,-4" in infos[1]
    assert page_problems(at) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_gap_thresholds_beyond_the_data_are_named(lang):
    at = run({"lang": lang, "mode": "compare", "cview": "gaps", "thr_a": "1e308", "thr_b": "-1e308"})
    infos = [_plain(i.value) for i in at.main.info if "thr_" in i.value.replace("\\", "")]
    assert [i.split("=")[0].split()[-1] for i in infos] == ["thr_a", "thr_b"], infos
    if lang == "en":
        assert "the threshold lies above every value of A" in infos[0] and "below every value of B" in infos[1]
    else:
        assert "阈值高于 A 的所有数值" in infos[0] and "阈值低于 B 的所有数值" in infos[1]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_year_from_after_year_is_swapped_with_a_notice(lang):
    params = {"lang": lang, "mode": "compare", "cview": "year_change", "layer": "townships_by_year"}
    at = run({**params, "year_from": "2023", "year": "2018"})
    text = _warning(at)
    assert "year_from=2023" in text and ("已对调" if lang == "zh" else "swapped") in text
    assert (at.query_params["year_from"], at.query_params["year"]) == ("2018", "2023")
