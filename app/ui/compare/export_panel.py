"""The compare page's Export / 导出 section: the bivariate map or the two panels as PNG/PDF/SVG, with the single
export's options (title, subtitle, map-use note, paper and orientation, resolution, region names), and the view's
data as CSV. A file is built when "prepare" is pressed and belongs to one view, format and set of options: change
any of them and it is withdrawn."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app.core.compare import CompareData
from app.core.i18n import t
from app.export.paper import DPI_PRESETS, MAP_USE_NOTE, PAPERS, PrintOptions
from app.export.titles import COMPARE_PRINT_VIEWS, compare_subtitle, compare_title
from app.ui import cache
from app.ui.export_panel import DPI_LABELS, PAPER_LABELS

PREPARED = "compare_export_prepared"  # session_state: (request key, file name, bytes)
MIME = {"png": "image/png", "pdf": "application/pdf", "svg": "image/svg+xml", "csv": "text/csv"}
PRINT_FORMATS = ("png", "pdf", "svg")


def formats(view_id: str) -> list[str]:
    return [*(PRINT_FORMATS if view_id in COMPARE_PRINT_VIEWS else ()), "csv"]


def _print_options(data: CompareData) -> PrintOptions:
    """The print options' widgets; text defaults follow the view and the language (the keys carry both, so a new
    pair of layers or the other language gets its own title)."""
    view, lang = data.view, data.view.lang
    en = lang == "en"
    scope = f"{view.compare_view}|{view.layer}|{view.norm}|{view.layer_b}|{view.norm_b}|{view.level}|{view.area}|{lang}"
    title = st.text_input(
        t("export_title", lang),
        value=compare_title(data, view.compare_view),
        key=f"compare_export_title|{scope}",
    )
    subtitle = st.text_input(
        t("export_subtitle", lang), value=compare_subtitle(data), key=f"compare_export_sub|{scope}"
    )
    note = st.text_input(t("export_note", lang), value=MAP_USE_NOTE[lang], key=f"compare_export_note|{lang}")
    left, mid, right = st.columns(3)
    paper = left.selectbox(
        t("export_paper", lang), list(PAPERS), format_func=lambda p: PAPER_LABELS[p][en], key="compare_export_paper"
    )
    dpi = mid.selectbox(
        t("export_dpi", lang), DPI_PRESETS, format_func=lambda d: DPI_LABELS[d][en], key="compare_export_dpi"
    )
    labels = right.checkbox(t("export_labels", lang), value=True, key="compare_export_labels")
    return PrintOptions(title, subtitle, note, paper, int(dpi), labels, dt.date.today())


def export_section(data: CompareData) -> None:
    view, lang = data.view, data.view.lang
    with st.expander(t("compare_export", lang)):
        fmt = st.selectbox(
            t("compare_export_format", lang),
            formats(view.compare_view),
            format_func=lambda f: t(f"format_{f}", lang),
            key="compare_export_format",
        )
        options = _print_options(data) if fmt in PRINT_FORMATS else None
        request = (view, fmt, options)
        if st.button(t("compare_export_prepare", lang), key="compare_export_prepare", type="primary"):
            from app.export import compare as compare_export  # matplotlib: imported when a file is asked for

            with st.spinner():
                if options is None:
                    body = compare_export.data_file(data, view.compare_view)
                else:
                    shapes = cache.boundaries(view.level, "web", "wgs84")
                    body = compare_export.render(shapes, data, options, fmt, view.compare_view)
            name = f"sichuan_compare_{view.compare_view}_{data.layer_a.id}_{data.layer_b.id}_{view.level}.{fmt}"
            st.session_state[PREPARED] = (request, name, body)
        prepared = st.session_state.get(PREPARED)
        if prepared and prepared[0] == request:
            _, name, body = prepared
            st.download_button(
                t("export_download", lang, name=name),
                body,
                file_name=name,
                mime=MIME[fmt],
                key="compare_export_download",
                on_click="ignore",
            )
