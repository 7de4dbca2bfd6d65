"""Compare view: A against B, one point per region, linked to the bivariate map and the table.

A box or lasso selection on the chart (Streamlit's plotly selection event; plotly.js comes with Streamlit's
frontend, no CDN) lists exactly those regions in the table below and outlines them on the map beside it, zoomed to
fit them; clearing it (a double click on the chart, or the button) restores both. The selection is kept in the
session, so it survives reruns: a click on the map, another language, log axes.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from app.core import comparetables
from app.core.compare import CompareData
from app.core.i18n import t
from app.core.markup import escape
from app.core.scatter import scatter_figure, stats_text
from app.core.viewstate import ViewState
from app.ui import cache
from app.ui.compare.widgets import data_table, missing_list, show_map
from layers.bivariate import correlation
from layers.classify import ClassificationError

SELECTION = "compare_scatter_selection"  # session state: the codes chosen on the chart
DRAWN = "compare_scatter_drawn"  # session state: (the chart's figure without selection, the codes it was drawn with)
GENERATION = "compare_scatter_generation"  # session state: bumped to start a fresh chart (no selection in it)


def selected_codes(event: object) -> frozenset[str]:
    """Region codes of the chart's box/lasso/click selection (plotly points carry their code as customdata)."""
    selection = event.get("selection") if isinstance(event, Mapping) else getattr(event, "selection", None)
    points = (selection.get("points") if isinstance(selection, Mapping) else getattr(selection, "points", None)) or []
    out = set()
    for point in points:
        custom = point.get("customdata")
        code = custom[0] if isinstance(custom, list) else custom
        if isinstance(code, str):
            out.add(code)
    return frozenset(out)


def chart_key() -> str:
    return f"compare_scatter_{st.session_state.get(GENERATION, 0)}"


def _chart_changed() -> None:
    """The user changed the selection on the chart (on_select calls this only then, never for a chart that was
    drawn anew and so starts empty)."""
    st.session_state[SELECTION] = selected_codes(st.session_state.get(chart_key()))


def _clear() -> None:
    st.session_state[SELECTION] = frozenset()
    st.session_state[DRAWN] = None
    st.session_state[GENERATION] = st.session_state.get(GENERATION, 0) + 1


def render(data: CompareData, view: ViewState) -> None:
    lang = view.lang
    stats = correlation(data.table["value_a"], data.table["value_b"])
    if ("x" in view.log_axes and (data.complete()["value_a"] <= 0).any()) or (
        "y" in view.log_axes and (data.complete()["value_b"] <= 0).any()
    ):
        st.info(t("log_nonpositive", lang))
    selection = frozenset(st.session_state.get(SELECTION) or ()) & frozenset(data.complete()["adcode"])
    # Streamlit keys a chart's selection to its figure: a figure that changes starts a new, empty selection. So the
    # figure changes with the selection only when it has to change anyway (other figures, labels or axes): it is
    # then drawn with the session's selection marked; otherwise the chart keeps the one the user is making.
    plain = scatter_figure(data, stats).to_json()
    drawn = st.session_state.get(DRAWN)
    if drawn is None or drawn[0] != plain:
        drawn = (plain, selection)
        st.session_state[DRAWN] = drawn
    chart_col, map_col = st.columns(2)
    with chart_col:
        st.plotly_chart(
            scatter_figure(data, stats, drawn[1]),
            on_select=_chart_changed,
            selection_mode=("box", "lasso", "points"),
            key=chart_key(),
            config={"displaylogo": False},
        )
        st.markdown(escape(stats_text(stats, lang)))
        st.caption(t("correlation_caveat", lang))
    with map_col:
        try:
            pane = cache.bivariate_pane(view, selection)
        except ClassificationError as exc:
            st.error(escape(str(exc)))
        else:
            show_map(view, [pane], key="compare_scatter_map", fit=selection)
    rows = data.table[data.table["adcode"].isin(selection)] if selection else data.complete()
    if selection:
        heading, clear = st.columns([4, 1])
        heading.markdown(f"**{t('selected_regions', lang, n=len(rows))}**")
        clear.button(t("clear_selection", lang), key="scatter_clear", on_click=_clear)
    else:
        st.markdown(f"**{t('table', lang)}**")
    data_table(comparetables.compare_table(data, rows))
    st.caption(" · ".join(f"{escape(label)}: {escape(text)}" for label, text in comparetables.notes(data)))
    st.download_button(
        t("download_compare", lang),
        comparetables.compare_csv(data, rows),
        file_name=f"sichuan_compare_{data.layer_a.id}_{data.layer_b.id}_{view.level}.csv",
        mime="text/csv",
        key="download_compare",
        on_click="ignore",  # a download changes nothing on the page: no rerun
    )
    missing_list(data)
