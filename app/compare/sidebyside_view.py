"""Compare view: layer A and layer B as two maps that pan and zoom together, each with its own legend."""

from __future__ import annotations

import streamlit as st

from app.compare import maps
from app.compare.data import CompareData
from app.compare.widgets import shapes, show_map
from app.i18n import t
from app.viewstate import ViewState


def render(data: CompareData, view: ViewState) -> None:
    st.caption(t("side_by_side_hint", view.lang))
    show_map(maps.side_by_side_map(shapes(view), data), key="compare_dual", height=560)
