"""The real app in headless Chromium, on a network where only this machine answers.

`streamlit run streamlit_app.py` from the repo root (so /app/static serves the vendored Leaflet);
every request to another host is recorded and aborted. The walk: prefecture map → county level via
the sidebar → another layer → hover tooltip → click a region → details panel → the address now
describes the view, and opening it in a fresh browser context shows the same view again.
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.support.browser import ARTIFACTS, FIRST_LOAD_TIMEOUT, FOLIUM_IFRAME, TIMEOUT, LocalOnlyPage, wait_until

pytestmark = pytest.mark.browser

# Basemap tile servers: the only foreign hosts the page may try (they are images, drawn under the map).
TILE_HOSTS = re.compile(r"(^|\.)(basemaps\.cartocdn\.com|tile\.openstreetmap\.org|autonavi\.com|tianditu\.gov\.cn)$")
NEW_LAYER_ID = "households_with_65plus"
NEW_LAYER_TITLE = "有65岁及以上老人的户数"
DEFAULT_LAYER_TITLE = "每个乡镇（街道）的60岁及以上人口（合并后）"


def region_paths(page):
    return page.frame_locator(FOLIUM_IFRAME).locator("path.leaflet-interactive")


def one_map(page) -> bool:
    """While Streamlit reruns, the old map iframe can linger beside the new one; wait that out."""
    return page.locator(FOLIUM_IFRAME).count() == 1


def wait_for_regions(page, n: int, timeout_ms: int = TIMEOUT) -> None:
    paths = region_paths(page)
    wait_until(
        page,
        lambda: one_map(page) and paths.count() == n,
        f"{n} region paths in one map (have {page.locator(FOLIUM_IFRAME).count()} maps)",
        timeout_ms,
    )


def legend_title(page) -> str:
    if not one_map(page):
        return ""
    legend = page.frame_locator(FOLIUM_IFRAME).locator(".atlas-legend-title")
    try:
        return legend.inner_text(timeout=2_000) if legend.count() == 1 else ""
    except PlaywrightError:  # a rerun put a second map beside the first meanwhile: ask again
        return ""


def layer_option(page, title: str):
    """The layer list's option (a radio whose label is the layer's whole title)."""
    return page.locator('[data-testid="stSidebar"]').get_by_role("radio", name=title, exact=True)


def query(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query).items()}


def wait_idle(page) -> None:
    """Until the script run has finished (Streamlit shows its running man meanwhile)."""
    running = page.locator('[data-testid="stStatusWidgetRunningIcon"], [data-testid="stStatusWidgetRunningManIcon"]')
    wait_until(page, lambda: running.count() == 0, "the script run to finish")


def details(page, name: str):
    """The details panel's heading for ``name`` and its "figures on every layer" table."""
    main = page.locator('[data-testid="stMain"]')
    main.get_by_role("heading", name=name, exact=True).wait_for(state="visible", timeout=TIMEOUT)
    # The figures sit below the map, where the previous run had other expanders: until the run ends,
    # their stale children can linger beside the new table, so wait for the run, then for the table.
    wait_idle(page)
    figures = main.locator('[data-testid="stExpander"]').filter(has_text="所有图层的数值")
    figures.locator('[data-testid="stDataFrame"]').first.wait_for(state="visible", timeout=TIMEOUT)


