"""The bivariate map in a real browser at a laptop's 1366 × 768, as a 凉山 planner opens it (issue 23): no cell's
colour reads as "no data" or as the map's background, and the square legend names both axes with low and high
and shows its counts readably, in Chinese and, after switching the language in the sidebar, in English."""

from __future__ import annotations

import re

import pytest
from coloraide import Color
from playwright.sync_api import expect

from app.core.palettes import NO_DATA_COLOUR
from layers import default_registry
from layers.bivariate import BIVARIATE_PALETTES
from tests.support.browser import ARTIFACTS, FOLIUM_IFRAME, LocalOnlyPage

pytestmark = pytest.mark.browser

FIRST_LOAD = 150_000  # ms: the first map of a fresh server process builds its caches
RERUN = 60_000
LAYER_A, LAYER_B = "elderly_per_township_2021", "children_per_village_2021"
LIANGSHAN_COUNTIES = 17
WORDS = {"zh": ("低", "高"), "en": ("low", "high")}

# Computed colours of the map's background, each legend cell with its count's colour and size, and each region.
STYLES_JS = """() => {
    const css = (e, p) => getComputedStyle(e)[p];
    const legend = document.querySelector('.atlas-bivariate-legend');
    return {
        background: css(document.querySelector('.leaflet-container'), 'backgroundColor'),
        legend: legend.getBoundingClientRect().width,
        grid: document.querySelector('.atlas-biv-grid').getBoundingClientRect().width,
        cells: Array.from(document.querySelectorAll('.atlas-biv-cell')).map(c => ({
            background: css(c, 'backgroundColor'), colour: css(c, 'color'),
            size: parseFloat(css(c, 'fontSize')), count: c.textContent.trim(),
        })),
        fills: Array.from(document.querySelectorAll('path.leaflet-interactive')).map(p => p.getAttribute('fill')),
    };
}"""


def _contrast(a: Color, b: Color) -> float:
    la, lb = sorted((a.luminance(), b.luminance()), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _check(frame_page, lang: str, palette: str) -> None:
    """What the browser drew, against what the planner must be able to read."""
    # st_folium appends Leaflet's stylesheet and runs the map at once: read the colours once the sheet applies.
    frame_page.wait_for_function(
        "() => { const c = document.querySelector('.leaflet-container');"
        " return c && getComputedStyle(c).backgroundColor !== 'rgba(0, 0, 0, 0)'; }"
    )
    styles = frame_page.evaluate(STYLES_JS)
    assert styles["legend"] >= 120 and styles["grid"] >= 100, styles
    background = Color(styles["background"])
    cells = [Color(c["background"]) for c in styles["cells"]]
    assert {c.to_string(hex=True) for c in cells} == {c for row in BIVARIATE_PALETTES[palette] for c in row}
    for cell in cells:  # ΔE00 ≥ 10 against the background the browser shows and the no-data fill
        assert cell.delta_e(background, method="2000") >= 10, (cell, background)
        assert cell.delta_e(NO_DATA_COLOUR, method="2000") >= 10, cell
    for c in styles["cells"]:  # counts: 12 px or more, WCAG AA contrast on their cell
        assert c["size"] >= 12 and _contrast(Color(c["colour"]), Color(c["background"])) >= 4.5, c
    assert sum(int(c["count"]) for c in styles["cells"]) == LIANGSHAN_COUNTIES
    fills = {Color(f).to_string(hex=True) for f in styles["fills"]}
    assert fills <= {c.to_string(hex=True) for c in cells} | {NO_DATA_COLOUR}, fills


@pytest.mark.parametrize("palette", ["stevens", "blue_orange"])
def test_bivariate_colours_and_legend_read_right_in_both_languages(atlas_url, browser, palette):
    registry = default_registry()
    titles = {lang: (registry.get(LAYER_A).title(lang), registry.get(LAYER_B).title(lang)) for lang in ("zh", "en")}
    tab = LocalOnlyPage(browser, viewport=(1366, 768))
    page = tab.page
    try:
        page.goto(
            f"{atlas_url}/?mode=compare&cview=bivariate&layer={LAYER_A}&layer_b={LAYER_B}&area=513400"
            f"&basemap=none&bpal={palette}",
            timeout=FIRST_LOAD,
        )
        for lang in ("zh", "en"):
            if lang == "en":
                page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
            frame = page.frame_locator(FOLIUM_IFRAME).first
            axis_a, axis_b = frame.locator(".atlas-biv-axis-a"), frame.locator(".atlas-biv-axis-b")
            timeout = FIRST_LOAD if lang == "zh" else RERUN
            expect(axis_a).to_have_attribute("title", titles[lang][0], timeout=timeout)
            expect(axis_b).to_have_attribute("title", titles[lang][1], timeout=timeout)
            expect(page.locator(FOLIUM_IFRAME)).to_have_count(1, timeout=RERUN)
            expect(frame.locator("path.leaflet-interactive")).to_have_count(LIANGSHAN_COUNTIES, timeout=RERUN)
            legend = frame.locator(".atlas-bivariate-legend")
            expect(legend).to_be_visible()
            low, high = WORDS[lang]
            for word in (low, high):  # at the ends of both axes
                expect(legend.get_by_text(word, exact=True)).to_have_count(2)
            expect(axis_a).to_contain_text(re.compile(r"A\s*→"))
            expect(axis_b).to_contain_text(re.compile(r"B\s*↑"))
            handle = page.locator(FOLIUM_IFRAME).element_handle()
            inner = handle.content_frame() if handle else None
            assert inner is not None
            _check(inner, lang, palette)
            legend.screenshot(path=str(ARTIFACTS / f"bivariate_legend_{palette}_{lang}.png"))
        assert tab.blocked == [] and tab.local_errors == [] and tab.page_errors == []
    finally:
        tab.close()
