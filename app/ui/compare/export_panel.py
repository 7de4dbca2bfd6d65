"""The compare page's Export / 导出 section: the bivariate map or the two panels as PNG/PDF/SVG, and the
view's data as CSV. A file is built when "prepare" is pressed and belongs to one view and format."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app.core.compare import CompareData
from app.core.i18n import t
from app.export import compare as compare_export
from app.export.printmap import PrintOptions
from app.ui import cache

PREPARED = "compare_export_prepared"  # session_state: (request key, file name, mime, bytes)
MIME = {"png": "image/png", "pdf": "application/pdf", "svg": "image/svg+xml", "csv": "text/csv"}


def formats(view_id: str) -> list[str]:
    return [*(("png", "pdf", "svg") if view_id in compare_export.PRINT_VIEWS else ()), "csv"]


def export_section(data: CompareData) -> None:
    view, lang = data.view, data.view.lang
    with st.expander(t("compare_export", lang)):
        fmt = st.selectbox(t("compare_export_format", lang), formats(view.compare_view), key="compare_export_format")
        request = (view, fmt)
        if st.button(t("compare_export_prepare", lang), key="compare_export_prepare"):
            if fmt == "csv":
                body = compare_export.data_file(data, view.compare_view)
            else:
                shapes = cache.boundaries(view.level, "web", "wgs84")
                body = compare_export.render(shapes, data, PrintOptions(date=dt.date.today()), fmt, view.compare_view)
            name = f"sichuan_compare_{view.compare_view}_{data.layer_a.id}_{data.layer_b.id}_{view.level}.{fmt}"
            st.session_state[PREPARED] = (request, name, body)
        prepared = st.session_state.get(PREPARED)
        if prepared and prepared[0] == request:
            _, name, body = prepared
            st.download_button(name, body, file_name=name, mime=MIME[fmt], key="compare_export_download")
