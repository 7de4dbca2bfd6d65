"""Compare view: the gap list, regions in one quadrant (default: A above, B below the median)."""

from __future__ import annotations

import streamlit as st

from app.core import comparetables
from app.core.compare import CompareData
from app.core.i18n import t
from app.core.markup import escape
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
    # Short headers ("A", "B") keep both values in view on a laptop; the caption names the layers.
    data_table(comparetables.compare_table(data, rows, short=True))
    st.caption("  \n".join(escape(line) for line in comparetables.layer_captions(data)))
    st.download_button(
        t("download_gaps", lang),
        comparetables.gap_csv(data),
        file_name=f"sichuan_gaps_{data.layer_a.id}_{data.layer_b.id}_{view.level}.csv",
        mime="text/csv",
        key="download_gaps",
    )
    missing_list(data)
