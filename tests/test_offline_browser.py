"""A real Streamlit server + headless Chromium that may not reach any host but this machine.

The page puts a localized folium map (a GeoJSON polygon, an awesome-marker, a plain marker, no
tiles) through
streamlit_folium.st_folium. Every request to a host other than 127.0.0.1/localhost is recorded
and aborted, the way the Great Firewall or an offline network would (as an immediate failure
rather than a hang). The map has to render from the app's own /app/static/vendor files, with no
foreign request even attempted and no local 404. A second page load without localize() is the
negative control: it must try the CDNs and show no map, which proves the harness can see the
failure it guards against.
"""

from __future__ import annotations

import folium
import pytest
from playwright.sync_api import expect

from tests.support.browser import ARTIFACTS, FOLIUM_IFRAME, ROOT, LocalOnlyPage, page_script, streamlit_server

pytestmark = pytest.mark.browser

# The page script. Not named app.py: the script's folder goes first on sys.path and would shadow
# the `app` package. `?cdn=1` skips localize() for the negative control.
PAGE = """
import folium
import streamlit as st
from streamlit_folium import st_folium

from app.webmap.assets import localize

st.set_page_config(page_title="offline map test")
m = folium.Map(location=[30.6, 104.1], zoom_start=8, tiles=None)
folium.GeoJson(
    {"type": "Feature", "properties": {"name": "test polygon"},
     "geometry": {"type": "Polygon", "coordinates": [[[103.5, 30.2], [104.7, 30.2], [104.7, 31.0],
                                                      [103.5, 31.0], [103.5, 30.2]]]}},
    style_function=lambda f: {"color": "#b03a2e", "weight": 3, "fillColor": "#e74c3c", "fillOpacity": 0.45},
).add_to(m)
# Default folium.Icon: an awesome-marker sprite with a glyphicon, so the images and fonts load too.
folium.Marker([30.66, 104.07], icon=folium.Icon(icon="info-sign", color="blue")).add_to(m)
# A plain Leaflet marker: its pin and shadow images come from leaflet's images/ folder.
folium.Marker([30.45, 103.8]).add_to(m)
if st.query_params.get("cdn") != "1":
    localize(m)
st_folium(m, height=420, width=700, returned_objects=[], key="offline-map")
"""


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    app_dir = tmp_path_factory.mktemp("offline_app")
    # page_script links the repo's static/ beside the throwaway script (served at /app/static).
    # cwd=ROOT makes .streamlit/config.toml the project config, and config_flags=False leaves static
    # serving, headless and usage stats to that file, which this test thereby checks.
    script = page_script(app_dir, "offline_map_page.py", PAGE)
    with streamlit_server(script, cwd=ROOT, log_path=app_dir / "streamlit.log", config_flags=False) as url:
        yield url


def offline_page(browser) -> LocalOnlyPage:
    """A fresh browser context whose requests to foreign hosts are recorded and aborted."""
    return LocalOnlyPage(browser, viewport=(1000, 720))


def _map_frame(page):
    # st_folium's iframe is the only component iframe on the page; Streamlit titles it after the component.
    return page.frame_locator(FOLIUM_IFRAME)


def test_localized_map_renders_without_foreign_requests(app_url, browser):
    tab = offline_page(browser)
    try:
        tab.page.goto(app_url, wait_until="domcontentloaded")
        frame = _map_frame(tab.page)
        try:
            expect(frame.locator(".leaflet-container")).to_be_visible(timeout=60_000)
        except AssertionError:
            ARTIFACTS.mkdir(exist_ok=True)
            tab.page.screenshot(path=str(ARTIFACTS / "offline_map.png"), full_page=True)
            pytest.fail(f"no Leaflet map; foreign requests: {tab.blocked}; failed requests: {tab.error_responses}")
        assert tab.blocked == [], f"foreign requests: {tab.blocked}"
        polygon = frame.locator("svg path.leaflet-interactive")
        polygon.first.wait_for(state="attached", timeout=30_000)
        marker = frame.locator(".awesome-marker .glyphicon-info-sign")
        marker.wait_for(state="visible", timeout=30_000)
        # The marker's glyph and the sprite behind it come from vendored fonts/images; wait until
        # the browser has fetched them so the request log below is complete.
        fonts = frame.locator("body").evaluate(
            "async () => { await document.fonts.ready;"
            " return [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family); }"
        )
        tab.wait_network_quiet()
        ARTIFACTS.mkdir(exist_ok=True)
        tab.page.screenshot(path=str(ARTIFACTS / "offline_map.png"), full_page=True)

        assert tab.blocked == [], f"the page tried to reach foreign hosts: {tab.blocked}"
        assert tab.error_responses == [], f"requests failed (missing vendored files?): {tab.error_responses}"
        assert polygon.count() >= 1
        assert any("Glyphicons" in family for family in fonts), f"glyphicon font not loaded: {fonts}"
        default_pin = frame.locator("img.leaflet-marker-icon").first
        assert default_pin.evaluate("img => img.complete && img.naturalWidth") == 25  # marker-icon.png
        # Leaflet's stylesheet really applied (it comes from /app/static, served with a css type):
        assert frame.locator(".leaflet-container").evaluate("e => getComputedStyle(e).overflow") == "hidden"
    finally:
        tab.close()


def test_without_localize_the_cdns_are_tried_and_the_map_stays_blank(app_url, browser):
    """Negative control: the harness detects exactly what localize() prevents."""
    tab = offline_page(browser)
    try:
        tab.page.goto(f"{app_url}/?cdn=1", wait_until="domcontentloaded")
        # attached, not visible: with its scripts failing the component never sets its height (0 px)
        tab.page.wait_for_selector(FOLIUM_IFRAME, state="attached", timeout=90_000)
        # st_folium loads a map's scripts one after another: once Leaflet's request is refused, the map's own
        # script (which needs the global L) can never run. Wait for that refusal and for the frame to finish.
        leaflet = dict(folium.Map.default_js)["leaflet"]
        if ("script", leaflet) not in tab.blocked:
            tab.page.wait_for_event("requestfailed", lambda r: r.url == leaflet, timeout=30_000)
        assert ("script", leaflet) in tab.blocked
        inner = tab.page.locator(FOLIUM_IFRAME).element_handle().content_frame()
        inner.wait_for_load_state("load")
        assert inner.evaluate("() => typeof L") == "undefined"  # without Leaflet no map can ever be made
        # st_folium loads its scripts in a chain that stops at the first failure: no map at all.
        assert _map_frame(tab.page).locator(".leaflet-container").count() == 0
    finally:
        tab.close()
