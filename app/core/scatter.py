"""The compare scatter as a plotly figure (pure): one point per region keyed by code, hover names with the
parent prefecture, the fitted line, and the correlation in words.
"""

from __future__ import annotations

import html
import math

import numpy as np
import plotly.graph_objects as go

from app.core.compare import CompareData
from app.core.i18n import t
from app.core.mapdata import format_value
from layers.bivariate import Correlation


def axis_title(data: CompareData, which: str) -> str:
    # plotly reads its titles as a subset of HTML (<b>, <br>, <a href>): a layer title is text.
    layer = data.layer_a if which == "A" else data.layer_b
    unit = layer.unit(data.view.lang)
    return html.escape(f"{which} · {layer.title(data.view.lang)}{f' ({unit})' if unit else ''}")


def scatter_figure(data: CompareData, stats: Correlation, selected: frozenset[str] = frozenset()) -> go.Figure:
    """The scatter (pure): points keyed by code (customdata), hover names with the parent prefecture,
    the fitted line and the page's selected region drawn larger. ``selected``: codes shown as the chart's
    selection (plotly's selected points; the others fade), as a box or lasso selection shows them."""
    lang, view = data.view.lang, data.view
    rows = data.complete()
    a, b = data.layer_a, data.layer_b
    hover = [
        f"<b>{html.escape(str(r.label))}</b> · {html.escape(str(r.parent_name or ''))}"
        f"<br>A: {html.escape(format_value(r.value_a, a, lang))}<br>B: {html.escape(format_value(r.value_b, b, lang))}"
        for r in rows.itertuples()
    ]
    marked = [code == view.selected for code in rows["adcode"]]
    chosen = [i for i, code in enumerate(rows["adcode"]) if code in selected]
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
            selectedpoints=chosen or None,
            unselected={"marker": {"opacity": 0.3}},
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
        xaxis_title=axis_title(data, "A"),
        yaxis_title=axis_title(data, "B"),
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
