"""The page map's region shapes as static files the browser fetches once and keeps (named by their content)."""

from __future__ import annotations

import hashlib

import geopandas as gpd

from app.core import mapdata
from app.core.basemaps import BASEMAPS
from app.core.viewstate import ViewState
from app.webmap import choropleth
from app.webmap.site import geo_dir
from geodata.boundaries import load_boundaries
from geodata.codes import gazetteer
from geodata.files import write_bytes_atomically
from geodata.regions import ECONOMIC_REGIONS
from layers.groups import GROUPS

# Streamlit serves the site folder's static/ at /app/static (app/webmap/site.py); the geometry goes there as
# files named by their content, so a browser may keep them and a new version gets a new name.
GEO_URL = "/app/static/geo"


def publish_geometry(frame: ViewState, shapes: gpd.GeoDataFrame) -> str:
    """Write the frame's regions to static/geo (once per content) and return their URL."""
    body = choropleth.regions_file(shapes, mapdata.shown_codes(frame))
    name = f"{frame.level}-{hashlib.sha256(body).hexdigest()[:16]}.json"
    path = geo_dir() / name
    if not path.exists():
        write_bytes_atomically(path, body)  # another server process may write the same file
    return f"{GEO_URL}/{name}"


def publish_all() -> list[str]:
    """The geometry file of every frame a page can show: each level, area and datum (``coverage-atlas
    build-cache``, which the server runs at low priority once its default page is ready)."""
    urls = []
    for basemap in {mapdata.datum_for(ViewState(basemap=b)): b for b in BASEMAPS}.values():
        for level in ("prefecture", "county"):
            for area in areas(level):
                frame = mapdata.frame_key(ViewState(level=level, area=area, basemap=basemap))
                shapes = load_boundaries(level, detail=mapdata.boundary_detail(frame), datum=mapdata.datum_for(frame))
                urls.append(publish_geometry(frame, shapes))
    return urls


def areas(level: str) -> list[str]:
    """Every area filter of the sidebar that shows regions at ``level`` (a prefecture shows its counties)."""
    out = ["all", *(f"region:{r}" for r in ECONOMIC_REGIONS), *(f"group:{g}" for g in GROUPS)]
    if level == "county":
        out += [d.adcode for d in gazetteer().current("prefecture")]
    return out
