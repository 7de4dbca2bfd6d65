"""The atlas's map alone, for bench/page_speed.py: the floor of a first map with this stack.

The same map as streamlit_app.py draws (app.ui.livemap.draw: the default view's frame and style table through
streamlit-folium, the same key and size) and nothing else on the page: no sidebar, figures, chart or tables. Its
first map against the bare page is what Streamlit, streamlit-folium, Leaflet and the geometry cost by themselves;
the atlas's first map against it is what the rest of the page costs.
"""

import streamlit as st

from app.core.viewstate import DEFAULT
from app.ui import cache, livemap

st.set_page_config(page_title="map only", layout="wide")
livemap.draw(cache.map_frame(DEFAULT), cache.map_payload(DEFAULT), key="atlas_map", height=620)
