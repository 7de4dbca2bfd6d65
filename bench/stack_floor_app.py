"""The floor of a cold start with this stack, for bench/page_speed.py: a page that imports what the atlas must
(Streamlit, geopandas, folium, streamlit-folium) and draws one shape on a folium map through st_folium.

Nothing of the atlas's own work: no boundaries, figures, classification or sidebar. A fresh ``streamlit run`` of
this page until its shape is drawn is the least a cold start to a first map can take with the chosen stack on
this machine; the atlas's cold start is measured against it.
"""

import folium
import geopandas
from shapely.geometry import box
from streamlit_folium import st_folium

from app.webmap.assets import localize  # the vendored Leaflet: the bench blocks every request leaving this machine

shape = geopandas.GeoDataFrame({"name": ["Sichuan's extent"]}, geometry=[box(97.3, 26.0, 108.5, 34.3)], crs=4326)
m = folium.Map(location=[30.6, 102.7], zoom_start=5, tiles=None)
folium.GeoJson(shape.to_json()).add_to(m)
st_folium(localize(m), key="floor_map", height=620, use_container_width=True, returned_objects=[])
