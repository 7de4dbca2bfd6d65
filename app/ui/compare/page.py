"""The page in compare mode: a line naming both layers, the chosen view, then both layers' unit, year and source."""

from __future__ import annotations

import streamlit as st

from app.core.compare import CompareData
from app.core.compareviews import VIEWS
from app.core.i18n import t
from app.core.markup import escape
from app.core.viewstate import ViewState
from app.ui import cache
from app.ui.compare.export_panel import export_section
from app.ui.compare.views import RENDER


def layer_caption(data: CompareData, which: str) -> str:
    """One line for layer A or B: title, normalisation, unit, year and source, escaped for Markdown."""
    layer = data.layer_a if which == "a" else data.layer_b
    lang = data.view.lang
    return (
        f"**{which.upper()}** · {escape(layer.title(lang))} · {t('unit', lang)}: {escape(layer.unit(lang) or '—')}"
        f" · {t('year', lang)}: {escape(layer.year_label(lang))} · {t('source', lang)}: "
        f"{escape(layer.source_text(short=True, lang=lang))}"
    )


def page(view: ViewState) -> None:
    lang = view.lang
    data = cache.compare_data(view)
    for error in (data.a.error, data.b.error):
        if error:
            st.error(escape(error))
    # One line above the map (the map in view first); units, years and sources of both layers under it.
    st.markdown(f"**{escape(t('compare_heading', lang, a=data.layer_a.title(lang), b=data.layer_b.title(lang)))}**")
    chosen = VIEWS[view.compare_view]
    if chosen.needs_numeric_a and not data.numeric:
        st.info(t("compare_needs_numeric", lang, layer=escape(data.layer_a.title(lang))))
        return
    RENDER[chosen.id](data, view)
    st.caption(layer_caption(data, "a"))
    st.caption(layer_caption(data, "b"))
    export_section(data)
