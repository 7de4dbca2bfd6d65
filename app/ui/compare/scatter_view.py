"""Compare view: A against B, one point per region, linked to the bivariate map and the table.

A box or lasso selection on the chart (Streamlit's plotly selection event; plotly.js comes with Streamlit's
frontend, no CDN) outlines those regions on the map and filters the table.
"""

from __future__ import annotations

import streamlit as st

from app.core import comparetables
from app.core.compare import CompareData, bivariate
from app.core.i18n import t
from app.core.markup import escape
from app.core.scatter import scatter_figure, stats_text
from app.core.viewstate import ViewState
from app.ui.compare.widgets import data_table, missing_list, shapes, show_map
from app.webmap import compare
from layers.bivariate import correlation
from layers.classify import ClassificationError


def selected_codes(event: object) -> frozenset[str]:
    """Region codes of the chart's box/lasso/click selection (plotly points carry their code as customdata)."""
    points = getattr(getattr(event, "selection", None), "points", None) or []
    out = set()
    for point in points:
        custom = point.get("customdata")
        code = custom[0] if isinstance(custom, list) else custom
        if isinstance(code, str):
            out.add(code)
    return frozenset(out)


def render(data: CompareData, view: ViewState) -> None:
    lang = view.lang
    stats = correlation(data.table["value_a"], data.table["value_b"])
    if ("x" in view.log_axes and (data.complete()["value_a"] <= 0).any()) or (
        "y" in view.log_axes and (data.complete()["value_b"] <= 0).any()
    ):
        st.info(t("log_nonpositive", lang))
    selection = frozenset(st.session_state.get("compare_scatter_selection", frozenset()))
    chart_col, map_col = st.columns(2)
    with chart_col:
        event = st.plotly_chart(
            scatter_figure(data, stats, selection),
            on_select="rerun",
            selection_mode=("box", "lasso", "points"),
            key="compare_scatter",
            config={"displaylogo": False},
        )
        chosen = selected_codes(event)
        if chosen != selection:
            st.session_state["compare_scatter_selection"] = chosen
            st.rerun()
        st.markdown(escape(stats_text(stats, lang)))
        st.caption(t("correlation_caveat", lang))
    with map_col:
        try:
            biv = bivariate(data)
        except ClassificationError as exc:
            st.error(escape(str(exc)))
        else:
            show_map(compare.bivariate_map(shapes(view), data, biv, highlight=selection), key="compare_scatter_map")
    rows = data.table[data.table["adcode"].isin(selection)] if selection else data.complete()
    st.markdown(f"**{t('selected_regions', lang, n=len(rows))}**" if selection else f"**{t('table', lang)}**")
    data_table(comparetables.compare_table(data, rows))
    st.caption(" · ".join(f"{escape(label)}: {escape(text)}" for label, text in comparetables.notes(data)))
    st.download_button(
        t("download_compare", lang),
        comparetables.compare_csv(data, rows),
        file_name=f"sichuan_compare_{data.layer_a.id}_{data.layer_b.id}_{view.level}.csv",
        mime="text/csv",
        key="download_compare",
    )
    missing_list(data)
