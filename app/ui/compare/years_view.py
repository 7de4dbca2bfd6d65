"""Compare view: the change of a time-series layer (layer A) between two chosen years, absolute or in per cent."""

from __future__ import annotations

import streamlit as st

from app.core.compare import CompareData
from app.core.i18n import t
from app.core.markup import escape
from app.core.viewstate import ViewState
from app.core.yearchange import series_layers
from app.core.yearchange import table as change_rows
from app.ui import cache
from app.ui.compare.widgets import data_table, show_map


def render(data: CompareData, view: ViewState) -> None:
    registry, lang = cache.registry(), view.lang
    series = registry.get(view.layer)
    if not series.years:
        names = "、".join(escape(x.title(lang)) for x in series_layers(registry))
        st.info(t("year_change_needs_series", lang, layers=names))
        return
    if view.year_from == view.year:
        st.info(t("year_change_same", lang, year=view.year))
        return
    md = cache.change_map_data(view)
    if md.error:
        st.error(escape(md.error))
    st.markdown(
        f"**{escape(t('year_change_heading', lang, title=md.layer.title(lang), a=view.year_from, b=view.year))}**"
    )
    show_map(view, [cache.change_pane(view)], key="year_change_map")
    data_table(change_rows(registry, view, md.table))
    notes = [
        f"{t('year', lang)}: {md.layer.year_label(lang)}",
        f"{t('source', lang)}: {md.layer.source_text(lang=lang)}",
        series.notes(lang),
    ]
    st.caption(" · ".join(escape(n) for n in notes if n))
