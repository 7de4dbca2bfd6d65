"""Compare view: the bivariate choropleth (3×3 classes) with its square legend."""

from __future__ import annotations

import streamlit as st

from app.core.compare import CompareData, bivariate
from app.core.i18n import t
from app.core.markup import code, escape
from app.core.viewstate import ViewState
from app.ui import cache
from app.ui.compare.widgets import missing_list, show_map
from layers.classify import ClassificationError


def render(data: CompareData, view: ViewState) -> None:
    try:
        biv = bivariate(data)
        pane = cache.bivariate_pane(view)
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
    show_map(view, [pane], key="compare_bivariate", height=620)
    missing_list(data)
