"""The offline HTML export: one file, opened from disk in headless Chromium with every outside request blocked."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from app.core import mapdata
from app.core.viewstate import ViewState
from app.export.htmlexport import html_bytes
from geodata import load_boundaries
from tests.support.exports import data_for


def export(view: ViewState) -> bytes:
    shapes = load_boundaries(view.level, detail=mapdata.boundary_detail(view), datum=mapdata.datum_for(view))
    return html_bytes(shapes, data_for(view))


def test_the_file_links_nothing_and_carries_legend_and_source():
    view = ViewState(level="prefecture", basemap="none")
    page = export(view).decode("utf-8")
    assert not re.search(r"<script[^>]+src=|<link[^>]+stylesheet", page)  # everything inline
    assert "/app/static/vendor/leaflet" not in page.split("L.Icon.Default.imagePath")[0]
    assert "atlas-legend" in page
    assert "<title>" + data_for(view).layer.title("zh") + "</title>" in page


@pytest.mark.browser
@pytest.mark.parametrize(("level", "regions", "selected"), [("prefecture", 21, "510100"), ("county", 183, "510104")])
def test_offline_html_draws_every_region_from_disk_with_the_network_blocked(
    tmp_path, level, regions, selected, browser
):
    # With the default basemap: its tiles are the only outside requests. A region clicked on the page (sel=)
    # is outlined in the file as on screen.
    view = ViewState(level=level, selected=selected)
    path = tmp_path / "map.html"
    path.write_bytes(export(view))
    blocked: list[str] = []
    errors: list[str] = []

    def route(r):
        if urlsplit(r.request.url).scheme in ("file", "data", "blob", "about"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort("blockedbyclient")

    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    context.route("**/*", route)
    page.goto(path.as_uri())
    polygons = page.locator("path.leaflet-interactive")
    polygons.first.wait_for(timeout=20_000)
    assert polygons.count() == regions
    outline = mapdata.SELECTED_OUTLINE
    strokes = polygons.evaluate_all("ps => ps.map(p => [p.getAttribute('stroke'), p.getAttribute('stroke-width')])")
    assert strokes.count([outline["color"], str(outline["weight"])]) == 1, strokes
    assert sum(s[0] == outline["color"] for s in strokes) == 1
    legend = page.locator(".atlas-legend").inner_text()
    assert legend.startswith(data_for(view).layer.title("zh")) and "来源" in legend
    context.close()
    assert errors == []
    assert blocked, "the basemap tiles were requested (and blocked)"
    # Only the default basemap's tiles (Amap/Gaode) may ask for the network.
    assert all(urlsplit(u).hostname.endswith("is.autonavi.com") for u in blocked), blocked
