"""Issue 9, item 7: after "清除选择" a click on the same region selects it again (real browser)."""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.support.browser import FOLIUM_IFRAME, LocalOnlyPage, wait_for_idle

pytestmark = pytest.mark.browser
TIMEOUT = 150_000


def test_reclicking_a_region_after_clearing_selects_it_again(tmp_path, atlas_url, browser):
    url = atlas_url
    tab = LocalOnlyPage(browser)
    page = tab.page
    page.goto(f"{url}/?level=prefecture&basemap=none")
    main = page.locator('[data-testid="stMain"]')
    heading = main.locator("h3")
    clear = main.get_by_role("button", name="清除选择")

    def click_region():
        paths = page.frame_locator(FOLIUM_IFRAME).locator("path.leaflet-interactive")
        for attempt in range(3):  # the map's shapes are drawn again when its geometry arrives: click the new ones
            page.wait_for_function(f"() => document.querySelectorAll('{FOLIUM_IFRAME}').length === 1", timeout=TIMEOUT)
            paths.nth(5).wait_for(timeout=TIMEOUT)
            wait_for_idle(page)  # not mid-rerun: a run that replaces the map would swallow the click
            try:
                paths.nth(5).click(force=True, timeout=15_000)
                return
            except PlaywrightTimeout:
                if attempt == 2:
                    raise

    click_region()
    clear.wait_for(timeout=TIMEOUT)
    name = heading.first.inner_text()
    assert name
    clear.click()
    clear.wait_for(state="detached", timeout=TIMEOUT)
    click_region()
    clear.wait_for(timeout=60_000)  # before the fix: nothing happens, no details
    assert heading.first.inner_text() == name
    assert "sel=" in page.url
    assert not tab.page_errors
    tab.close()
