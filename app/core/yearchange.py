"""The change of a time-series layer between two years (pure): its view, figures and table."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from app.core import mapdata
from app.core.i18n import t
from app.core.viewstate import ViewState, view_a
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


def change_map_data(registry: Registry, view: ViewState) -> mapdata.MapData:
    series = registry.get(view.layer)
    layer = change_layer(series, view.year_from or series.years[0], view.year or series.years[-1], view.change)
    return mapdata.map_data(layer, change_view(view))


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
