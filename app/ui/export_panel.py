"""The export section (导出 / Export) of the page: the current view as a print map, HTML or data file.

A file is built only when "prepare" is pressed (a 300-dpi map takes seconds; building every format on
every rerun would stall the page), from the page's own MapData; the download button then offers it.
A prepared file belongs to one view and one set of options: change either and it is withdrawn.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app.core.i18n import t
from app.core.mapdata import MapData
from app.export.build import FORMATS, ExportOptions, export_file
from app.export.paper import DPI_PRESETS, MAP_USE_NOTE, PAPERS, PrintOptions
from app.export.titles import default_subtitle, default_title
from app.ui import cache

PREPARED = "export_prepared"  # session_state: (request key, ExportFile)
FORMAT_LABELS = {
    "png": ("PNG 图片", "PNG image"),
    "pdf": ("PDF", "PDF"),
    "svg": ("SVG", "SVG"),
    "html": ("HTML（离线交互地图）", "HTML (offline interactive map)"),
    "csv": ("CSV", "CSV"),
    "xlsx": ("Excel（XLSX）", "Excel (XLSX)"),
    "geojson": ("GeoJSON", "GeoJSON"),
    "gpkg": ("GeoPackage", "GeoPackage"),
}
PAPER_LABELS = {
    "a4-landscape": ("A4 横向", "A4 landscape"),
    "a4-portrait": ("A4 纵向", "A4 portrait"),
    "a3-landscape": ("A3 横向", "A3 landscape"),
    "a3-portrait": ("A3 纵向", "A3 portrait"),
}
DPI_LABELS = {
    150: ("150（屏幕）", "150 (screen)"),
    300: ("300（印刷）", "300 (print)"),
    600: ("600（海报）", "600 (poster)"),
}


def _pick(labels: tuple[str, str], lang: str) -> str:
    return labels[1] if lang == "en" else labels[0]


def export_section(data: MapData) -> None:
    view, lang = data.view, data.view.lang
    with st.expander(t("export", lang)):
        st.caption(t("export_hint", lang))
        # Text defaults follow the view: the widget keys carry it, so a new layer gets its own title.
        scope = f"{view.layer}|{view.norm}|{view.level}|{view.area}|{lang}"
        fmt = st.selectbox(
            t("export_format", lang), FORMATS, format_func=lambda f: _pick(FORMAT_LABELS[f], lang), key="export_format"
        )
        options = ExportOptions()
        if fmt in ("png", "pdf", "svg", "html"):
            title = st.text_input(t("export_title", lang), value=default_title(data), key=f"export_title|{scope}")
        if fmt in ("png", "pdf", "svg"):
            subtitle = st.text_input(
                t("export_subtitle", lang), value=default_subtitle(data), key=f"export_sub|{scope}"
            )
            note = st.text_input(t("export_note", lang), value=MAP_USE_NOTE[lang], key=f"export_note|{lang}")
            left, mid, right = st.columns(3)
            paper = left.selectbox(
                t("export_paper", lang),
                list(PAPERS),
                format_func=lambda p: _pick(PAPER_LABELS[p], lang),
                key="export_paper",
            )
            dpi = mid.selectbox(
                t("export_dpi", lang), DPI_PRESETS, format_func=lambda d: _pick(DPI_LABELS[d], lang), key="export_dpi"
            )
            labels = right.checkbox(t("export_labels", lang), value=True, key="export_labels")
            options = ExportOptions(print=PrintOptions(title, subtitle, note, paper, int(dpi), labels, dt.date.today()))
        elif fmt == "html":
            options = ExportOptions(print=PrintOptions(title=title))
        elif fmt in ("geojson", "gpkg"):
            datum = st.radio(
                t("export_datum", lang), ("wgs84", "gcj02"), format_func=str.upper, horizontal=True, key="export_datum"
            )
            options = ExportOptions(datum=datum)
        request = (view, fmt, options)
        if st.button(t("export_prepare", lang), key="export_prepare", type="primary"):
            with st.spinner():
                st.session_state[PREPARED] = (request, export_file(data, fmt, cache.boundaries, options))
        prepared = st.session_state.get(PREPARED)
        if prepared is not None and prepared[0] == request:
            file = prepared[1]
            st.download_button(
                t("export_download", lang, name=file.file_name),
                file.data,
                file_name=file.file_name,
                mime=file.mime,
                key="export_download",
                on_click="ignore",
            )
