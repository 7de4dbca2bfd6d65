"""Strings typed by an editor (a user layer's title, unit, source) and region names reach every HTML-producing
export as text: opened in headless Chromium (every outside request blocked), no file runs a script or grows
an element from them. Each payload closes a different context: <title>, a <script> block, an attribute, an
HTML comment, a CDATA section, a JavaScript template literal."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from urllib.parse import urlsplit

import folium
import pandas as pd
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from app.core import mapdata
from app.core.compare import compare_data
from app.core.viewstate import ViewState
from app.export import compare as compare_export
from app.export import printmap
from app.export.atlas import build_atlas
from app.export.htmlexport import html_bytes, inline_assets
from app.webmap.assets import localize
from app.webmap.facilities import marker_layer
from geodata import load_boundaries
from layers import default_registry
from layers.userlayers import with_user_layers
from layers.userstore import NewLayer, open_store

PAYLOADS = (
    "</title><script>alert('title')</script>",
    "</script><script>alert('script')</script>",
    '"><img src=x onerror=alert("attribute")>',
    "<!--",
    "]]>",
    "${alert('template')}`",
)
EVIL = "X" + "".join(PAYLOADS)

# Elements and attributes no export has of its own; any of them in the page came from a payload.
INJECTED_JS = """() => {
  const found = [...document.querySelectorAll('img[src="x"], [onerror], iframe, foreignObject')]
    .map(n => n.outerHTML.slice(0, 120));
  const scripts = [...document.scripts].filter(s => /^\\s*alert\\(/.test(s.textContent))
    .map(s => s.outerHTML.slice(0, 120));
  return found.concat(scripts).concat(window.__injected || []);
}"""
# Records elements added after load (a tooltip's innerHTML, a legend rewritten by script).
WATCH_JS = """() => document.addEventListener('DOMContentLoaded', () => {
  window.__injected = [];
  new MutationObserver(ms => ms.forEach(m => m.addedNodes.forEach(n => {
    if (n.nodeType !== 1) return;
    const sel = 'img[src="x"], [onerror], script, iframe';
    const bad = n.matches(sel) ? [n] : [...n.querySelectorAll(sel)];
    bad.forEach(b => window.__injected.push(b.outerHTML.slice(0, 120)));
  }))).observe(document.documentElement, {childList: true, subtree: true});
})"""
# Opens every region's and marker's tooltip in turn (Leaflet fills a tooltip's innerHTML when it opens).
OPEN_TOOLTIPS_JS = """() => {
  let opened = 0;
  for (const key of Object.keys(window).filter(k => /^map_[0-9a-f]+$/.test(k))) {
    window[key].eachLayer(layer => {
      if (layer.feature || layer.getTooltip && layer.getTooltip()) {
        const at = layer.getBounds ? layer.getBounds().getCenter() : layer.getLatLng();
        layer.fire('mouseover', {latlng: at}, true);
        if (layer.openTooltip && layer.getTooltip()) layer.openTooltip(at);
        opened += 1;
      }
    });
  }
  return opened;
}"""


@pytest.fixture(scope="module")
def evil_registry(tmp_path_factory):
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('store') / 'evil.sqlite'}")
    counts = default_registry().get("pop_total").frame("county").set_index("adcode")["value"]
    store.save_many([(NewLayer(EVIL, "u" + EVIL, "2021", "s" + EVIL, "county", "count"), counts)], "test")
    registry = with_user_layers(store, default_registry())
    return registry, next(layer.id for layer in registry.list_layers() if layer.is_user_layer)


def evil_names(data: mapdata.MapData) -> mapdata.MapData:
    """The same figures with every region named by payloads (as an upload's or a gazetteer's name would reach)."""
    table = data.table.copy()
    for column in ("name", "label", "parent_name"):
        table[column] = [f"{v}{EVIL}" for v in table[column]]
    return dataclasses.replace(data, table=table)


def evil_shapes(level: str, detail: str = "web", datum: str = "wgs84"):
    shapes = load_boundaries(level, detail=detail, datum=datum).copy()
    shapes["short_name"] = [f"{v}{EVIL}" for v in shapes["short_name"]]  # the print maps' labels
    shapes["name"] = [f"{v}{EVIL}" for v in shapes["name"]]
    return shapes


def single_data(registry, layer_id: str) -> mapdata.MapData:
    view = ViewState(layer=layer_id, level="county", area="513400", basemap="none", selected="513401")
    return evil_names(mapdata.map_data(mapdata.effective_layer(registry, view), view))


def open_and_check(browser, path: Path, *, tooltips: bool = False) -> str:
    dialogs: list[str] = []
    blocked: list[str] = []

    def route(r):
        if urlsplit(r.request.url).scheme in ("file", "data", "blob", "about"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort("blockedbyclient")

    context = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        context.route("**/*", route)
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.add_init_script(f"({WATCH_JS})()")
        page.goto(path.as_uri(), wait_until="load")
        opened = -1
        if tooltips:
            try:
                page.locator(".leaflet-interactive").first.wait_for(timeout=20_000)
                opened = page.evaluate(OPEN_TOOLTIPS_JS)
                page.locator(".leaflet-tooltip").first.wait_for(state="attached", timeout=5_000)
            except PlaywrightTimeoutError:
                opened = 0
        injected = page.evaluate(INJECTED_JS)
        text = page.evaluate("() => document.documentElement.textContent")
    finally:
        context.close()
    assert dialogs == [], f"{path.name} ran script: {dialogs}"
    assert opened != 0, f"{path.name}: the map did not draw or no tooltip opened"
    assert injected == [], f"{path.name} grew elements from data: {injected}"
    assert blocked == [], f"{path.name} asked for the network: {blocked}"
    return text


@pytest.mark.browser
def test_no_html_producing_export_runs_or_grows_markup_from_data(tmp_path, evil_registry, browser):
    registry, layer_id = evil_registry
    data = single_data(registry, layer_id)
    view = data.view
    files: dict[str, Path] = {}

    html_path = tmp_path / "single.html"
    html_path.write_bytes(html_bytes(evil_shapes("county", mapdata.boundary_detail(view), "wgs84"), data))
    files["html"] = html_path

    options = printmap.PrintOptions(date=dt.date(2026, 1, 1))
    svg_path = tmp_path / "single.svg"
    svg_path.write_bytes(printmap.render(evil_shapes("county"), data, options, "svg"))
    files["svg"] = svg_path

    compare_view = dataclasses.replace(view, mode="compare", layer_b="pop_65plus_share")
    both = compare_data(registry, compare_view)
    both = dataclasses.replace(both, a=evil_names(both.a), b=evil_names(both.b))
    both = dataclasses.replace(
        both, table=both.table.assign(label=[f"{v}{EVIL}" for v in both.table["label"]], parent_name=EVIL)
    )
    for cview in compare_export.PRINT_VIEWS:
        path = tmp_path / f"compare_{cview}.svg"
        path.write_bytes(compare_export.render(evil_shapes("county"), both, options, "svg", cview))
        files[cview] = path

    atlas = tmp_path / "atlas"
    build_atlas(atlas, formats=("png",), registry=registry, views=[view], load=evil_shapes, options=options)
    files["atlas"] = atlas / "index.html"

    for name, path in files.items():
        text = open_and_check(browser, path, tooltips=name == "html")
        if name in ("html", "atlas"):  # the payloads are shown as the text they are
            assert EVIL in text, f"{name}: the title is not shown as text"


@pytest.mark.browser
def test_the_offline_html_title_is_the_layer_title_as_text(tmp_path, evil_registry, browser):
    registry, layer_id = evil_registry
    data = single_data(registry, layer_id)
    path = tmp_path / "m.html"
    path.write_bytes(html_bytes(evil_shapes("county", "web", "wgs84"), data))
    context = browser.new_context()
    page = context.new_page()
    page.goto(path.as_uri(), wait_until="load")
    assert page.title() == EVIL
    context.close()


@pytest.mark.browser
def test_facility_marker_tooltips_show_names_as_text(tmp_path, browser):
    # folium.Tooltip writes its text into a JavaScript template literal: a backtick or ${…} in a site's
    # name would otherwise end it or run.
    points = pd.DataFrame(
        {
            "name": [EVIL, "`${alert('b')}`"],
            "type": [EVIL, ""],
            "capacity": [1.0, None],
            "county": ["", ""],
            "lon": [102.27, 102.3],
            "lat": [27.9, 27.95],
        },
        index=[2, 3],
    )
    m = folium.Map(location=[27.9, 102.27], zoom_start=10, tiles=None)
    m.add_child(marker_layer(points, "zh"))
    path = tmp_path / "markers.html"
    path.write_text(inline_assets(localize(m).get_root().render()), encoding="utf-8")
    open_and_check(browser, path, tooltips=True)
