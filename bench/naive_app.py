"""The naive atlas, for bench/page_speed.py: what a first version written in an afternoon would do.

Every rerun calls ``GeoDataFrame.explore()`` on the full-detail county polygons and hands the map to
``st_folium``. The layer choice uses the same widgets as the atlas (a theme selectbox and a layer radio with
the same labels and titles). Two concessions, both needed for the map to draw at all on a network
without CDNs (the bench blocks every request leaving this machine): the map's Leaflet & co. are
pointed at the vendored copies (``localize``), and there is no branca legend (it loads d3 from a CDN).
Loading the boundaries and the layer registry is cached, as any Streamlit user would.
"""

import streamlit as st
from streamlit_folium import st_folium

from app.core.i18n import t
from app.webmap.assets import localize
from geodata import load_boundaries
from layers import default_registry
from layers.registry import THEMES

st.set_page_config(page_title="naive atlas", layout="wide")


@st.cache_resource
def registry_and_counties():
    return default_registry(), load_boundaries("county", detail="full")


registry, counties = registry_and_counties()
themes = [th for th in THEMES if registry.list_layers(theme=th)]
theme = st.sidebar.selectbox(
    t("theme", "zh"), themes, index=themes.index("elderly_care"), format_func=lambda th: THEMES[th][0]
)
layer_ids = [layer.id for layer in registry.list_layers(theme=theme) if "county" in layer.levels]
default = "elderly_per_township_2021"  # the atlas's default layer
layer_id = st.sidebar.radio(
    t("layer", "zh"),
    layer_ids,
    index=layer_ids.index(default) if default in layer_ids else 0,
    format_func=lambda i: registry.get(i).title("zh"),
)
layer = registry.get(layer_id)
st.title(layer.title("zh"))

gdf = counties.merge(layer.frame("county")[["adcode", "value"]], on="adcode", how="left")
m = gdf.explore(column="value", scheme="quantiles", k=5, cmap="OrRd", legend=False, tooltip=["name", "value"])
st_folium(localize(m), key="map", height=620, use_container_width=True, returned_objects=["last_active_drawing"])
