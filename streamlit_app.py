"""Sichuan Coverage Atlas — the page: sidebar → view state → pure map/table builders → render."""

from dataclasses import replace

import streamlit as st

from app.core.markup import escape
from app.ui import cache, livemap, panels, upload
from app.ui.compare.page import page as compare_page
from app.ui.export_panel import export_section
from app.ui.plan.page import page as plan_page
from app.ui.plan.sidebar import plan_controls
from app.ui.sidebar import init_from_url, read_sidebar

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
# them up (bench/page_speed.py's first map). Every later run draws the sidebar first.
first_run = url_view is not None and "_map_view" not in st.session_state and not url_view.is_plan
view = url_view if url_view is not None and first_run else read_sidebar(registry, value_range, plan_controls)
lang = view.lang
panels.page_style(upload.uploader_css(lang))
head = st.container()  # the title and figures, written after the map (see map_head_start) but shown above it
if first_run:
    with head:
        panels.title(lang)
if view.is_compare:
    if not first_run:
        with head:
            panels.title(lang)
    compare_page(view)
    if first_run:  # the compare view's map came first too; then the sidebar, as below
        if livemap.drawn():
            panels.await_first_map(view)
        st.session_state["_map_view"] = view
        if read_sidebar(registry, value_range, plan_controls) != view:
            st.rerun()
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
    # The frame (tiles, Leaflet) depends only on the basemap: a new layer, level, area or selection keeps the
    # iframe and its assets and sends only the view's style table (app/webmap/pagemap.py).
    livemap.draw(
        upload.map_frame(cache.map_frame(view), view),  # with this session's facility markers, if any
        cache.map_payload(view),
        key="atlas_map",
        height=560,  # the page's CSS sets the frame's height to the window's (panels.PAGE_CSS)
    )
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
