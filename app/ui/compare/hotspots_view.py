"""Compare view: hot spots, Local Moran's I of layer A (or bivariate, A against the neighbours' B) as a map of
LISA classes, with the global Moran's I, the permutations, the threshold and the caveats.
"""

from __future__ import annotations

import streamlit as st

from app.core.compare import CompareData
from app.core.hotspots import summary_lines, title
from app.core.i18n import t
from app.core.markup import escape
from app.core.viewstate import ViewState
from app.ui import cache
from app.ui.compare.widgets import data_table, show_map


def render(data: CompareData, view: ViewState) -> None:
    hs = cache.hotspots(view)
    lang = view.lang
    st.markdown(f"**{escape(title(data, hs))}**")
    for line in summary_lines(data, hs)[:-1]:
        st.markdown(line)
    show_map(view, [cache.hotspot_pane(view)], key="hotspots_map")
    st.caption(summary_lines(data, hs)[-1])
    table = data.table[["adcode", "label", "parent_name", "value_a", "value_b"]].merge(
        hs.table[["adcode", "local_i", "p", "cls"]], on="adcode"
    )
    if not hs.bivariate:
        table = table.drop(columns="value_b")
    table["cls"] = [t("hs_" + c, lang) for c in table["cls"]]
    data_table(
        table.rename(
            columns={
                "value_a": f"A ({data.layer_a.unit(lang)})",
                "value_b": f"B ({data.layer_b.unit(lang)})",
                "local_i": t("hs_local_i", lang),
                "cls": t("hs_class", lang),
            }
        )
    )
