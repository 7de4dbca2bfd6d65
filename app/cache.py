"""Process-wide caches at the UI edge: boundaries, registry and maps are built once per process."""

from __future__ import annotations

import copy
import hashlib
import logging
import os
import secrets
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from app import mapbuild
from app.basemaps import BASEMAPS
from app.viewstate import ViewState
from geodata import load_boundaries
from layers import Registry, default_registry, summary
from layers.userlayers import with_user_layers
from layers.userstore import open_store

log = logging.getLogger(__name__)


Revision = tuple[str, int] | None


def store_revision() -> Revision:
    """The user-layer store (URL) and its revision (changes with every save, replace, rename or delete, by any
    app instance on the same store), or None when the store cannot be read: the shipped layers still work."""
    try:
        store = open_store()
        return store.url, store.revision()
    except Exception as exc:  # a bad URL, a server down, a locked file: the atlas must still open
        log.warning("user-layer store unavailable: %s", exc)
        return None


@st.cache_resource(show_spinner=False, max_entries=4)
def _registry(revision: Revision) -> Registry:
    if revision is None:
        return default_registry()
    return with_user_layers(open_store(revision[0]))


def registry() -> Registry:
    """Shipped and user layers; rebuilt when the store changes (its revision is the cache key)."""
    return _registry(store_revision())


@st.cache_resource(show_spinner=False)
def boundaries(level: str, detail: str, datum: str) -> gpd.GeoDataFrame:
    return load_boundaries(level, detail=detail, datum=datum)


@st.cache_resource(show_spinner=False, max_entries=64)
def _map_data(view: ViewState, revision: Revision) -> mapbuild.MapData:
    return mapbuild.map_data(mapbuild.effective_layer(_registry(revision), view), view)


def map_data(view: ViewState) -> mapbuild.MapData:
    # Keyed by the store's revision too: a replaced user layer keeps its id but not its figures.
    return _map_data(view, store_revision())


@st.cache_resource(show_spinner=False, max_entries=32)
def _folium_map(view: ViewState, revision: Revision) -> folium.Map:
    data = _map_data(view, revision)
    shapes = boundaries(view.level, mapbuild.boundary_detail(view), mapbuild.datum_for(view))
    return mapbuild.build_map(shapes, data)


def folium_map(view: ViewState) -> folium.Map:
    return _folium_map(view, store_revision())


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
        tmp = GEO_DIR / f".{name}.{secrets.token_hex(8)}.tmp"
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), "wb") as fh:  # the umask's mode
            fh.write(body)
        os.replace(tmp, path)  # atomic: another server process may write the same file
    return f"{GEO_URL}/{name}"


@st.cache_resource(show_spinner=False, max_entries=64)
def geometry_url(frame: ViewState) -> str:
    return publish_geometry(frame, boundaries(frame.level, mapbuild.boundary_detail(frame), mapbuild.datum_for(frame)))


def warm_first() -> None:
    """What a new session's default page builds, built into this process's caches: its boundaries (and their disk
    cache), geometry file, map frame, registry, figures and style table. ``coverage-atlas serve`` runs this inside
    the server (app/serving.py) before the first session asks; a session that comes early waits for the value
    being built (one lock per cached value) instead of building it again."""
    view = ViewState()
    frame = mapbuild.frame_key(view)
    geometry_url(frame)
    _map_frame(frame)
    view_payload(view)
    if st.runtime.exists():  # st.cache_data keeps its values in the server's runtime; without one, nowhere
        reconciliation()
        province_summary()


def warm() -> None:
    """Build the boundaries (disk cache) and the province-wide geometry files of every level, detail and datum
    (``coverage-atlas serve`` runs this beside the server, after :func:`warm_first`)."""
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
def _view_payload(view: ViewState, revision: Revision) -> dict[str, object]:
    return mapbuild.view_payload(_map_data(view, revision))


def view_payload(view: ViewState) -> dict[str, object]:
    """Colours, tooltips and legend of one view (read-only: shared by every session)."""
    return _view_payload(view, store_revision())


@st.cache_resource(show_spinner=False, max_entries=64)
def _ranking_spec(view: ViewState, revision: Revision) -> dict[str, Any] | None:
    from app import charts  # Altair: imported when the first chart is drawn, not before a new session's map

    return charts.ranking_spec(_map_data(view, revision))


def ranking_spec(view: ViewState) -> dict[str, Any] | None:
    """The ranking chart's Vega-Lite spec of one view (read-only: callers pass a copy to Streamlit)."""
    return _ranking_spec(view, store_revision())


@st.cache_resource(show_spinner=False, max_entries=64)
def _shown_table(view: ViewState, revision: Revision) -> pd.DataFrame:
    return mapbuild.shown_table(_map_data(view, revision))


def shown_table(view: ViewState) -> pd.DataFrame:
    """The page's table of one view (read-only)."""
    return _shown_table(view, store_revision())


# The article's figures, named places and the reconciliation are read and checked once per process,
# not on every rerun (the summary strip and the notes both use the reconciliation).
@st.cache_resource(show_spinner=False)  # read-only; cache_data would unpickle a copy on every rerun
def province_summary() -> pd.DataFrame:
    return summary.province_summary()


@st.cache_resource(show_spinner=False)  # read-only; cache_data would unpickle a copy on every rerun
def pilot_places() -> pd.DataFrame:
    return summary.pilot_places()


@st.cache_resource(show_spinner=False)  # read-only; cache_data would unpickle a copy on every rerun
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
