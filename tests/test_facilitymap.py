"""Uploaded strings on the map: facility markers (clustered, vendored assets only) and a user layer's title."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime

import folium
import pandas as pd
import pytest

from app.core import mapdata
from app.core.viewstate import ViewState
from app.webmap import choropleth
from app.webmap.assets import external_urls, localize
from app.webmap.facilities import CLUSTER_FROM, marker_layer, with_facilities
from geodata import load_boundaries
from layers import default_registry
from layers.facilities import FacilityColumns, locate_facilities
from layers.userlayers import user_layer
from layers.userstore import UserLayer

SCRIPT = "<script>alert('x')</script>"
IMG = '<img src=x onerror="alert(1)">'


def _points(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": [f"{IMG}院{i}" for i in range(n)],
            "type": [SCRIPT] * n,
            "capacity": [10.0] * n,
            "lon": [104.0 + i * 0.001 for i in range(n)],
            "lat": [30.6] * n,
        },
        index=pd.Index(range(2, n + 2), name="row"),
    )


@pytest.mark.parametrize("n", [3, CLUSTER_FROM + 10])
def test_marker_names_are_escaped_and_assets_local(n):
    m = folium.Map(tiles=None)
    m.add_child(marker_layer(_points(n), "zh"))
    page = localize(m).get_root().render()
    assert IMG not in page and SCRIPT not in page
    assert "onerror=" not in page.replace(html.escape('onerror="alert(1)"'), "")  # only the escaped form
    assert json.dumps(html.escape(IMG))[1:-1] in page  # the tooltip text, escaped, as the script holds it
    assert external_urls(page) == []
    clustered = "leaflet.markercluster" in page
    assert clustered == (n >= CLUSTER_FROM)
    if clustered:
        assert "/app/static/vendor/leaflet.markercluster-1.1.0/dist/leaflet.markercluster.js" in page


def test_facility_frame_is_a_copy_in_the_maps_datum():
    frame = folium.Map(tiles=None)
    table = pd.DataFrame(
        {"名称": [IMG], "经度": ["104.122303"], "纬度": ["30.56226"]}, index=pd.Index([2], name="row"), dtype=object
    )
    counties = load_boundaries("county", detail="full", datum="wgs84")
    facilities = locate_facilities(
        table, FacilityColumns(name="名称", lon="经度", lat="纬度"), datum="gcj02", counties=counties
    )
    gcj = with_facilities(frame, facilities, "gcj02", "zh").get_root().render()
    wgs = with_facilities(frame, facilities, "wgs84", "zh").get_root().render()

    def marker(page: str) -> tuple[float, float]:
        found = re.search(r"circleMarker\(\s*\[([\d.]+), ([\d.]+)\]", page)
        assert found, "no marker"
        return float(found[1]), float(found[2])

    # Amap tiles: the GCJ-02 input back (to prcoords' precision, about a millimetre); OSM tiles: WGS84, ~500 m off
    assert marker(gcj) == pytest.approx((30.56226, 104.122303), abs=1e-7)
    assert marker(wgs) != pytest.approx((30.56226, 104.122303), abs=1e-3)
    assert "CircleMarker" not in frame.get_root().render()  # the cached frame is left alone


def test_user_layer_title_unit_and_source_are_escaped_in_the_map_html():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    record = UserLayer(7, f"床位{SCRIPT}", f"张{IMG}", "2023", f"来源{IMG}", "county", "count", now, now, 1)
    reg = default_registry()
    layer = user_layer(record, pd.Series({"510104": 12.0, "510105": 3.0}))
    reg.frames.clear()
    from layers.registry import Registry

    registry = Registry([*reg.list_layers(include_hidden=True), layer])
    layer = registry.get(layer.id)
    view = ViewState(layer=layer.id, level="county", basemap="none")
    data = mapdata.map_data(layer, view)
    shapes = load_boundaries("county", detail=mapdata.boundary_detail(view), datum=mapdata.datum_for(view))
    page = choropleth.build_map(shapes, data).get_root().render()
    payload = json.dumps(choropleth.view_pane(data), ensure_ascii=False)
    for text in (page, payload):
        assert SCRIPT not in text and IMG not in text
    # What the map's script strings hold once JavaScript reads them (\uXXXX escapes decoded): the legend
    # title and tooltips as HTML-escaped text, never as markup.
    decoded = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m[1], 16)), page)
    assert f"<summary class='atlas-legend-title'>{html.escape(f'床位{SCRIPT}')}</summary>" in decoded
    assert SCRIPT not in decoded and IMG not in decoded


def test_markers_are_outlined_and_haloed_so_they_stand_out_on_every_palette():
    # They were faint grey-blue dots on dark red. Now: a bright fill, a black outline and a white halo (CSS).
    m = folium.Map(tiles=None)
    m.add_child(marker_layer(_points(3), "zh"))
    page = m.get_root().render()
    options = [json.loads(o) for o in re.findall(r"circleMarker\(\s*\[[\d., ]+\],\s*(\{.*?\})\s*\)", page, re.S)]
    assert len(options) == 3
    for o in options:
        assert o["color"] == "#000000" and o["weight"] >= 1.5 and o["fillOpacity"] == 1.0
        assert o["fillColor"] == "#ffe600" and o["className"] == "atlas-site" and o["radius"] >= 6
    assert ".atlas-site{filter:drop-shadow(0 0 1.5px #fff)" in page
