"""Issue 23 as a 凉山州 planner tried it (elderly per township after the merger against children per village after the
merger, area 凉山彝族自治州, 1366×768), in a real browser, in both languages (English after switching):

1. side by side: each map's legend is a box with one swatch per class, hiding no region; the sources are under the
   maps; a click selects and outlines a region on both maps without moving either;
2. every compare map (side by side, bivariate, the scatter's map, hot spots, change between years) is fitted to the
   shown regions as the single map is;
3. a box or lasso selection on the scatter (a real drag) lists exactly the selected regions in the table and
   outlines them on the map beside it, zoomed to fit; clearing restores both; the selection survives a rerun.

Screenshots of each view go to test-artifacts/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.core.compareviews import VIEWS
from app.core.i18n import t
from tests.support.browser import ARTIFACTS, FOLIUM_IFRAME, LocalOnlyPage
from tests.support.livemap import (
    click_radio,
    drawn,
    frame,
    map_state,
    settle,
    switch_language,
    until,
)

pytestmark = pytest.mark.browser

PLANNER = "mode=compare&area=513400&layer=elderly_per_township_2021&layer_b=children_per_village_2021&basemap=none"
SERIES = "mode=compare&area=513400&layer=townships_by_year&year_from=2018&cview=year_change&basemap=none"
LIANGSHAN = 17

# Each legend of the map: its swatches and class rows, its text, and how many points of its box (every 4 px) lie
# over a region (document.elementsFromPoint sees the shapes under the legend).
LEGENDS_JS = """() => Array.from(document.querySelectorAll('.atlas-legend')).map(l => {
  const r = l.getBoundingClientRect();
  let over = 0, points = 0;
  for (let x = r.left + 1; x < r.right; x += 4) {
    for (let y = r.top + 1; y < r.bottom; y += 4) {
      points++;
      if (document.elementsFromPoint(x, y).some(e => e.matches('path.leaflet-interactive'))) { over++; }
    }
  }
  return {swatches: l.querySelectorAll('.atlas-swatch').length, rows: l.querySelectorAll('.atlas-legend-row').length,
          text: l.innerText, over: over, points: points};
})"""
# Per map: the box of its container and the union of its regions' boxes (the outlined ones only, when asked).
EXTENT_JS = """(_, width) => Array.from(document.querySelectorAll('.leaflet-container')).map(c => {
  const box = c.getBoundingClientRect();
  const shapes = Array.from(c.querySelectorAll('path.leaflet-interactive'))
    .filter(p => !width || p.getAttribute('stroke-width') === width)
    .map(p => p.getBoundingClientRect()).filter(r => r.width > 0);
  if (!shapes.length) { return {box: [box.left, box.top, box.right, box.bottom], shapes: 0}; }
  return {box: [box.left, box.top, box.right, box.bottom], shapes: shapes.length,
          union: [Math.min(...shapes.map(r => r.left)), Math.min(...shapes.map(r => r.top)),
                  Math.max(...shapes.map(r => r.right)), Math.max(...shapes.map(r => r.bottom))]};
})"""
# A shape of the map ``index`` (0 left, 1 right) whose centre shows that shape, not another or a control.
CLICKABLE_JS = """(_, [index, skip]) => {
  const map = document.querySelectorAll('.leaflet-container')[index];
  const paths = Array.from(map.querySelectorAll('path.leaflet-interactive'));
  for (let i = 0; i < paths.length; i++) {
    const r = paths[i].getBoundingClientRect();
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    if (i >= skip && document.elementFromPoint(x, y) === paths[i]) { return [x, y]; }
  }
  return null;
}"""


def open_planner(browser, atlas_url: str, query: str, lang: str, paths: int) -> LocalOnlyPage:
    tab = LocalOnlyPage(browser, viewport=(1366, 768))
    tab.page.goto(f"{atlas_url}/?{query}", timeout=150_000)
    drawn(tab.page, paths)
    settle(tab.page)
    if lang == "en":
        switch_language(tab.page, "en")
        drawn(tab.page, paths)
    return tab


def show_map(page) -> None:
    page.locator(FOLIUM_IFRAME).evaluate("e => e.scrollIntoView({block: 'center'})")


def fitted(extent: dict, share: float = 0.6) -> bool:
    """The regions lie inside the map and fill at least ``share`` of its width or height."""
    left, top, right, bottom = extent["box"]
    u_left, u_top, u_right, u_bottom = extent["union"]
    inside = u_left >= left - 1 and u_top >= top - 1 and u_right <= right + 1 and u_bottom <= bottom + 1
    return inside and max((u_right - u_left) / (right - left), (u_bottom - u_top) / (bottom - top)) >= share


def click_at(page, xy) -> None:
    box = page.locator(FOLIUM_IFRAME).bounding_box()
    page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_side_by_side_legends_sources_and_a_click_that_moves_no_map(atlas_url, browser, lang):
    tab = open_planner(browser, atlas_url, PLANNER, lang, 2 * LIANGSHAN)
    page = tab.page
    try:
        show_map(page)
        legends = frame(page).locator("body").evaluate(LEGENDS_JS)
        assert len(legends) == 2, legends
        for legend in legends:
            # one swatch per class: every row of the box has its colour
            assert legend["swatches"] == legend["rows"] >= 3, legend
            assert t("source", lang) not in legend["text"], legend  # the sources are under the maps
            assert legend["over"] == 0, f"the legend hides a region at {legend['over']} of {legend['points']} points"
        # each layer's unit, year and source in a line of its own, under the maps
        maps = page.locator(FOLIUM_IFRAME).bounding_box()
        for which in ("A", "B"):
            line = page.locator('[data-testid="stCaptionContainer"]').filter(has_text=re.compile(rf"^{which} · "))
            expect(line).to_have_count(1)
            expect(line).to_contain_text(f"{t('source', lang)}: ")
            assert line.bounding_box()["y"] >= maps["y"] + maps["height"] - 1
        page.screenshot(path=str(ARTIFACTS / f"compare_side_by_side_{lang}.png"))

        # A click on a region of the right map selects it: outlined on both maps, neither map moves.
        page.locator(FOLIUM_IFRAME).evaluate("e => { e.dataset.clickMark = 'kept'; }")
        before = map_state(page)
        click_at(page, frame(page).locator("body").evaluate(CLICKABLE_JS, [1, 3]))
        outlined = "() => Array.from(document.querySelectorAll('path[stroke-width=\"3\"]')).length"
        until(page, lambda: frame(page).locator("body").evaluate(outlined) == 2, "the region outlined on both maps")
        settle(page)
        assert page.locator(FOLIUM_IFRAME).evaluate("e => e.dataset.clickMark") == "kept"
        assert map_state(page)["maps"] == before["maps"], "a click moved a map"
        assert page.evaluate("() => location.search").count("sel=") == 1
        assert not tab.page_errors and not tab.blocked and not tab.local_errors
    finally:
        tab.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_compare_map_is_fitted_to_the_area(atlas_url, browser, lang):
    """With one prefecture chosen each compare map shows its counties as the single map does: inside the map, and
    filling most of its width or height (the report: a small patch at province zoom)."""
    tab = open_planner(browser, atlas_url, PLANNER, lang, 2 * LIANGSHAN)
    page = tab.page
    try:
        for view in ("side_by_side", "bivariate", "scatter", "hotspots"):
            if view != "side_by_side":
                click_radio(page, t("compare_view", lang), VIEWS[view].title(lang))
                settle(page)
            drawn(page, (2 if view == "side_by_side" else 1) * LIANGSHAN)
            show_map(page)
            extents = frame(page).locator("body").evaluate(EXTENT_JS, None)
            assert all(fitted(e) for e in extents), (view, extents)
            page.screenshot(path=str(ARTIFACTS / f"compare_{view}_{lang}.png"))
        tab.close()
        tab = open_planner(browser, atlas_url, SERIES, lang, LIANGSHAN)
        page = tab.page
        show_map(page)
        extents = frame(page).locator("body").evaluate(EXTENT_JS, None)
        assert all(fitted(e) for e in extents), ("year_change", extents)
        page.screenshot(path=str(ARTIFACTS / f"compare_year_change_{lang}.png"))
        assert not tab.page_errors and not tab.blocked and not tab.local_errors
    finally:
        tab.close()


# --- the scatter's linked selection -----------------------------------------------------------------------------
CHART = ".js-plotly-plot"
# The chart's points (first trace): each one's code and the centre of its marker on the page.
POINTS_JS = """g => Array.from(g.querySelectorAll('.scatterlayer .trace')[0].querySelectorAll('.point'), (p, i) => {
  const r = p.getBoundingClientRect();
  return [g.data[0].customdata[i], r.left + r.width / 2, r.top + r.height / 2];
})"""


def table_codes(page) -> list[str]:
    """The codes in the compare table under the chart (its second column; a short table shows all its rows)."""
    return page.locator('[data-testid="stDataFrame"]').first.evaluate(
        """g => Array.from(g.querySelectorAll('[role=row]'), r => r.querySelectorAll('[role=gridcell]'))
                .filter(cells => cells.length > 1).map(cells => cells[1].innerText)"""
    )


def heading(page, lang: str, n: int | None) -> str:
    return t("selected_regions", lang, n=n) if n is not None else t("table", lang)


def drag_select(page, how: str) -> set[str]:
    """Select the middle points of the chart by a real drag, a box or a lasso; returns their codes."""
    chart = page.locator(CHART).first
    chart.scroll_into_view_if_needed()
    points = chart.evaluate(POINTS_JS)
    xs = sorted(x for _, x, _ in points)
    left, right = xs[len(xs) // 4] - 3, xs[3 * len(xs) // 4] + 3
    drag = chart.locator(".nsewdrag").first.bounding_box()
    top, bottom = drag["y"] + 2, drag["y"] + drag["height"] - 2
    inside = {code for code, x, y in points if left < x < right and top < y < bottom}
    assert 2 <= len(inside) < len(points), inside
    if how == "box":
        chart.hover()
        page.locator('.modebar-btn[data-val="select"]').first.click()
    page.mouse.move(left, top)
    page.mouse.down()
    corners = [(right, top), (right, bottom), (left, bottom), (left, top + 1)] if how == "lasso" else [(right, bottom)]
    for x, y in corners:
        page.mouse.move(x, y, steps=8)
    page.mouse.up()
    return inside


def outlined_extent(page) -> dict:
    return frame(page).locator("body").evaluate(EXTENT_JS, "2.5")[0]


def linked(page, lang: str, codes: set[str]) -> None:
    """Until the table lists exactly ``codes`` and the map outlines them, zoomed to fit them."""
    until(page, lambda: page.get_by_text(heading(page, lang, len(codes)), exact=True).count() == 1, "the heading")
    settle(page)
    until(page, lambda: set(table_codes(page)) == codes, f"the table to list {sorted(codes)}", 30)
    extent = until(page, lambda: (e := outlined_extent(page))["shapes"] == len(codes) and e, "the outlines", 30)
    assert fitted(extent, 0.45), extent


def restored(page, lang: str, zoom: float) -> None:
    until(page, lambda: page.get_by_text(heading(page, lang, None), exact=True).count() == 1, "the whole table")
    settle(page)
    until(page, lambda: outlined_extent(page)["shapes"] == 0, "no outline on the map")
    assert map_state(page)["maps"][0]["zoom"] == zoom, "the map is not back on the area"
    assert len(table_codes(page)) >= 12  # the whole table (a grid shows the rows in view)


@pytest.mark.parametrize(("lang", "how"), [("zh", "box"), ("en", "lasso")])
def test_a_scatter_selection_lists_and_outlines_its_regions(atlas_url, browser, lang, how):
    tab = open_planner(browser, atlas_url, PLANNER + "&cview=scatter", lang, LIANGSHAN)
    page = tab.page
    try:
        area_zoom = map_state(page)["maps"][0]["zoom"]
        chosen = drag_select(page, how)
        linked(page, lang, chosen)
        page.screenshot(path=str(ARTIFACTS / f"compare_scatter_selection_{lang}.png"))

        # a double click on the chart clears the selection: the whole table, no outline, the area's fit
        chart = page.locator(CHART).first.locator(".nsewdrag").first
        chart.dblclick(position={"x": 5, "y": 5})
        restored(page, lang, area_zoom)

        # a new selection survives a rerun (a click on the map selects a region and reruns the page)
        chosen = drag_select(page, how)
        linked(page, lang, chosen)
        spot = (
            frame(page)
            .locator("body")
            .evaluate(
                """() => { const m = document.querySelector('.leaflet-container'), b = m.getBoundingClientRect();
                 for (const p of m.querySelectorAll('path.leaflet-interactive')) {
                   const r = p.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
                   if (x > b.left && x < b.right && y > b.top && y < b.bottom && document.elementFromPoint(x, y) === p)
                     { return [x, y]; } }
                 return null; }"""
            )
        )
        click_at(page, spot)
        until(page, lambda: "sel=" in page.evaluate("() => location.search"), "the clicked region in the address")
        linked(page, lang, chosen)

        # the button clears it too
        page.get_by_role("button", name=t("clear_selection", lang)).click()
        restored(page, lang, area_zoom)
        assert not tab.page_errors and not tab.blocked and not tab.local_errors
    finally:
        tab.close()
