"""Process-wide caches at the UI edge: boundaries, registry and maps are built once per process."""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from app import mapbuild
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
