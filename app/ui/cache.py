"""Process-wide caches at the UI edge: boundaries, registry and maps are built once per process."""

from __future__ import annotations

import copy
import logging
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st
from folium.plugins import DualMap

from app.core import charts, mapdata
from app.core.compare import CompareData, bivariate
from app.core.compare import compare_data as build_compare_data
from app.core.hotspots import compute as compute_hotspots
from app.core.hotspots import figures_key
from app.core.viewstate import ViewState, view_a, view_b
from app.core.yearchange import change_map_data as build_change_map_data
from app.webmap import choropleth, compare, pagemap
from app.webmap import hotspots as webmap_hotspots
from app.webmap.geometry import publish_geometry
from geodata.boundaries import load_boundaries
from layers import Registry, default_registry, summary
from layers.hotspots import Hotspots
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
def _map_data(view: ViewState, revision: Revision) -> mapdata.MapData:
    return mapdata.map_data(mapdata.effective_layer(_registry(revision), view), view)


def map_data(view: ViewState) -> mapdata.MapData:
    # Keyed by the store's revision too: a replaced user layer keeps its id but not its figures.
    return _map_data(view, store_revision())


@st.cache_resource(show_spinner=False, max_entries=64)
def geometry_url(frame: ViewState) -> str:
    return publish_geometry(frame, boundaries(frame.level, mapdata.boundary_detail(frame), mapdata.datum_for(frame)))


def warm_first() -> None:
    """What a new session's default page builds, built into this process's caches: its boundaries (and their disk
    cache), geometry file, map frame, registry, figures and style table. ``coverage-atlas serve`` runs this inside
    the server (app/serving.py) before the first session asks; a session that comes early waits for the value
    being built (one lock per cached value) instead of building it again."""
    view = ViewState()
    map_frame(view)
    map_payload(view)
    if st.runtime.exists():  # st.cache_data keeps its values in the server's runtime; without one, nowhere
        reconciliation()
        province_summary()


@st.cache_resource(show_spinner=False, max_entries=8)
def _map_frame(basemap: str, panes: int) -> folium.Map | DualMap:
    return pagemap.page_map(basemap, panes)


def map_frame(view: ViewState, panes: int = 1) -> folium.Map | DualMap:
    """The page's live map frame on ``view``'s basemap with ``panes`` maps, as a copy: st_folium alters the map it
    renders, and a second render of the same object gives a different script (a new component key: a reloaded
    iframe, a lost click). The frame holds no geometry, so the copy is cheap. Its first script prefetches the
    view's geometry (what a new iframe draws first); the script of the map is the same for every view."""
    frame = copy.deepcopy(_map_frame(view.basemap, panes))
    return pagemap.with_prefetch(frame, geometry_url(mapdata.frame_key(view)))


@st.cache_resource(show_spinner=False, max_entries=256)
def _extent(frame: ViewState, codes: frozenset[str] | None) -> list[list[float]] | None:
    shapes = boundaries(frame.level, mapdata.boundary_detail(frame), mapdata.datum_for(frame))
    return pagemap.region_bounds(shapes, mapdata.shown_codes(frame) if codes is None else codes)


def map_payload(view: ViewState, panes: list[dict[str, object]] | None = None, fit: frozenset[str] = frozenset()):
    """The style table of ``view`` for its live map: its geometry file, the bounds to fit (the shown regions, or
    the regions ``fit`` when given: a scatter selection), and ``panes`` (by default the single view's pane)."""
    frame = mapdata.frame_key(view)
    return pagemap.map_payload(
        geometry_url(frame), _extent(frame, fit or None), [view_pane(view)] if panes is None else panes, view.lang
    )


@st.cache_resource(show_spinner=False, max_entries=64)
def _view_pane(view: ViewState, revision: Revision) -> dict[str, object]:
    return choropleth.view_pane(_map_data(view, revision))


def view_pane(view: ViewState) -> dict[str, object]:
    """Colours, tooltips and legend of one single view (read-only: shared by every session)."""
    return _view_pane(view, store_revision())


@st.cache_resource(show_spinner=False, max_entries=64)
def _ranking_spec(view: ViewState, revision: Revision) -> dict[str, Any] | None:
    return charts.ranking_spec(_map_data(view, revision))


def ranking_spec(view: ViewState) -> dict[str, Any] | None:
    """The ranking chart's Vega-Lite spec of one view (read-only: callers pass a copy to Streamlit)."""
    return _ranking_spec(view, store_revision())


@st.cache_resource(show_spinner=False, max_entries=64)
def _shown_table(view: ViewState, revision: Revision) -> pd.DataFrame:
    return mapdata.shown_table(_map_data(view, revision))


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
def compare_data(view: ViewState) -> CompareData:
    """Both layers of a compare view, from the cached single views of each."""
    return build_compare_data(registry(), view, map_data(view_a(view)), map_data(view_b(view)))


def hotspots(view: ViewState) -> Hotspots:
    """LISA of a compare view, computed once per figures and test settings: a click, a palette or a language
    change keeps it (the permutation test takes one to three seconds for the 183 counties)."""
    return _hotspots(figures_key(view))


def weights_shapes(level: str) -> gpd.GeoDataFrame:
    """Contiguity is computed on one fixed geometry (web detail), whatever the basemap's datum or detail."""
    return boundaries(level, "web", "wgs84")


@st.cache_resource(show_spinner=False, max_entries=16)
def _hotspots(key: ViewState) -> Hotspots:
    return compute_hotspots(compare_data(key), weights_shapes(key.level))


# --- the compare views' panes of the live map (app/webmap/pagemap.py), one per view and selection -------------
@st.cache_resource(show_spinner=False, max_entries=16)
def side_by_side_panes(view: ViewState) -> list[dict[str, object]]:
    return compare.side_by_side_panes(compare_data(view))


@st.cache_resource(show_spinner=False, max_entries=32)
def bivariate_pane(view: ViewState, highlight: frozenset[str] = frozenset()) -> dict[str, object]:
    """Raises layers.classify.ClassificationError when the figures cannot be classed (the view says why)."""
    data = compare_data(view)
    return compare.bivariate_pane(data, bivariate(data), highlight)


@st.cache_resource(show_spinner=False, max_entries=16)
def hotspot_pane(view: ViewState) -> dict[str, object]:
    return webmap_hotspots.hotspot_pane(compare_data(view), hotspots(view))


@st.cache_resource(show_spinner=False, max_entries=16)
def _change_map_data(view: ViewState, revision: Revision) -> mapdata.MapData:
    return build_change_map_data(_registry(revision), view)


def change_map_data(view: ViewState) -> mapdata.MapData:
    """The change of a series layer between two years (compare view ``year_change``), as a single view's data."""
    return _change_map_data(view, store_revision())


@st.cache_resource(show_spinner=False, max_entries=16)
def change_pane(view: ViewState) -> dict[str, object]:
    return choropleth.view_pane(change_map_data(view))
