"""The atlas's map alone, for bench/page_speed.py: the floor of a first map with this stack.

The same component call as streamlit_app.py (the default view's frame and style table through
streamlit-folium, the same key and size) and nothing else on the page: no sidebar, figures, chart or
tables. Its first map against the bare page is what Streamlit, streamlit-folium, Leaflet and the
geometry cost by themselves; the atlas's first map against it is what the rest of the page costs.
"""

import streamlit as st
from streamlit_folium import st_folium

from app.core.viewstate import DEFAULT
from app.ui import cache
from app.webmap import choropleth

st.set_page_config(page_title="map only", layout="wide")
st_folium(
    cache.map_frame(DEFAULT),
    key="atlas_map",
    height=620,
    use_container_width=True,
    returned_objects=["last_active_drawing", "last_object_clicked", "last_object_clicked_count"],
    feature_group_to_add=choropleth.view_layer(cache.view_payload(DEFAULT)),
)
