"""Compare view: layer A and layer B as two maps that pan and zoom together, each with its own legend."""

from __future__ import annotations

import streamlit as st

from app.core.compare import CompareData
from app.core.i18n import t
from app.core.viewstate import ViewState
from app.ui.compare.widgets import shapes, show_map
from app.webmap import compare


def render(data: CompareData, view: ViewState) -> None:
    st.caption(t("side_by_side_hint", view.lang))
    show_map(compare.side_by_side_map(shapes(view), data), key="compare_dual", height=560)
