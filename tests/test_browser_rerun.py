"""No rerun storm: panning and zooming the map sends nothing back to the Streamlit server.

Every script rerun starts with a message from the browser over Streamlit's websocket, so counting the
frames the page sends while the user pans and zooms counts the reruns that would cause. A click on a
region, by contrast, must send one (it selects the region) — which also shows the counter works.
And a layer switch restyles the map in place: same iframe, same viewport, new colours.
"""

from __future__ import annotations

import json
import time

import pytest

from tests.support.browser import FOLIUM_IFRAME, LocalOnlyPage, atlas_server, wait_for_idle, wait_until

pytestmark = pytest.mark.browser


def test_pan_and_zoom_do_not_rerun_but_a_click_does(tmp_path, atlas_url, browser):
    url = atlas_url
    tab = LocalOnlyPage(browser)
    page = tab.page
    sent: list[object] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    page.goto(f"{url}/?level=prefecture&basemap=none")
    frame = page.frame_locator(FOLIUM_IFRAME)
    paths = frame.locator("path.leaflet-interactive")
    paths.first.wait_for(timeout=150_000)
    # The first-load handshakes (component ready, initial value) over: no run for a second.
    wait_for_idle(page, quiet_ms=1000)
    assert paths.count() == 21
    settled = len(sent)

    # The drag, the wheel and the click below go to viewport coordinates: the whole map must be in view.
    page.set_viewport_size({"width": 1400, "height": 1600})
    viewport = page.viewport_size
    assert viewport is not None
    map_box = wait_until(
        page,
        lambda: (
            (b := frame.locator(".leaflet-container").bounding_box())
            and b["y"] >= 0
            and b["y"] + b["height"] <= viewport["height"]
            and b
        ),
        "the whole map in view",
    )
    zoom = frame.locator("body")
    zoom.evaluate(COUNT_ZOOMS_JS)
    frame.locator(".leaflet-control-zoom-in").click()
    wait_until(page, lambda: zoom.evaluate("() => window.__atlasZooms") >= 1, "the zoom-in to end")
    frame.locator(".leaflet-control-zoom-out").click()
    wait_until(page, lambda: zoom.evaluate("() => window.__atlasZooms") >= 2, "the zoom-out to end")
    x, y = map_box["x"] + 60, map_box["y"] + map_box["height"] - 60  # an empty corner, not a region
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 120, y - 80, steps=8)
    page.mouse.up()
    page.mouse.move(map_box["x"] + map_box["width"] / 2, map_box["y"] + map_box["height"] / 2)
    page.mouse.wheel(0, -300)  # zooms in on the middle of the map, where regions stay in view
    wait_until(page, lambda: zoom.evaluate("() => window.__atlasZooms") >= 3, "the wheel's zoom to end")
    # What must not happen has no event to wait for: streamlit-folium would report a move within its debounce
    # (a quarter second) of the map's moveend, so the page is watched for two seconds after the zoom settles.
    moved = time.monotonic()
    wait_until(page, lambda: len(sent) > settled or time.monotonic() - moved > 2.0, "two quiet seconds", every_ms=100)
    assert len(sent) == settled, f"pan/zoom sent {len(sent) - settled} message(s) to the server"

    # Click a region that is still drawn inside the map after the pan and zoom: a point of a grid over the map
    # (clear of its edges and controls) where a region lies on top (which ones stay in view depends on the page's
    # width and on where the fit put the regions, so look rather than pick one).
    map_box = frame.locator(".leaflet-container").bounding_box()
    assert map_box is not None
    hit_js = (
        "([s, x, y]) => { const f = document.querySelector(s); const r = f.getBoundingClientRect();"
        " const e = f.contentDocument.elementFromPoint(x - r.left, y - r.top);"
        " return !!e && e.matches('path.leaflet-interactive'); }"
    )
    spots = [
        (map_box["x"] + 60 + (map_box["width"] - 120) * i / 8, map_box["y"] + 60 + (map_box["height"] - 120) * j / 8)
        for i in range(9)
        for j in range(9)
    ]
    spot = next((xy for xy in spots if page.evaluate(hit_js, [FOLIUM_IFRAME, *xy])), None)
    if spot is None:
        pytest.fail("no region left in view after the pan and zoom to click on")
    page.mouse.click(*spot)
    wait_until(page, lambda: len(sent) > settled, "the click to reach the server (selection)")
    assert not tab.page_errors
    tab.close()


