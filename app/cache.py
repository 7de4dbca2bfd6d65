"""Process-wide caches at the UI edge: boundaries, registry and maps are built once per process."""

from __future__ import annotations

import copy
import hashlib
import os
import tempfile
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from app import mapbuild
from app.basemaps import BASEMAPS
from app.viewstate import ViewState
from geodata import load_boundaries
from layers import Registry, default_registry, summary


@st.cache_resource(show_spinner=False)
def registry() -> Registry:
    return default_registry()


@st.cache_resource(show_spinner=False)
def boundaries(level: str, detail: str, datum: str) -> gpd.GeoDataFrame:
    return load_boundaries(level, detail=detail, datum=datum)


@st.cache_resource(show_spinner=False, max_entries=64)
def map_data(view: ViewState) -> mapbuild.MapData:
    return mapbuild.map_data(mapbuild.effective_layer(registry(), view), view)


@st.cache_resource(show_spinner=False, max_entries=32)
def folium_map(view: ViewState) -> folium.Map:
    data = map_data(view)
    shapes = boundaries(view.level, mapbuild.boundary_detail(view), mapbuild.datum_for(view))
    return mapbuild.build_map(shapes, data)


# --- the page's map: a frame per area, a style table per view (see app/mapbuild.py) -----------
# Streamlit serves <folder of streamlit_app.py>/static at /app/static; the geometry goes there as
# files named by their content, so a browser may keep them and a new version gets a new name.
GEO_DIR = Path(__file__).resolve().parents[1] / "static" / "geo"
GEO_URL = "/app/static/geo"


def publish_geometry(frame: ViewState, shapes: gpd.GeoDataFrame) -> str:
    """Write the frame's regions to static/geo (once per content) and return their URL."""
    body = mapbuild.regions_file(shapes, mapbuild.shown_codes(frame))
    name = f"{frame.level}-{hashlib.sha256(body).hexdigest()[:16]}.json"
    path = GEO_DIR / name
    if not path.exists():
        GEO_DIR.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=GEO_DIR, delete=False, suffix=".tmp") as tmp:
            tmp.write(body)
        os.chmod(tmp.name, 0o644)
        os.replace(tmp.name, path)  # atomic: another server process may write the same file
    return f"{GEO_URL}/{name}"


@st.cache_resource(show_spinner=False, max_entries=64)
def geometry_url(frame: ViewState) -> str:
    return publish_geometry(frame, boundaries(frame.level, mapbuild.boundary_detail(frame), mapbuild.datum_for(frame)))


def warm() -> None:
    """Build the boundaries (disk cache) and the province-wide geometry files before the first session
    (``coverage-atlas serve`` calls this before it starts the server)."""
    datums = {mapbuild.datum_for(ViewState(basemap=b)): b for b in BASEMAPS}
    for level in ("prefecture", "county"):
        for datum, basemap in datums.items():
            frame = ViewState(level=level, basemap=basemap)
            publish_geometry(frame, load_boundaries(level, detail=mapbuild.boundary_detail(frame), datum=datum))
        for detail in ("web", "overview"):  # a prefecture's view is drawn in more detail
            for datum in datums:
                load_boundaries(level, detail=detail, datum=datum)


@st.cache_resource(show_spinner=False, max_entries=32)
def _map_frame(frame: ViewState) -> folium.Map:
    shapes = boundaries(frame.level, mapbuild.boundary_detail(frame), mapbuild.datum_for(frame))
    return mapbuild.page_map(shapes, mapbuild.shown_codes(frame), geometry_url(frame), frame.basemap)


def map_frame(view: ViewState) -> folium.Map:
    """The page's map frame for ``view``, as a copy: st_folium alters the map it renders, and a second
    render of the same object gives a different script (a new component key: a reloaded iframe, a
    lost click) with `.addTo` lines naming undefined variables. The frame holds no geometry, so the
    copy is cheap."""
    return copy.deepcopy(_map_frame(mapbuild.frame_key(view)))


@st.cache_resource(show_spinner=False, max_entries=64)
def view_payload(view: ViewState) -> dict[str, object]:
    """Colours, tooltips and legend of one view (read-only: shared by every session)."""
    return mapbuild.view_payload(map_data(view))


# The article's figures, named places and the reconciliation are read and checked once per process,
# not on every rerun (the summary strip and the notes both use the reconciliation).
@st.cache_data(show_spinner=False)
def province_summary() -> pd.DataFrame:
    return summary.province_summary()


@st.cache_data(show_spinner=False)
def pilot_places() -> pd.DataFrame:
    return summary.pilot_places()


@st.cache_data(show_spinner=False)
def reconciliation() -> pd.DataFrame:
    return summary.reconciliation(registry())


@st.cache_resource(show_spinner=False, max_entries=32)
def compare_data(view: ViewState):  # -> app.compare.data.CompareData (imported late: it imports the views' modules)
    """Both layers of a compare view, from the cached single views of each."""
    from app.compare.data import compare_data as build
    from app.viewstate import view_a, view_b

    return build(registry(), view, map_data(view_a(view)), map_data(view_b(view)))


def hotspots(view: ViewState):  # -> layers.hotspots.Hotspots
    """LISA of a compare view, computed once per figures and test settings: a click, a palette or a language
    change keeps it (the permutation test takes one to three seconds for the 183 counties)."""
    from app.compare.hotspots_view import figures_key

    return _hotspots(figures_key(view))


@st.cache_resource(show_spinner=False, max_entries=16)
def _hotspots(key: ViewState):
    from app.compare.hotspots_view import compute, weights_shapes

    return compute(compare_data(key), weights_shapes(key.level))
