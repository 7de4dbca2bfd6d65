"""Streamlit pieces shared by the compare views."""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st
from folium.plugins import DualMap
from streamlit_folium import st_folium

from app.core import mapdata
from app.core.compare import CompareData
from app.core.i18n import t
from app.core.markup import escape
from app.core.viewstate import ViewState
from app.ui import cache, panels


def shapes(view: ViewState) -> gpd.GeoDataFrame:
    return cache.boundaries(view.level, mapdata.boundary_detail(view), mapdata.datum_for(view))


def show_map(fig: folium.Map | DualMap, key: str, height: int = 560) -> None:
    """Draw a compare map; a click on a region selects it (for every view and both layers)."""
    returned = st_folium(
        fig,
        key=key,
        height=height,
        use_container_width=True,
        returned_objects=["last_active_drawing", "last_object_clicked", "last_object_clicked_count"],
    )
    click = panels.map_click(returned)
    if click and click != st.session_state.get(f"last_click::{key}"):
        st.session_state.update({f"last_click::{key}": click, "selected": click[0]})
        st.rerun()


def missing_list(data: CompareData) -> None:
    """Regions lacking A or B (or both), named with their parent: never dropped silently."""
    lang = data.view.lang
    missing = data.missing()
    if missing.empty:
        return
    items = []
    for row in missing.itertuples():
        lacks = [x for x, v in (("A", row.value_a), ("B", row.value_b)) if pd.isna(v)]  # type: ignore[arg-type]
        items.append(f"{escape(row.label)}（{escape(row.adcode)}，{t('lacks', lang)} {'+'.join(lacks)}）")
    st.markdown(f"**{t('missing_regions', lang, n=len(missing))}** " + "; ".join(items))


def data_table(table: pd.DataFrame) -> None:
    """A compare table: codes as text, figures with thousands separators."""
    config = {
        c: st.column_config.NumberColumn(format="localized")
        for c in table.columns
        if pd.api.types.is_float_dtype(table[c]) or pd.api.types.is_integer_dtype(table[c])
    }
    st.dataframe(table, hide_index=True, width="stretch", column_config=config)
