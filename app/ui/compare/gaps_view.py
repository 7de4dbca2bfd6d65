"""Compare view: the gap list, regions in one quadrant (default: A above, B below the median)."""

from __future__ import annotations

import streamlit as st

from app.core import comparetables
from app.core.compare import CompareData
from app.core.i18n import t
from app.core.markup import code, escape
from app.core.viewstate import ViewState
from app.ui.compare.widgets import data_table, missing_list


def render(data: CompareData, view: ViewState) -> None:
    lang = view.lang
    rows = comparetables.gap_rows(data)
    thr_a, thr_b = comparetables.thresholds(data)
    st.markdown(
        t(
            "gap_heading",
            lang,
            quadrant=escape(t(f"quad_{view.quadrant}", lang)),
            a=escape(f"{view.thr_a} = {thr_a:,.6g}"),
            b=escape(f"{view.thr_b} = {thr_b:,.6g}"),
            n=len(rows),
            total=len(data.complete()),
        )
    )
    _thresholds_outside(data, view, thr_a, thr_b)
    # Short headers ("A", "B") keep both values in view on a laptop; the caption names the layers.
    data_table(comparetables.compare_table(data, rows, short=True))
    st.caption("  \n".join(escape(line) for line in comparetables.layer_captions(data)))
    st.download_button(
        t("download_gaps", lang),
        comparetables.gap_csv(data),
        file_name=f"sichuan_gaps_{data.layer_a.id}_{data.layer_b.id}_{view.level}.csv",
        mime="text/csv",
        key="download_gaps",
        on_click="ignore",  # a download changes nothing on the page: no rerun
    )
    missing_list(data)


def _thresholds_outside(data: CompareData, view: ViewState, thr_a: float, thr_b: float) -> None:
    """A threshold beyond every value (thr_a=1e308) leaves its side of the quadrant empty: say so, naming it."""
    lang, both = view.lang, data.complete()
    for axis, key, spec, thr, column in (
        ("A", "thr_a", view.thr_a, thr_a, "value_a"),
        ("B", "thr_b", view.thr_b, thr_b, "value_b"),
    ):
        values = both[column].dropna()
        if values.empty or values.min() <= thr <= values.max():
            continue
        above = thr > values.max()
        # The quadrant's side of this axis: "hi" wants regions above the threshold, "lo" below it.
        side = view.quadrant.split("_")[0 if axis == "A" else 1]
        if (side == "hi") != above:
            continue  # e.g. a threshold below every value and regions wanted above it: everyone qualifies
        st.info(
            t(
                "threshold_outside",
                lang,
                param=code(key),
                value=code(spec),
                side=t("threshold_above" if above else "threshold_below", lang),
                axis=axis,
                lo=f"{values.min():,.6g}",
                hi=f"{values.max():,.6g}",
                where=t(f"threshold_where_{side}", lang),
            )
        )
