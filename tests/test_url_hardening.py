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
