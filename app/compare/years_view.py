"""Compare view: the change of a time-series layer (layer A) between two chosen years, absolute or in per cent."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from app import cache, mapbuild
from app.compare.data import CompareData
from app.compare.widgets import data_table, shapes, show_map
from app.i18n import t
from app.markup import escape
from app.viewstate import ViewState, view_a
from layers.model import Layer
from layers.registry import Registry
from layers.timeseries import change_layer, change_table


def change_view(view: ViewState) -> ViewState:
    """The single view the change map is classified in: A's level, area, classes and selection; the value range
    and manual breaks belong to A's own figures, not to their change, and the palette is the change's own."""
    single = view_a(view)
    return replace(
        single,
        vmin=None,
        vmax=None,
        breaks=(),
        palette="",
        reverse=False,
        scheme="quantiles" if single.scheme == "manual" else single.scheme,
    )


def change_map_data(registry: Registry, view: ViewState) -> mapbuild.MapData:
    series = registry.get(view.layer)
    layer = change_layer(series, view.year_from or series.years[0], view.year or series.years[-1], view.change)
    return mapbuild.map_data(layer, change_view(view))


def table(registry: Registry, view: ViewState, shown: pd.DataFrame) -> pd.DataFrame:
    """Both years, the absolute and the per-cent change of every shown region, keyed by code."""
    series = registry.get(view.layer)
    lang = view.lang
    y0, y1 = view.year_from or series.years[0], view.year or series.years[-1]
    out = shown[["adcode", "label", "parent_name"]].merge(change_table(series, view.level, y0, y1), on="adcode")
    unit = series.unit(lang)
    return out.rename(
        columns={
            "value_from": f"{y0} ({unit})" if unit else str(y0),
            "value_to": f"{y1} ({unit})" if unit else str(y1),
            "change": f"{t('year_change_kind', lang)} ({unit})" if unit else t("year_change_kind", lang),
            "change_pct": f"{t('year_change_kind', lang)} (%)",
        }
    )


def series_layers(registry: Registry) -> list[Layer]:
    return [layer for layer in registry.list_layers() if layer.years]


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
    md = change_map_data(registry, view)
    if md.error:
        st.error(escape(md.error))
    st.markdown(
        f"**{escape(t('year_change_heading', lang, title=md.layer.title(lang), a=view.year_from, b=view.year))}**"
    )
    show_map(mapbuild.build_map(shapes(view), md, height=560), key="year_change_map")
    data_table(table(registry, view, md.table))
    notes = [
        f"{t('year', lang)}: {md.layer.year_label(lang)}",
        f"{t('source', lang)}: {md.layer.source_text()}",
        series.notes(lang),
    ]
    st.caption(" · ".join(escape(n) for n in notes if n))