def shot(page, name: str) -> None:
    wait_idle(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def map_centre(page) -> tuple[float, float]:
    """Page coordinates of the map's centre, with the whole map in view.

    Leaflet focuses its container on mousedown; a map partly below the fold then scrolls into view
    between mousedown and mouseup and the click lands on nothing, so bring it fully into view first.
    """
    frame_el = page.locator(FOLIUM_IFRAME)
    frame_el.evaluate("e => e.scrollIntoView({block: 'center'})")
    frame_el.evaluate(
        "e => new Promise(done => { const check = () => { const r = e.getBoundingClientRect();"
        " (r.top >= 0 && r.bottom <= innerHeight) ? done() : requestAnimationFrame(check); }; check(); })"
    )
    box = frame_el.bounding_box()
    viewport = page.viewport_size
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], (box, viewport)
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_map_walkthrough_offline(atlas_url, browser):
    tab = LocalOnlyPage(browser, viewport=(1400, 1100))
    fresh = None
    page = tab.page
    try:
        # 1. prefecture level from the address
        page.goto(f"{atlas_url}/?level=prefecture", wait_until="domcontentloaded")
        wait_for_regions(page, 21, FIRST_LOAD_TIMEOUT)
        assert page.get_by_role("radio", name="市（州）").is_checked()
        wait_until(page, lambda: legend_title(page) == DEFAULT_LAYER_TITLE, "the legend")
        shot(page, "app_01_prefectures.png")

        # 2. county level through the sidebar radio
        page.locator('[data-testid="stSidebar"]').get_by_text("县（市、区）", exact=True).click()
        wait_for_regions(page, 183)
        wait_until(page, lambda: "level" not in query(page), "level=prefecture to leave the address")
        assert page.get_by_role("radio", name="县（市、区）").is_checked()

        # 3. another layer through the sidebar's layer list
        assert layer_option(page, DEFAULT_LAYER_TITLE).is_checked()
        page.locator('[data-testid="stSidebar"]').get_by_text(NEW_LAYER_TITLE, exact=True).click()
        wait_until(page, lambda: legend_title(page) == NEW_LAYER_TITLE, "the legend of the new layer")
        wait_for_regions(page, 183)
        wait_until(page, lambda: query(page).get("layer") == NEW_LAYER_ID, "layer= in the address")
        assert layer_option(page, NEW_LAYER_TITLE).is_checked()

        # 4. hover: the Leaflet tooltip names the region and cites the source
        x, y = map_centre(page)
        page.mouse.move(x - 20, y - 20)
        page.mouse.move(x, y)
        tooltip = page.frame_locator(FOLIUM_IFRAME).locator(".leaflet-tooltip")
        tooltip.wait_for(state="visible", timeout=TIMEOUT)
        tip = tooltip.inner_text()
        name = tip.splitlines()[0].strip()
        assert re.fullmatch(r"\S+(市|县|区|州)", name), tip
        assert f"{NEW_LAYER_TITLE}:" in tip and "来源" in tip and "排名" in tip
        shot(page, "app_02_tooltip.png")

        # 5. click: the details panel on the main page shows that region
        page.mouse.click(x, y)
        details(page, name)
        sel = wait_until(page, lambda: query(page).get("sel"), "sel= in the address")
        assert re.fullmatch(r"51\d{4}", sel)
        assert page.locator('[data-testid="stMain"]').get_by_text(re.compile(rf"^{sel} · 上级: ")).count() == 1
        page.mouse.move(5, 5)  # off the map: no hover highlight
        wait_idle(page)
        outlined = region_paths(page).locator("xpath=self::*[@stroke-width='3']")
        wait_until(page, lambda: outlined.count() == 1, "the clicked region outlined on the map")
        shot(page, "app_03_selected.png")

        # 6. the address describes the view; a fresh browser opens the same view from it
        url = page.url
        assert query(page) == {"layer": NEW_LAYER_ID, "sel": sel}, url
        fresh = LocalOnlyPage(browser, viewport=(1400, 1100))
        fresh.page.goto(url, wait_until="domcontentloaded")
        wait_for_regions(fresh.page, 183)
        wait_until(fresh.page, lambda: legend_title(fresh.page) == NEW_LAYER_TITLE, "the legend in the fresh page")
        assert layer_option(fresh.page, NEW_LAYER_TITLE).is_checked()
        assert fresh.page.get_by_role("radio", name="县（市、区）").is_checked()
        details(fresh.page, name)
        shot(fresh.page, "app_04_reopened.png")

        # 7. the network: only basemap tiles were refused, nothing the page needs; no script errors
        for t in (tab, fresh):
            t.wait_network_quiet()
            assert t.blocked, "no basemap tile was even requested: is the request recorder working?"
            not_tiles = [
                (kind, u)
                for kind, u in t.blocked
                if kind != "image" or not TILE_HOSTS.search(urlsplit(u).hostname or "")
            ]
            assert not_tiles == [], f"blocked requests other than basemap tiles: {not_tiles}"
            assert t.local_errors == [], t.local_errors
            assert t.page_errors == [], t.page_errors
    finally:
        if fresh is not None:
            fresh.close()
        tab.close()
