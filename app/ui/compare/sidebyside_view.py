"""Compare view: layer A and layer B as two maps that pan and zoom together, each with its own legend (the page
names both layers' units, years and sources under the maps)."""

from __future__ import annotations

import streamlit as st

from app.core.compare import CompareData
from app.core.i18n import t
from app.core.viewstate import ViewState
from app.ui import cache
from app.ui.compare.widgets import show_map


def render(data: CompareData, view: ViewState) -> None:
    lang = view.lang
    st.caption(t("side_by_side_hint", lang))
    show_map(view, cache.side_by_side_panes(view), key="compare_dual", height=560)
