"""The change of a time-series layer between two of its years, as a layer of its own.

A region gets a change only where it has a figure in both years (missing stays missing); the per-cent change
is undefined where the first year is 0. Counties keep today's codes in every year (the crosswalk), so a county
whose code changed (射洪 510922 → 510981) has one continuous series.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from layers.model import OPERATIONS, DerivedSpec, Layer, merge_sources

CHANGE_KINDS = ("abs", "pct")


def change_layer(series: Layer, year_from: int, year_to: int, how: str = "abs") -> Layer:
    """``series`` at ``year_to`` minus at ``year_from`` ("abs", in the layer's unit) or that difference in per
    cent of ``year_from`` ("pct")."""
    if how not in CHANGE_KINDS:
        raise ValueError(f"change must be one of {CHANGE_KINDS}, got {how!r}")
    for year in (year_from, year_to):
        if year not in series.years:
            raise ValueError(f"layer {series.id!r} has no year {year}; it has {list(series.years) or 'no years'}")
    if year_from == year_to:
        raise ValueError(f"choose two different years (both are {year_from})")
    first, second = series.siblings.get(f"{series.id}@{year_from}"), series.siblings.get(f"{series.id}@{year_to}")
    span = f"{year_from}→{year_to}"
    pct = how == "pct"
    return replace(
        series,
        id=f"{series.id}@{year_from}-{year_to}:{how}",
        title_zh=f"{second.title_zh.removesuffix(f'（{year_to}）')}变化（{span}{'，%' if pct else ''}）",
        title_en=f"{second.title_en.removesuffix(f' ({year_to})')}: change {span}{' (%)' if pct else ''}",
        unit_zh="%" if pct else series.unit_zh,
        unit_en="%" if pct else series.unit_en,
        year=f"{first.year} → {second.year}",
        year_en=f"{first.year_label('en')} → {second.year_label('en')}",
        kind="share" if pct else "count",
        palette="RdBu",
        spec=DerivedSpec("pct_change" if pct else "difference", second.id, first.id),
        sources=merge_sources(first.sources, second.sources),  # both years' editions, not the series' latest
        normalise_by=(),
        published_total=None,
        hidden=True,
        years=(),
        series=series.id,
    )


def change_table(series: Layer, level: str, year_from: int, year_to: int) -> pd.DataFrame:
    """adcode, value_from, value_to, change (absolute) and change_pct for every region of ``level``."""
    first = series.siblings.get(f"{series.id}@{year_from}").frame(level).set_index("adcode")["value"]
    second = series.siblings.get(f"{series.id}@{year_to}").frame(level).set_index("adcode")["value"]
    out = pd.DataFrame({"value_from": first, "value_to": second.reindex(first.index)})
    out["change"] = OPERATIONS["difference"](out["value_to"], out["value_from"], 1.0)
    out["change_pct"] = OPERATIONS["pct_change"](out["value_to"], out["value_from"], 1.0)
    return out.rename_axis("adcode").reset_index()
