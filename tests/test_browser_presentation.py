"""What only a browser shows (issue 8, items 4, 5, 8, 11, 12): one real app server, one Chromium.

The app runs from the repo root, so .streamlit/config.toml applies as it does for `make run`; every
request to another host is aborted (tests/browser_support.py).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import ARTIFACTS, FOLIUM_IFRAME, LocalOnlyPage

pytestmark = pytest.mark.browser

FIRST_LOAD_TIMEOUT = 150_000  # ms: the first map of a fresh process builds its caches
TIMEOUT = 60_000


def open_app(browser, atlas_url: str, query: str = "", width: int = 1280, height: int = 900) -> LocalOnlyPage:
    tab = LocalOnlyPage(browser, viewport=(width, height))
    tab.page.goto(f"{atlas_url}/{query}", wait_until="domcontentloaded")
    tab.page.frame_locator(FOLIUM_IFRAME).locator("path.leaflet-interactive").first.wait_for(
        state="attached", timeout=FIRST_LOAD_TIMEOUT
    )
    # A session's first run writes the map alone; the sidebar and the figures come with the run the map's first
    # report starts, which ends with the ranking chart: wait for that chart (the figures above it are complete).
    tab.page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(state="attached", timeout=TIMEOUT)
    tab.page.locator('[data-testid="stMetric"]').first.wait_for(state="visible", timeout=TIMEOUT)
    return tab


# Elements whose text overflows their box (cut off or ellipsised): the element and every descendant.
OVERFLOWING = """
els => els.flatMap(el => [el, ...el.querySelectorAll('*')])
  .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflow !== 'visible'
               || getComputedStyle(e).textOverflow === 'ellipsis' && e.scrollWidth > e.clientWidth + 1)
  .map(e => e.textContent)
"""


def test_no_developer_toolbar(browser, atlas_url):
    tab = open_app(browser, atlas_url)
    try:
        page = tab.page
        page.locator('[data-testid="stSidebar"]').wait_for(state="visible", timeout=TIMEOUT)
        assert page.locator('[data-testid="stAppDeployButton"]').count() == 0
        assert page.locator('[data-testid="stMainMenu"]').count() == 0
        assert page.get_by_role("button", name=re.compile("Deploy", re.I)).count() == 0
    finally:
        tab.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_summary_figures_and_labels_are_whole_at_1280px(browser, atlas_url, lang):
    tab = open_app(browser, atlas_url, "" if lang == "zh" else "?lang=en", width=1280)
    try:
        page = tab.page
        metrics = page.locator('[data-testid="stMetric"]')
        # Beside the map the province's figure on the shown layer, below it the eight of the 2021 summary. The run
        # that writes them may still be replacing the first run's elements: Playwright retries the count.
        expect(metrics).to_have_count(9, timeout=TIMEOUT)
        cut = metrics.evaluate_all(OVERFLOWING)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"summary_1280_{lang}.png"))
        assert cut == [], cut
        # "1,000 余个" must keep its "more than": the qualifier is in the figure, not after an ellipsis.
        values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
        assert any(("1,000余个" if lang == "zh" else "more than 1,000") in v for v in values), values
    finally:
        tab.close()


def test_map_controls_plain_leaflet_prefix_and_metric_scale(browser, atlas_url):
    tab = open_app(browser, atlas_url, "?basemap=none")
    try:
        frame = tab.page.frame_locator(FOLIUM_IFRAME)
        attribution = frame.locator(".leaflet-control-attribution")
        attribution.wait_for(state="attached", timeout=TIMEOUT)
        assert attribution.locator("svg").count() == 0  # Leaflet 1.9's flag is an inline SVG
        assert attribution.inner_text().strip().startswith("Leaflet")
        lines = frame.locator(".leaflet-control-scale-line")
        assert lines.count() == 1
        assert re.fullmatch(r"\d+ k?m", lines.inner_text().strip()), lines.inner_text()
    finally:
        tab.close()


# A point inside the region drawn furthest right: scan its bounding box's middle row from the right.
EAST_POINT = """
() => {
  const paths = [...document.querySelectorAll('path.leaflet-interactive')];
  const east = paths.reduce((a, b) => a.getBoundingClientRect().right > b.getBoundingClientRect().right ? a : b);
  const r = east.getBoundingClientRect();
  for (let dy of [0, -0.2, 0.2, -0.35, 0.35]) {
    const y = r.top + r.height * (0.5 + dy);
    for (let x = r.right - 2; x > r.left; x -= 2) {
      if (document.elementFromPoint(x, y) === east) return [x, y];
    }
  }
  return null;
}
"""


def test_tooltip_at_the_east_edge_stays_inside_the_map(browser, atlas_url):
    tab = open_app(browser, atlas_url, "?basemap=none", width=1280)
    try:
        page = tab.page
        iframe = page.locator(FOLIUM_IFRAME)
        iframe.evaluate("e => e.scrollIntoView({block: 'center'})")
        expect(iframe).to_be_in_viewport(ratio=0.9)
        frame = page.frame_locator(FOLIUM_IFRAME)
        frame_handle = iframe.element_handle().content_frame()
        point = frame_handle.evaluate(EAST_POINT)
        assert point, "no point inside the easternmost region"
        box = iframe.bounding_box()
        page.mouse.move(box["x"] + point[0] - 6, box["y"] + point[1])
        page.mouse.move(box["x"] + point[0], box["y"] + point[1])
        tip = frame.locator(".leaflet-tooltip")
        tip.first.wait_for(state="visible", timeout=TIMEOUT)
        rect = tip.first.evaluate(
            "e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom,"
            " document.documentElement.clientWidth, document.documentElement.clientHeight]; }"
        )
        left, _top, right, _bottom, width, _height = rect
        page.screenshot(path=str(ARTIFACTS / "tooltip_east_edge.png"))
        assert left >= 0 and right <= width, rect
        assert right - left <= 280, rect  # wrapped, not one long line
    finally:
        tab.close()


def test_browser_print_gives_title_and_map_with_legend_on_one_page(browser, atlas_url):
    tab = open_app(browser, atlas_url, "?basemap=none", width=1280)
    try:
        page = tab.page
        page.emulate_media(media="print")
        expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
        assert page.get_by_role("heading", name="四川民政服务覆盖图集").is_visible()
        assert page.locator(FOLIUM_IFRAME).is_visible()
        assert page.frame_locator(FOLIUM_IFRAME).locator(".atlas-legend").is_visible()
        assert not page.locator('[data-testid="stMetric"]').first.is_visible()
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "print.pdf").write_bytes(pdf)
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert pages == 1, pages
    finally:
        tab.close()
