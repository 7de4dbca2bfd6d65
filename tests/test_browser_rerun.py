"""No rerun storm: panning and zooming the map sends nothing back to the Streamlit server.

Every script rerun starts with a message from the browser over Streamlit's websocket, so counting the
frames the page sends while the user pans and zooms counts the reruns that would cause. A click on a
region, by contrast, must send one (it selects the region) — which also shows the counter works.
"""

from __future__ import annotations

import pytest
from browser_support import FOLIUM_IFRAME, ROOT, LocalOnlyPage, chromium, streamlit_server

pytestmark = pytest.mark.browser


def test_pan_and_zoom_do_not_rerun_but_a_click_does(tmp_path):
    with (
        streamlit_server(ROOT / "streamlit_app.py", cwd=ROOT, log_path=tmp_path / "streamlit.log") as url,
        chromium() as browser,
    ):
        tab = LocalOnlyPage(browser)
        page = tab.page
        sent: list[object] = []
        page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
        page.goto(f"{url}/?level=prefecture&basemap=none")
        frame = page.frame_locator(FOLIUM_IFRAME)
        paths = frame.locator("path.leaflet-interactive")
        paths.first.wait_for(timeout=150_000)
        # Let the first-load handshakes (component ready, initial value) finish.
        for _ in range(40):
            before = len(sent)
            page.wait_for_timeout(500)
            if len(sent) == before and paths.count() == 21:
                break
        assert paths.count() == 21
        settled = len(sent)

        page.locator(FOLIUM_IFRAME).evaluate("e => e.scrollIntoView({block: 'center'})")
        page.wait_for_timeout(300)
        map_box = frame.locator(".leaflet-container").bounding_box()
        assert map_box is not None
        frame.locator(".leaflet-control-zoom-in").click()
        page.wait_for_timeout(600)
        frame.locator(".leaflet-control-zoom-out").click()
        page.wait_for_timeout(600)
        x, y = map_box["x"] + 60, map_box["y"] + map_box["height"] - 60  # an empty corner, not a region
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + 120, y - 80, steps=8)
        page.mouse.up()
        page.mouse.wheel(0, -300)
        page.wait_for_timeout(2500)
        assert len(sent) == settled, f"pan/zoom sent {len(sent) - settled} message(s) to the server"

        # A region still drawn after the pan and zoom (Leaflet empties paths it has clipped to "M0 0").
        frame.locator('path.leaflet-interactive:not([d="M0 0"])').nth(5).click(force=True)
        page.wait_for_timeout(3000)
        assert len(sent) > settled, "a click on a region must reach the server (selection)"
        assert not tab.page_errors
        tab.close()