def test_a_layer_switch_restyles_the_same_map_in_place(tmp_path, atlas_url, browser):
    """A new layer keeps the map iframe (same element, same document: no reload) and the user's pan
    and zoom, and the shapes take the new layer's colours."""
    url = atlas_url
    tab = LocalOnlyPage(browser)
    page = tab.page
    page.goto(f"{url}/?level=prefecture&basemap=none")
    frame = page.frame_locator(FOLIUM_IFRAME)
    paths = frame.locator("path.leaflet-interactive")
    paths.first.wait_for(timeout=150_000)
    wait_until(
        page, lambda: page.locator(FOLIUM_IFRAME).count() == 1 and paths.count() == 21, "21 shapes", timeout_ms=90_000
    )
    wait_until(
        page, lambda: "60岁及以上" in frame.locator(".atlas-legend-title").inner_text(), "the legend", timeout_ms=90_000
    )
    # Mark the iframe element and its document; the user zooms in and pans.
    page.locator(FOLIUM_IFRAME).evaluate("e => { e.dataset.atlasMark = 'kept'; }")
    frame.locator("body").evaluate("() => { window.atlasMark = 'kept'; }")
    z0 = frame.locator("body").evaluate(ZOOM_JS)
    frame.locator(".leaflet-control-zoom-in").click()
    wait_until(page, lambda: frame.locator("body").evaluate(ZOOM_JS) > z0, "the map zoomed in", timeout_ms=90_000)
    frame.locator("body").evaluate("() => window.map.panBy([40, -30], {animate: false})")
    view_js = "() => [window.map.getZoom(), window.map.getCenter().lat, window.map.getCenter().lng]"
    viewport = frame.locator("body").evaluate(view_js)
    before = frame.locator("body").evaluate(FILLS_JS)

    page.locator('[data-testid="stSidebar"]').get_by_text("有65岁及以上老人的户数", exact=True).click()
    wait_until(
        page,
        lambda: frame.locator(".atlas-legend-title").inner_text() == "有65岁及以上老人的户数",
        "new legend",
        timeout_ms=90_000,
    )

    assert page.locator(FOLIUM_IFRAME).count() == 1
    assert page.locator(FOLIUM_IFRAME).evaluate("e => e.dataset.atlasMark") == "kept", "iframe replaced"
    assert frame.locator("body").evaluate("() => window.atlasMark") == "kept", "iframe reloaded"
    assert frame.locator("body").evaluate(view_js) == viewport
    after = frame.locator("body").evaluate(FILLS_JS)
    assert paths.count() == 21 and after != before, "the shapes keep the old colours"
    assert not tab.page_errors and not tab.blocked
    tab.close()


ZOOM_JS = "() => window.map.getZoom()"
# Counts the map's finished zooms (Leaflet's zoomend), the condition each zoom of the test waits on.
COUNT_ZOOMS_JS = "() => { window.__atlasZooms = 0; window.map.on('zoomend', () => { window.__atlasZooms += 1; }); }"
FILLS_JS = "() => Array.from(document.querySelectorAll('path.leaflet-interactive'), p => p.getAttribute('fill'))"


SIDEBAR_WIDGET = '[data-testid="stSidebar"] [data-testid="stWidgetLabel"]'
# When the map iframe and the first sidebar widget first appear on the page (the page's clock).
FIRST_APPEARANCES_JS = """
(() => {
  window.__firstSeen = {};
  const marks = MARKS;
  new MutationObserver(() => {
    for (const [name, selector] of Object.entries(marks)) {
      if (!(name in window.__firstSeen) && document.querySelector(selector)) {
        window.__firstSeen[name] = performance.now();
      }
    }
  }).observe(document, {subtree: true, childList: true});
})();
""".replace("MARKS", json.dumps({"map": FOLIUM_IFRAME, "sidebar": SIDEBAR_WIDGET}))


def test_a_new_session_gets_its_map_before_the_sidebar_and_then_the_whole_page(tmp_path, browser):
    """A session's first run writes the map alone and waits for it to be drawn (streamlit_app.py): the map's
    iframe is on the page before any sidebar widget; the sidebar and the ranking chart follow without any
    interaction (the map's first report starts the run that writes them)."""
    with atlas_server(log_path=tmp_path / "streamlit.log") as url:
        for _ in range(2):  # the first session of a fresh server, and one of a warm server
            tab = LocalOnlyPage(browser)
            page = tab.page
            page.add_init_script(FIRST_APPEARANCES_JS)
            page.goto(f"{url}/")
            page.frame_locator(FOLIUM_IFRAME).locator("path.leaflet-interactive").first.wait_for(timeout=150_000)
            page.locator(SIDEBAR_WIDGET).first.wait_for(timeout=60_000)
            page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=60_000)
            seen = page.evaluate("() => window.__firstSeen")
            assert seen["map"] < seen["sidebar"], seen
            assert not tab.page_errors
            tab.close()
