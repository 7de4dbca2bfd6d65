"""Compare view: A against B, one point per region, linked to the bivariate map and the table.

A box or lasso selection on the chart (Streamlit's plotly selection event; plotly.js comes with Streamlit's
frontend, no CDN) outlines those regions on the map and filters the table.
"""

from __future__ import annotations

import html
import math

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from app.compare import maps, tables
from app.compare.data import CompareData
from app.compare.widgets import data_table, missing_list, shapes, show_map
from app.i18n import t
from app.mapbuild import format_value
from app.markup import escape
from app.viewstate import ViewState
from layers.bivariate import Correlation, correlation
from layers.classify import ClassificationError


def _axis_title(data: CompareData, which: str) -> str:
    # plotly reads its titles as a subset of HTML (<b>, <br>, <a href>): a layer title is text.
    layer = data.layer_a if which == "A" else data.layer_b
    unit = layer.unit(data.view.lang)
    return html.escape(f"{which} · {layer.title(data.view.lang)}{f' ({unit})' if unit else ''}")


def scatter_figure(data: CompareData, stats: Correlation, selected: frozenset[str] = frozenset()) -> go.Figure:
    """The scatter (pure): points keyed by code (customdata), hover names with the parent prefecture,
    the fitted line, the page's selected region and the chart's selection drawn larger."""
    lang, view = data.view.lang, data.view
    rows = data.complete()
    a, b = data.layer_a, data.layer_b
    hover = [
        f"<b>{html.escape(str(r.label))}</b> · {html.escape(str(r.parent_name or ''))}"
        f"<br>A: {html.escape(format_value(r.value_a, a, lang))}<br>B: {html.escape(format_value(r.value_b, b, lang))}"
        for r in rows.itertuples()
    ]
    marked = [code == view.selected or code in selected for code in rows["adcode"]]
    fig = go.Figure(
        go.Scatter(
            x=rows["value_a"],
            y=rows["value_b"],
            mode="markers",
            customdata=rows["adcode"],
            hovertext=hover,
            hoverinfo="text",
            marker={
                "size": [13 if m else 8 for m in marked],
                "color": ["#d7301f" if m else "#3b6ea8" for m in marked],
                "line": {"width": [1.5 if m else 0.5 for m in marked], "color": "#222222"},
            },
            name=t("regions", lang),
        )
    )
    if math.isfinite(stats.slope):
        lo, hi = float(rows["value_a"].min()), float(rows["value_a"].max())
        xs = np.geomspace(lo, hi, 50) if "x" in view.log_axes and lo > 0 else np.linspace(lo, hi, 50)
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=stats.slope * xs + stats.intercept,
                mode="lines",
                line={"color": "#555555", "dash": "dash"},
                hoverinfo="skip",
                name=t("fitted_line", lang),
            )
        )
    fig.update_layout(
        xaxis_title=_axis_title(data, "A"),
        yaxis_title=_axis_title(data, "B"),
        xaxis_type="log" if "x" in view.log_axes else "linear",
        yaxis_type="log" if "y" in view.log_axes else "linear",
        dragmode="lasso",
        height=520,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        showlegend=False,
    )
    return fig


def stats_text(stats: Correlation, lang: str) -> str:
    def f(x: float, digits: int = 2) -> str:
        return "—" if not math.isfinite(x) else f"{x:.{digits}f}"

    def p(x: float) -> str:
        return "—" if not math.isfinite(x) else ("< 0.001" if x < 0.001 else f"{x:.3f}")

    return (
        f"n = {stats.n} · Pearson r = {f(stats.pearson_r)} (p {p(stats.pearson_p)}) · "
        f"Spearman ρ = {f(stats.spearman_rho)} (p {p(stats.spearman_p)})"
    )


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
            biv = maps.bivariate(data)
        except ClassificationError as exc:
            st.error(escape(str(exc)))
        else:
            show_map(maps.bivariate_map(shapes(view), data, biv, highlight=selection), key="compare_scatter_map")
    rows = data.table[data.table["adcode"].isin(selection)] if selection else data.complete()
    st.markdown(f"**{t('selected_regions', lang, n=len(rows))}**" if selection else f"**{t('table', lang)}**")
    data_table(tables.compare_table(data, rows))
    st.caption(" · ".join(f"{escape(label)}: {escape(text)}" for label, text in tables.notes(data)))
    st.download_button(
        t("download_compare", lang),
        tables.compare_csv(data, rows),
        file_name=f"sichuan_compare_{data.layer_a.id}_{data.layer_b.id}_{view.level}.csv",
        mime="text/csv",
        key="download_compare",
    )
    missing_list(data)
