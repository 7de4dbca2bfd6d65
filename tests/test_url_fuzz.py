"""Fuzzing the address (issue 9): crafted URL parameter values, generated from a seed.

Each case is a few parameters drawn from the kinds of values that broke the page: Markdown and HTML
payloads (in names and values), very long values, control characters, out-of-range and non-finite
numbers, old and development-zone codes, too many or impossible manual breaks, mixed with valid values.
For every case: no exception, nothing from the address rendered as Markdown/HTML, and a visible notice
whenever what is shown (the address the page rewrites to) differs from what was asked.

Replay: ``URL_FUZZ_SEED=<seed> pytest tests/test_url_fuzz.py`` (the seed of a failing case is in its id).
Most cases run on a page with everything the address drives except the map and charts (fast); a sample
runs on the full page.
"""

from __future__ import annotations

import math
import os
import random
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.core.viewstate import DEFAULT, to_query_params
from layers import default_registry
from tests.support.apptest import first_visit
from tests.support.markdown import PARAMS, page_problems

ROOT = Path(__file__).resolve().parents[1]
SEED = int(os.environ.get("URL_FUZZ_SEED", "20261129"))
# 1-3 s a case on a busy machine; URL_FUZZ_CASES=400 runs more (the generator test checks the first 200).
FAST_CASES = int(os.environ.get("URL_FUZZ_CASES", "80"))
FULL_CASES = 12

PAYLOADS = [
    "[新地址](https://evil.example/atlas)",
    "![](https://evil.example/beacon.png)",
    "\n\n# 系统通知：本站已迁移\n\n",
    "<img src=https://evil.example/x.png onerror=alert(1)>",
    "<script>alert(1)</script>",
    "<https://evil.example>",
    "www.evil.example",
    "$\\href{https://evil.example}{x}$",
    ":red[alarm] :material/home:",
    "~~x~~ | a | b |",
    "`code` **bold** _em_",
    "\x1b[31mred\x1b[0m\ttab\r\n",
    "'\"\\",
    "",
]
NUMBERS = ["1e308", "-1e308", "nan", "inf", "-inf", "-0", "0", "70000", "1e9", "-5", "0x10", "1,5", "5e-324", "９"]
CODES = ["510922", "513425", "510132", "511071", "511771", "511971", "510000", "999999", "513400", "510104", "51040"]
VALID = {
    "lang": ["zh", "en"],
    "layer": ["pop_total", "townships_2021", "economic_region", "poverty_county_count", "pilots_2021"],
    "level": ["prefecture", "county"],
    "area": ["all", "region:panxi", "group:poverty", "513400", "region:nowhere"],
    "norm": ["pop_total", "area_km2", "absolute"],
    "scheme": ["quantiles", "equal_interval", "fisher_jenks", "std_mean", "manual"],
    "k": [str(k) for k in range(0, 12)],
    "breaks": ["1000", "1000,5000", "5000,1000,1000", ",".join(map(str, range(0, 100_000, 10))), "1e9,2e9"],
    "palette": ["OrRd", "RdBu", "Set2", "Rainbow"],
    "rev": ["1", "0", "yes"],
    "basemap": ["none", "openstreetmap", "amap", "tianditu", "google"],
    "sel": CODES,
}
# min/max inside or beyond the data on the wrong side are issue 9 item 2 (the slider clamp, fixed on another
# branch): until that is merged, min stays at or below and max at or above every layer's values.
SAFE_RANGE = {"min": ["0", "-0", "-5", "-1e308"], "max": ["1e12", "1e308"]}


def value(rng: random.Random, key: str) -> str:
    kind = rng.random()
    if key in ("min", "max"):
        return rng.choice(SAFE_RANGE[key] if kind < 0.7 else ["nan", "inf", "-inf", "abc", *PAYLOADS[:3]])
    if kind < 0.35:
        return rng.choice(VALID[key])
    if kind < 0.6:
        return rng.choice(PAYLOADS)
    if kind < 0.75:
        return rng.choice(NUMBERS)
    if kind < 0.85:
        return rng.choice(CODES)
    if kind < 0.95:
        return rng.choice(PAYLOADS) + "x" * rng.randint(100, 5000)
    return "".join(rng.choice("[]()!#*_<>`|~$:\\@/.\n\t\x00a长") for _ in range(rng.randint(1, 40)))


def case(seed: int) -> dict[str, str]:
    rng = random.Random(seed)
    params = {key: value(rng, key) for key in rng.sample(PARAMS, rng.randint(1, 5))}
    if rng.random() < 0.2:
        params[rng.choice(PAYLOADS) or "x"] = rng.choice(PAYLOADS)
    return params


