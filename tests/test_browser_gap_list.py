"""The gap list on a laptop's 1366 × 768 screen (issue 23): the B values, the point of the list, are in view without
scrolling the table sideways, in Chinese and, after switching the language in the sidebar, in English; the caption
under the table names both layers with unit, year and source."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from layers import default_registry
from tests.support.browser import ARTIFACTS, LocalOnlyPage

pytestmark = pytest.mark.browser

FIRST_LOAD = 150_000  # ms
RERUN = 60_000
LAYER_A, LAYER_B = "elderly_per_township_2021", "children_per_village_2021"
HEADERS = {
    "zh": ["名称", "区划代码", "A", "A 排名", "B", "B 排名", "上级区划代码", "上级区划"],
    "en": ["Name", "Code", "A", "A Rank", "B", "B Rank", "Parent code", "Parent"],
}
# The grid is drawn on a canvas; its accessible table gives the headers and its scroller the widths.
GRID_JS = """() => {
    const grid = document.querySelector('[data-testid="stDataFrame"]');
    const scroller = grid.querySelector('.dvn-scroller');
    return {
        headers: Array.from(grid.querySelectorAll('th')).map(h => h.textContent),
        scroll: scroller.scrollWidth, visible: scroller.clientWidth,
        right: grid.getBoundingClientRect().right, viewport: window.innerWidth,
    };
}"""


def test_gap_list_shows_both_values_at_1366_px_in_both_languages(atlas_url, browser):
    registry = default_registry()
    tab = LocalOnlyPage(browser, viewport=(1366, 768))
    page = tab.page
    try:
        page.goto(
            f"{atlas_url}/?mode=compare&cview=gaps&layer={LAYER_A}&layer_b={LAYER_B}&area=513400&basemap=none",
            timeout=FIRST_LOAD,
        )
        for lang in ("zh", "en"):
            if lang == "en":
                page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
            grid = page.locator('[data-testid="stDataFrame"]')
            expect(grid.locator("th").nth(1)).to_have_text(HEADERS[lang][1], timeout=FIRST_LOAD)
            expect(grid).to_have_count(1, timeout=RERUN)
            grid.scroll_into_view_if_needed()
            shown = page.evaluate(GRID_JS)
            assert shown["headers"] == HEADERS[lang]
            assert shown["scroll"] <= shown["visible"] + 1, shown  # every column in view, no sideways scrolling
            assert shown["right"] <= shown["viewport"], shown
            title_a = registry.get(LAYER_A).title(lang)
            caption = page.locator('[data-testid="stCaptionContainer"]').filter(
                has_text=re.compile(
                    r"A[:：][\s\u200b]*" + re.escape(title_a)
                )  # escape() puts a zero-width space after colons
            )
            for layer_id in (LAYER_A, LAYER_B):
                layer = registry.get(layer_id)
                for text in (layer.title(lang), layer.unit(lang), layer.year_label(lang)):
                    expect(caption.first).to_contain_text(text)
            page.screenshot(path=str(ARTIFACTS / f"gap_list_1366_{lang}.png"))
        assert tab.blocked == [] and tab.local_errors == [] and tab.page_errors == []
    finally:
        tab.close()
