"""Sichuan Coverage Atlas — the page: sidebar → view state → pure map/table builders → render."""

from dataclasses import replace

import streamlit as st
from streamlit_folium import st_folium

from app.core.markup import escape
from app.ui import cache, panels, upload
from app.ui.compare.page import page as compare_page
from app.ui.export_panel import export_section
from app.ui.plan.page import page as plan_page
from app.ui.plan.sidebar import plan_controls
from app.ui.sidebar import init_from_url, read_sidebar
from app.webmap import choropleth

st.set_page_config(page_title="四川民政服务覆盖图集 · Sichuan Coverage Atlas", page_icon="🗺️", layout="wide")
registry = cache.registry()
url_view = init_from_url(registry)


def value_range(view):
    values = cache.map_data(replace(view, vmin=None, vmax=None)).table["value"].dropna()
    return (float(values.min()), float(values.max())) if len(values) else (None, None)


def drill_down(prefecture: str) -> None:
    st.session_state.update(w_area=prefecture, w_level="county", selected=None)


# A session's first run writes the address's map before anything else and waits for the browser to draw it:
# otherwise the code of the sidebar's widgets loads beside the map's component, Leaflet and geometry and holds
# them up (bench/README.md, "Fifth round"). Every later run draws the sidebar first.
first_run = url_view is not None and "_map_view" not in st.session_state and url_view.mode == "single"
view = url_view if url_view is not None and first_run else read_sidebar(registry, value_range, plan_controls)
lang = view.lang
panels.page_style(upload.uploader_css(lang))
head = st.container()  # the title and figures, written after the map (see map_head_start) but shown above it
if first_run:
    with head:
        panels.title(lang)
if view.is_compare:
    with head:
        panels.title(lang)
    compare_page(view)
    st.stop()
if view.is_plan:
    with head:
        panels.title(lang)
    plan_page(view, upload.map_frame(cache.map_frame(view), view))
    upload.upload_section(registry, lang)  # where facility lists are uploaded as the plan's supply
    st.stop()
data = cache.map_data(view)
map_col, detail_col = st.columns([3, 1.2], gap="small")
with map_col:
    # The frame (tiles, shapes, fit) depends only on level, area and basemap: a new layer or colours
    # keep the iframe, its pan and zoom, and send only the small style table (feature_group_to_add).
    clicked = st_folium(
        upload.map_frame(cache.map_frame(view), view),  # with this session's facility markers, if any
        key="atlas_map",
        height=560,  # the page's CSS sets the frame's height to the window's (panels.PAGE_CSS)
        use_container_width=True,
        returned_objects=["last_active_drawing", "last_object_clicked", "last_object_clicked_count"],
        feature_group_to_add=choropleth.view_layer(cache.view_payload(view)),
    )
    # The component keeps returning its last click on every rerun; a click is new when its region, count or
    # position differs, so the same region can be chosen again after "clear selection".
    click = panels.map_click(clicked)
    if click and click != st.session_state.get("last_click"):
        st.session_state.update(last_click=click, selected=click[0])
        st.rerun()
if first_run:
    panels.await_first_map(view)
    if read_sidebar(registry, value_range, plan_controls) != view:
        st.rerun()  # the map must show the view the sidebar shows
else:
    panels.map_head_start(view)
with head:
    if not first_run:
        panels.title(lang)
    if data.error:
        st.error(escape(data.error))
    panels.classification_note(data)
with detail_col:
    panels.details_panel(registry, data, drill_down)

# A first run that the map's report did not stop (no browser, or a map slower than the wait) stops here: the
# chart (Vega) and the data grids below are the heaviest work for the browser. They follow in the rerun that
# the map's report starts, or on any other interaction.
if first_run:
    st.stop()
panels.details_figures(registry, data)
chart_col, table_col = st.columns(2)
with chart_col:
    panels.ranking_chart(data)
with table_col:
    panels.table_and_download(data)
panels.summary_strip(lang)  # the province in 2021, below the map so that the map is in view first
panels.notes_and_reconciliation(data)
export_section(data)
upload.upload_section(registry, lang)
