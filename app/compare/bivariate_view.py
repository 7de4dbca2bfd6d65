"""Compare view: the bivariate choropleth (3×3 classes) with its square legend."""

from __future__ import annotations

import streamlit as st

from app.compare import maps
from app.compare.data import CompareData
from app.compare.widgets import missing_list, shapes, show_map
from app.i18n import t
from app.markup import code, escape
from app.viewstate import ViewState
from layers.classify import ClassificationError


def render(data: CompareData, view: ViewState) -> None:
    try:
        biv = maps.bivariate(data)
    except ClassificationError as exc:
        st.error(escape(str(exc)))
        return
    for axis, key, cls in (("A", "bbreaks_a", biv.a), ("B", "bbreaks_b", biv.b)):
        if cls.dropped:  # as the single map says of its manual breaks
            breaks = view.biv_breaks_a if axis == "A" else view.biv_breaks_b
            lo, hi = cls.lower, cls.upper_bounds[-1]
            st.info(
                t(
                    "bivariate_breaks_outside",
                    view.lang,
                    param=code(key),
                    value=code(",".join(f"{b:g}" for b in breaks)),
                    axis=axis,
                    lo=f"{lo:,.6g}",
                    hi=f"{hi:,.6g}",
                    n=cls.k,
                )
            )
    st.caption(t("bivariate_hint", view.lang))
    show_map(maps.bivariate_map(shapes(view), data, biv), key="compare_bivariate", height=620)
    missing_list(data)
