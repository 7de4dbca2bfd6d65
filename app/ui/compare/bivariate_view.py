"""Compare view: the bivariate choropleth (3×3 classes) with its square legend."""

from __future__ import annotations

import streamlit as st

from app.core.compare import CompareData
from app.core.i18n import t
from app.core.markup import escape
from app.core.viewstate import ViewState
from app.ui import cache
from app.ui.compare.widgets import missing_list, show_map
from layers.classify import ClassificationError


def render(data: CompareData, view: ViewState) -> None:
    try:
        pane = cache.bivariate_pane(view)
    except ClassificationError as exc:
        st.error(escape(str(exc)))
        return
    st.caption(t("bivariate_hint", view.lang))
    show_map(view, [pane], key="compare_bivariate", height=620)
    missing_list(data)
