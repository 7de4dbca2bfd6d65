"""Compare view: the bivariate choropleth (3×3 classes) with its square legend."""

from __future__ import annotations

import streamlit as st

from app.core.compare import CompareData, bivariate
from app.core.i18n import t
from app.core.markup import escape
from app.core.viewstate import ViewState
from app.ui.compare.widgets import missing_list, shapes, show_map
from app.webmap import compare
from layers.classify import ClassificationError


def render(data: CompareData, view: ViewState) -> None:
    try:
        biv = bivariate(data)
    except ClassificationError as exc:
        st.error(escape(str(exc)))
        return
    st.caption(t("bivariate_hint", view.lang))
    show_map(compare.bivariate_map(shapes(view), data, biv), key="compare_bivariate", height=620)
    missing_list(data)
