"""Browser helpers for the page's live map (app/webmap/pagemap.py, static/atlas/page-map.js): the sidebar's controls
as a planner uses them, whether a change kept the map's iframe, what the page fetched and received meanwhile, and
where each map of the frame is."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from app.core.i18n import t
from tests.support.browser import FOLIUM_IFRAME, LocalOnlyPage, runs_started, wait_for_idle, wait_until

TIMEOUT_S = 120.0
LANG_LABEL = {"zh": "中文", "en": "English"}
# The maps of the frame (the second only side by side), what page-map.js last drew, and the shapes.
MAP_STATE_JS = """() => {
  // map_div2 is also the id of an element of the component's page: the global is a map only side by side.
  const maps = [window.map_div, window.map_div2].filter(m => m && typeof m.getZoom === "function");
  return {
    maps: maps.map(m => ({zoom: m.getZoom(), lat: m.getCenter().lat, lng: m.getCenter().lng})),
    drawn: window.atlasDrawn || null,
    paths: document.querySelectorAll('path.leaflet-interactive').length,
  };
}"""


def until(page, condition, what: str, timeout_s: float = TIMEOUT_S):
    """:func:`tests.support.browser.wait_until`, for a condition that an iframe being swapped may make raise."""

    def tolerant():
        try:
            return condition()
        except Exception:  # the iframe is detached while Streamlit swaps it
            return None

    return wait_until(page, tolerant, what, timeout_ms=int(timeout_s * 1000), every_ms=100)


def settle(page) -> None:
    """Until the script run the last action started has finished and one map iframe is on the page."""
    # The run a click has just asked for may not have begun: wait up to a second for one to begin, then until no
    # run is under way or begun for 300 ms, with one map on the page.
    wait_for_idle(page, runs_started(page), quiet_ms=300, timeout=TIMEOUT_S * 1000)


def frame(page):
    return page.frame_locator(FOLIUM_IFRAME).first


def map_state(page) -> dict:
    return frame(page).locator("body").evaluate(MAP_STATE_JS)


def drawn(page, paths: int) -> dict:
    """Until the map shows ``paths`` shapes, coloured by the view's style table; returns the map's state."""
    return until(page, lambda: (s := map_state(page))["paths"] == paths and s["drawn"] and s, f"{paths} shapes")


def sidebar(page):
    return page.locator('[data-testid="stSidebar"]')


def choose(page, label: str, want: str) -> None:
    """In the sidebar's selectbox ``label``, type ``want`` and click the first option that contains it."""
    box = sidebar(page).get_by_role("combobox", name=label, exact=True)
    options = page.get_by_role("option")
    for _ in range(4):  # a click that lands while the sidebar re-renders may not open the list
        box.click()
        box.fill(want)
        try:
            options.filter(has_text=want).first.wait_for(timeout=5_000)
            options.filter(has_text=want).first.click()
            options.first.wait_for(state="detached", timeout=5_000)
            return
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    raise AssertionError(f"could not choose {want!r} in {label!r}")


def click_radio(page, label: str, option: str) -> None:
    group = sidebar(page).locator('[data-testid="stRadio"]').filter(has_text=label)
    group.get_by_text(option, exact=True).click()


def switch_language(page, lang: str) -> None:
    """Switch the page to ``lang`` with the sidebar's radio and wait for the new title."""
    sidebar(page).get_by_text(LANG_LABEL[lang], exact=True).click()
    page.get_by_role("heading", name=t("app_title", lang)).wait_for(timeout=TIMEOUT_S * 1000)
    settle(page)


@dataclass
class Watch:
    """What happens to the page while a change is made: requests, websocket payload received, and whether the map
    iframe (the element and its document) stayed. Marks the iframe on entry."""

    page: object
    requests: list[str] = field(default_factory=list)
    frames: list[bytes] = field(default_factory=list)

    def __enter__(self) -> Watch:
        page = self.page
        page.locator(FOLIUM_IFRAME).evaluate("e => { e.dataset.routeMark = 'kept'; }")
        frame(page).locator("body").evaluate("() => { window.routeMark = 'kept'; }")
        self._views = map_state(page)["drawn"]["views"]
        page.on("request", self._request)
        page.on("websocket", self._socket)
        for ws in getattr(page, "_route_sockets", []):
            ws.on("framereceived", self._frame)
        return self

    def _request(self, request) -> None:
        self.requests.append(request.url)

    def _socket(self, ws) -> None:
        ws.on("framereceived", self._frame)

    def _frame(self, payload) -> None:
        self.frames.append(payload if isinstance(payload, bytes) else payload.encode())

    def __exit__(self, *exc) -> None:
        self.page.remove_listener("request", self._request)
        self.page.remove_listener("websocket", self._socket)
        for ws in getattr(self.page, "_route_sockets", []):
            ws.remove_listener("framereceived", self._frame)

    def new_view(self) -> dict:
        """Until the map has drawn a view it had not drawn on entry; returns the map's state."""
        return until(self.page, lambda: (s := map_state(self.page))["drawn"]["views"] > self._views and s, "a new view")

    def kept(self) -> bool:
        page = self.page
        if page.locator(FOLIUM_IFRAME).count() != 1:
            return False
        element = page.locator(FOLIUM_IFRAME).evaluate("e => e.dataset.routeMark")
        return element == "kept" and frame(page).locator("body").evaluate("() => window.routeMark") == "kept"

    def fetched(self) -> list[str]:
        """Paths of the HTTP requests made meanwhile, this page's and its iframes'."""
        return [urlsplit(url).path for url in self.requests]


def watch_sockets(tab: LocalOnlyPage) -> None:
    """Keep the page's websockets, so a Watch opened later counts what they receive (call before goto)."""
    page = tab.page
    page._route_sockets = []  # type: ignore[attr-defined]
    page.on("websocket", lambda ws: page._route_sockets.append(ws))  # type: ignore[attr-defined]