FAST_PAGE = """
import streamlit as st
from dataclasses import replace
from app.ui import cache, panels
from app.core.markup import escape
from app.ui.sidebar import init_from_url, read_sidebar

registry = cache.registry()
url_view = init_from_url(registry)


def value_range(view):
    values = cache.map_data(replace(view, vmin=None, vmax=None)).table["value"].dropna()
    return (float(values.min()), float(values.max())) if len(values) else (None, None)


view = read_sidebar(registry, value_range)
# A first run draws its map from the address's view before the sidebar (streamlit_app.py), and runs again
# if the sidebar then shows another view. They should agree but for the value range, which the sidebar
# clamps into the data (with a notice).
if url_view is not None and not url_view.is_compare:
    assert replace(url_view, vmin=None, vmax=None) == replace(view, vmin=None, vmax=None), (url_view, view)
panels.notices(view.lang)
data = cache.map_data(view)
if data.error:
    st.error(escape(data.error))
panels.classification_note(data)
panels.details_panel(registry, data, lambda code: None)
"""


def _number(text: str) -> float | None:
    try:
        x = float(text)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def _same(key: str, asked: str, shown: str | None, layer_palette: str) -> bool:
    default = to_query_params(DEFAULT) | {
        "lang": "zh",
        "level": "county",
        "area": "all",
        "norm": "absolute",
        "scheme": "quantiles",
        "k": "5",
        "rev": "0",
        "basemap": "cartodb_positron",
        "layer": DEFAULT.layer,
    }
    if shown is None:
        shown = default.get(key)
    if key in ("min", "max"):
        a, s = _number(asked), _number(shown) if shown is not None else None
        # A bound at or beyond the end of the data filters nothing: the page drops it from the address.
        beyond = a is not None and s is None and (a <= 0 if key == "min" else a >= 1e12)
        return a == s or beyond
    if key == "palette" and shown is None:  # the layer's own palette is left out of the address
        return asked == layer_palette
    if key == "breaks":
        try:
            return sorted({float(b) for b in asked.split(",") if b.strip()}) == sorted(
                float(b) for b in (shown or "").split(",") if b
            )
        except ValueError:
            return False
    return asked == shown


def differs(asked: dict[str, str], at: AppTest) -> list[str]:
    shown = {k: at.query_params[k] for k in at.query_params}
    unknown = [k for k in asked if k not in PARAMS]
    palette = default_registry().get(shown.get("layer", DEFAULT.layer)).palette
    # Manual breaks only matter to a manual classification.
    relevant = [k for k in asked if k in PARAMS and (k != "breaks" or asked.get("scheme") == "manual")]
    changed = [k for k in relevant if not _same(k, asked[k], shown.get(k), palette)]
    return unknown + changed


def check(script: str, params: dict[str, str]) -> None:
    at = AppTest.from_file(script, default_timeout=120)
    at.query_params.update(params)
    if script == str(ROOT / "streamlit_app.py"):
        first_visit(at)  # the whole page, as after the map's first report
    else:
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    assert page_problems(at) == []
    changed = differs(params, at)
    if changed:
        assert at.main.warning, f"the view differs from the address in {changed} but no notice says so"


@pytest.fixture(scope="module")
def fast_page(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("fuzz") / "fuzz_page.py"
    path.write_text(FAST_PAGE, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("seed", range(SEED, SEED + FAST_CASES), ids=lambda s: f"seed{s}")
def test_crafted_address_fast_page(fast_page, seed):
    check(fast_page, case(seed))


@pytest.mark.parametrize("seed", range(SEED + FAST_CASES, SEED + FAST_CASES + FULL_CASES), ids=lambda s: f"seed{s}")
def test_crafted_address_full_page(seed):
    check(str(ROOT / "streamlit_app.py"), case(seed))


def test_the_generator_is_replayable_and_covers_the_kinds():
    assert case(SEED) == case(SEED)
    cases = [case(s) for s in range(SEED, SEED + 200)]
    values = [v for c in cases for v in c.values()]
    keys = {k for c in cases for k in c}
    assert set(PARAMS) <= keys and any(k not in PARAMS for k in keys)
    for kind in ("evil.example", "\x1b", "1e308", "511071", "510922"):
        assert any(kind in v for v in values), kind
    assert any(len(v) > 1000 for v in values) and any(v.count(",") > 8 for v in values)
