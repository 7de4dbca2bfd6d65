"""Side by side in a real browser (issue 13): after a language switch, dragging the left map moves the
right one (Leaflet.Sync, served from static/vendor), with every request leaving this machine aborted."""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.support.browser import (
    ARTIFACTS,
    FIRST_LOAD_TIMEOUT,
    FOLIUM_IFRAME,
    TIMEOUT,
    LocalOnlyPage,
    wait_for_idle,
    wait_until,
)

pytestmark = pytest.mark.browser

# Where each map has panned to: the offset of its map pane (Leaflet moves that pane when dragged), left
# map first. The two maps are the same size, so synced maps have the same offset.
CENTRES_JS = """() => Array.from(document.querySelectorAll('.leaflet-container'))
    .sort((a, b) => a.getBoundingClientRect().left - b.getBoundingClientRect().left)
    .map(c => {
        const box = c.getBoundingClientRect(), pane = c.querySelector('.leaflet-map-pane').getBoundingClientRect();
        return [pane.left - box.left, pane.top - box.top];
    })"""


def test_panning_one_side_by_side_map_moves_the_other(tmp_path, atlas_url, browser):
    url = atlas_url
    tab = LocalOnlyPage(browser)
    page = tab.page
    try:
        page.goto(f"{url}/?mode=compare&basemap=none&level=prefecture", timeout=FIRST_LOAD_TIMEOUT)
        frame = page.frame_locator(FOLIUM_IFRAME)
        wait_until(
            page,
            lambda: frame.locator("path.leaflet-interactive").count() == 42,
            "21 regions on each map",
            FIRST_LOAD_TIMEOUT,
        )
        page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
        wait_until(page, lambda: page.get_by_text("Compare view", exact=True).count() == 1, "English labels")
        wait_until(
            page,
            lambda: (
                page.locator(FOLIUM_IFRAME).count() == 1 and frame.locator("path.leaflet-interactive").count() == 42
            ),
            "the maps after the language switch",
        )

        running = page.locator(
            '[data-testid="stStatusWidgetRunningIcon"], [data-testid="stStatusWidgetRunningManIcon"]'
        )

        def mark() -> str | None:
            """A token stored on the map iframe element: a rerun that replaces the iframe loses it."""
            if page.locator(FOLIUM_IFRAME).count() != 1:
                return None
            return page.locator(FOLIUM_IFRAME).evaluate("e => (e.dataset.mark ||= String(Math.random()))")

        def centres():
            handle = page.locator(FOLIUM_IFRAME).element_handle()
            inner = handle.content_frame() if handle else None
            return inner.evaluate(CENTRES_JS) if inner else None

        # A rerun after the switch (the maps' first report) may replace the iframe, even mid-pan ("Frame was
        # detached"): pan in an iframe that stayed put for a while, and start again if it is replaced.
        for attempt in range(4):
            wait_until(page, lambda: running.count() == 0 and mark() is not None, "the rerun to finish")
            token = mark()
            wait_for_idle(page, quiet_ms=1000)  # no run begun for a second: the iframe is not about to change
            if mark() != token:
                continue
            try:
                before = wait_until(page, lambda: (c := centres()) and len(c) == 2 and c, "two maps")
                handle = page.locator(FOLIUM_IFRAME).element_handle()
                inner = handle.content_frame() if handle else None
                assert inner is not None
                # Pan the left map with the keyboard (Leaflet's arrow-key panning of a focused map): no
                # pointer lands on a region, so no click selects one and reruns the page meanwhile.
                left = inner.locator(".leaflet-container").first
                left.scroll_into_view_if_needed()
                left.focus()
                for key in ("ArrowRight", "ArrowRight", "ArrowDown"):
                    left.press(key)
                after = wait_until(
                    page,
                    lambda token=token, before=before: (
                        mark() != token or ((c := centres()) and c[0] != before[0] and c)
                    ),
                    "the left map to move",
                    TIMEOUT,
                )
            except PlaywrightError:
                if mark() == token or attempt == 3:
                    raise
                continue
            if mark() == token:
                break
        else:
            raise AssertionError("the map iframe was replaced during every attempt to pan it")
        page.screenshot(path=str(ARTIFACTS / "compare_side_by_side.png"))
        assert after[1] != before[1], "the right map stayed where it was"
        # the right map moved by as much as the left one (within a pixel of rounding)
        moved = [[a - b for a, b in zip(after[i], before[i], strict=True)] for i in (0, 1)]
        assert moved[1] == pytest.approx(moved[0], abs=1.5), (before, after)
        assert tab.blocked == [] and tab.local_errors == [] and tab.page_errors == []
    finally:
        tab.close()
