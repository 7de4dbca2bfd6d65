"""The page's live map at the UI edge (app/webmap/pagemap.py): the frame and a view's style table through
st_folium, for the single map and every compare view alike; a click on a region selects it."""

from __future__ import annotations

import folium
import streamlit as st
from folium.plugins import DualMap
from streamlit_folium import st_folium

from app.ui import panels
from app.webmap import pagemap

RETURNED = ["last_active_drawing", "last_object_clicked", "last_object_clicked_count"]
DRAWN = "_live_map_drawn"  # session state: the key of the last map drawn


def drawn() -> bool:
    """Whether a live map has been drawn in this session (in a session's first run: in this run)."""
    return DRAWN in st.session_state


def draw(frame: folium.Map | DualMap, payload: dict[str, object], *, key: str, height: int) -> None:
    """Draw ``frame`` restyled by ``payload`` under ``key``. The frame's script is the same for every view on its
    basemap, so the browser keeps the iframe (its assets, shapes, pan and zoom) and applies the new style table in
    place (``feature_group_to_add``, swapped without a reload). A click on a region selects it: the rerun restyles
    the map (the selected outline) without moving it."""
    st.session_state[DRAWN] = key
    returned = st_folium(
        frame,
        key=key,
        height=height,
        use_container_width=True,
        returned_objects=RETURNED,
        feature_group_to_add=pagemap.view_layer(payload),
    )
    # The component keeps returning its last click on every rerun; a click is new when its region, count or
    # position differs, so the same region can be chosen again after "clear selection".
    click = panels.map_click(returned)
    seen = f"last_click::{key}"
    if click and click != st.session_state.get(seen):
        st.session_state.update({seen: click, "selected": click[0]})
        st.rerun()
