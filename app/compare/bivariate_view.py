"""Compare view: the bivariate choropleth (3×3 classes) with its square legend."""

from __future__ import annotations

import streamlit as st

from app.compare import maps
from app.compare.data import CompareData
from app.compare.widgets import missing_list, shapes, show_map
from app.i18n import t
from app.markup import escape
from app.viewstate import ViewState
from layers.classify import ClassificationError


def render(data: CompareData, view: ViewState) -> None:
    try:
        biv = maps.bivariate(data)
    except ClassificationError as exc:
        st.error(escape(str(exc)))
        return
    st.caption(t("bivariate_hint", view.lang))
    show_map(maps.bivariate_map(shapes(view), data, biv), key="compare_bivariate", height=620)
    missing_list(data)
