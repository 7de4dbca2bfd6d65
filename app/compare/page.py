"""The page in compare mode: a heading naming both layers (unit, year, source), then the chosen view."""

from __future__ import annotations

import streamlit as st

from app import cache
from app.compare.data import CompareData
from app.compare.export_panel import export_section
from app.compare.views import VIEWS
from app.i18n import t
from app.markup import escape
from app.viewstate import ViewState


def layer_caption(data: CompareData, which: str) -> str:
    """One line for layer A or B: title, normalisation, unit, year and source, escaped for Markdown."""
    layer = data.layer_a if which == "a" else data.layer_b
    lang = data.view.lang
    return (
        f"**{which.upper()}** · {escape(layer.title(lang))} · {t('unit', lang)}: {escape(layer.unit(lang) or '—')}"
        f" · {t('year', lang)}: {escape(layer.year_label(lang))} · {t('source', lang)}: "
        f"{escape(layer.source_text(short=True))}"
    )


def page(view: ViewState) -> None:
    lang = view.lang
    data = cache.compare_data(view)
    for error in (data.a.error, data.b.error):
        if error:
            st.error(escape(error))
    st.subheader(t("compare_heading", lang, a=data.layer_a.title(lang), b=data.layer_b.title(lang)))
    st.markdown(layer_caption(data, "a") + "  \n" + layer_caption(data, "b"))
    chosen = VIEWS[view.compare_view]
    if chosen.needs_numeric_a and not data.numeric:
        st.info(t("compare_needs_numeric", lang, layer=escape(data.layer_a.title(lang))))
        return
    chosen.render(data, view)
    export_section(data)
