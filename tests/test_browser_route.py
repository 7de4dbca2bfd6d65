"""Issue 26: every change is on one fast route, in a real browser, in both languages (after switching language).

A layer switch of the single map; side by side and bivariate, layer A and layer B; the level (county → prefecture
and back); the area (凉山 and back): each keeps the map's iframe (the element and its document: no reload), asks
for no asset (only a geometry file when the level or area changes, a static file fetched once), and brings the
page far less than a whole map (the old side-by-side route re-sent 1.2 MB of map document per change; no frame
carries geometry now). What is measured is behaviour, not time: bench/page_speed.py measures the times.
"""

from __future__ import annotations

import pytest

from app.core.compareviews import VIEWS
from app.core.i18n import t
from tests.support.browser import ARTIFACTS, LocalOnlyPage
from tests.support.livemap import (
    Watch,
    choose,
    click_radio,
    drawn,
    settle,
    switch_language,
    watch_sockets,
)

pytestmark = pytest.mark.browser

LAYERS = {  # layer A is a radio of whole titles
    "zh": ("有65岁及以上老人的户数", "每个乡镇（街道）的60岁及以上人口（合并前）"),
    "en": ("Households with a member aged 65+", "People aged 60+ per township (before the merger)"),
}
LAYERS_B = {"zh": "60岁及以上人口占比", "en": "aged 60+"}
PAYLOAD_LIMIT = 400_000  # bytes received over the websocket per change (decompressed): the whole page's update


def change(page, what: str, action, paths: int) -> None:
    """Make a change and check it stayed on the fast route."""
    with Watch(page) as watch:
        action()
        settle(page)
        state = watch.new_view()
    assert watch.kept(), f"{what}: the map iframe was replaced or reloaded"
    assert state["paths"] == paths, (what, state)
    fetched = [p for p in watch.fetched() if not p.startswith("/_stcore/")]
    assert all(p.startswith("/app/static/geo/") for p in fetched), (what, fetched)  # no asset, no new iframe
    received = sum(len(f) for f in watch.frames)
    assert received < PAYLOAD_LIMIT, (what, received)
    assert not any(b'"coordinates"' in f for f in watch.frames), f"{what}: geometry sent inline"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_kind_of_change_keeps_the_map_and_sends_only_styles(atlas_url, browser, lang):
    tab = LocalOnlyPage(browser, viewport=(1366, 900))
    page = tab.page
    watch_sockets(tab)
    try:
        page.goto(f"{atlas_url}/?basemap=none", timeout=150_000)
        drawn(page, 183)
        settle(page)
        if lang == "en":
            switch_language(page, "en")
        counties, prefectures = t("county", lang), t("prefecture", lang)
        change(page, "single map, another layer", lambda: click_radio(page, t("layer", lang), LAYERS[lang][0]), 183)
        change(page, "level → prefecture", lambda: click_radio(page, t("level", lang), prefectures), 21)
        change(page, "level → county", lambda: click_radio(page, t("level", lang), counties), 183)
        change(page, "area → 凉山", lambda: choose(page, t("area", lang), "513400"), 17)
        change(page, "area → province", lambda: choose(page, t("area", lang), t("whole_province", lang)), 183)

        click_radio(page, t("mode", lang), t("mode_compare", lang))  # another layout: a new iframe
        settle(page)
        drawn(page, 2 * 183)
        change(page, "side by side, layer A", lambda: click_radio(page, t("layer", lang), LAYERS[lang][1]), 2 * 183)
        change(page, "side by side, layer B", lambda: choose(page, t("layer_b", lang), LAYERS_B[lang]), 2 * 183)

        click_radio(page, t("compare_view", lang), VIEWS["bivariate"].title(lang))
        settle(page)
        drawn(page, 183)
        change(page, "bivariate, layer A", lambda: click_radio(page, t("layer", lang), LAYERS[lang][0]), 183)
        change(page, "bivariate, layer B", lambda: choose(page, t("layer_b", lang), "0–14"), 183)
        change(page, "bivariate, area → 凉山", lambda: choose(page, t("area", lang), "513400"), 17)
        page.screenshot(path=str(ARTIFACTS / f"route_bivariate_{lang}.png"))
        assert not tab.page_errors and not tab.blocked and not tab.local_errors
    finally:
        tab.close()
