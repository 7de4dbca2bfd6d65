"""Sichuan Coverage Atlas — the page: sidebar → view state → pure map/table builders → render."""

import copy
from dataclasses import replace

import streamlit as st
from streamlit_folium import st_folium

from app import cache, panels
from app.i18n import t
from app.sidebar import init_from_url, read_sidebar

st.set_page_config(page_title="四川民政服务覆盖图集 · Sichuan Coverage Atlas", page_icon="🗺️", layout="wide")
registry = cache.registry()
init_from_url(registry)


def value_range(view):
    values = cache.map_data(replace(view, vmin=None, vmax=None)).table["value"].dropna()
    return (float(values.min()), float(values.max())) if len(values) else (None, None)


def drill_down(prefecture: str) -> None:
    st.session_state.update(w_area=prefecture, w_level="county", selected=None)


view = read_sidebar(registry, value_range)
panels.page_style()
lang = view.lang
st.title(t("app_title", lang))
st.caption(t("app_caption", lang))
panels.notices(lang)
panels.summary_strip(lang)

data = cache.map_data(view)
if data.error:
    st.error(data.error)
map_col, detail_col = st.columns([3, 1.3])
with map_col:
    # st_folium renders the map it is given and leaves it altered: a second render of the same object
    # emits extra `.addTo` lines naming an undefined variable (the map stays blank) and a different
    # script (a new component key, so a click is lost). The cached map must reach it only as a copy.
    clicked = st_folium(
        copy.deepcopy(cache.folium_map(view)),
        key="atlas_map",
        height=620,
        use_container_width=True,
        returned_objects=["last_active_drawing"],
    )
    drawing = (clicked or {}).get("last_active_drawing") or {}
    code = (drawing.get("properties") or {}).get("adcode")
    if code and code != st.session_state.get("last_click"):
        st.session_state.update(last_click=code, selected=code)
        st.rerun()
with detail_col:
    panels.details_panel(registry, data, drill_down)

panels.details_figures(registry, data)
panels.notes_and_reconciliation(data)
chart_col, table_col = st.columns(2)
with chart_col:
    panels.ranking_chart(data)
with table_col:
    panels.table_and_download(data)
