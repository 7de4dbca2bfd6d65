"""Streamlit pieces shared by the compare views."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.core.compare import CompareData
from app.core.i18n import t
from app.core.markup import escape
from app.core.viewstate import ViewState
from app.ui import cache, livemap, panels


def show_map(
    view: ViewState, panes: list[dict[str, object]], key: str, height: int = 560, fit: frozenset[str] = frozenset()
) -> None:
    """A compare view's map: the page's live map (one map, or two synced side by side) with the view's panes, fitted
    to the shown regions (or to the regions ``fit``); a click on a region selects it without moving the map."""
    livemap.draw(cache.map_frame(view, len(panes)), cache.map_payload(view, panes, fit), key=key, height=height)
    panels.map_head_start(view)  # a changed view: the browser draws the map before the rest of the page arrives


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
