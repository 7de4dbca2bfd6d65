"""Statistical development zones: the one rule that gives each zone's figures to the district containing it.

The NBS lists three 经济开发区 at county level (511071, 511771, 511971, until 2021) and the 2020 census
counts their people separately, but they have no boundary: their land lies inside the 2023 outline of
one district. A value drawn for that district's outline must describe the whole outline, so every
county-level figure of a zone is added to its district, numerator and denominator alike, before any
layer derives a ratio from it. Shares are therefore declared as ratios of counts (``layers.toml``),
never summed.

Containment is not asserted from names: ``tests/test_zones.py`` derives it from the code lists (every
township a zone ever listed is in the declared district in the 2023 list, and the townships that moved
into a zone came from that district) and checks it against :data:`CONTAINING_DISTRICT`, declared with the
gazetteer (``geodata.codes``) so that its messages name the district (市中区（内江） 511002).

Tables keep one row per outline, so a column of counts sums to the total: a zone's own figure goes in a
column of its own on its district's row (:func:`with_zone_column`), never into the value column.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from geodata.codes import CONTAINING_DISTRICT, gazetteer

if TYPE_CHECKING:
    from layers.model import Layer
    from layers.registry import Registry

__all__ = [
    "CONTAINING_DISTRICT",  # zone -> containing district, declared with the gazetteer (its messages name it)
    "contained_zones",
    "fold_into_districts",
    "note",
    "with_zone_column",
    "zone_column_title",
    "zone_figures",
    "zone_heading",
]


def fold_into_districts(values: pd.Series, zone_values: pd.Series) -> pd.Series:
    """County values with each zone's value added to its containing district.

    A zone whose figure is missing makes its district's figure missing too: the outline's total is
    then unknown, and no part of it is passed off as the whole.
    """
    unknown = sorted(set(zone_values.index) - set(CONTAINING_DISTRICT))
    if unknown:
        raise ValueError(f"zone(s) {unknown} have no declared containing district in layers/zones.py")
    out = values.astype(float).copy()
    for zone, value in zone_values.items():
        district = CONTAINING_DISTRICT[str(zone)]
        out[district] = out.get(district, float("nan")) + float(value)
    return out


def contained_zones(adcode: str) -> list[str]:
    """The zones whose figures are included in this district's values (none for other regions)."""
    return [zone for zone, district in CONTAINING_DISTRICT.items() if district == adcode]


def note(adcode: str, lang: str = "zh") -> str:
    """The table note for a district that contains a zone, or for a zone row; "" for anything else."""
    gaz = gazetteer()
    if adcode in CONTAINING_DISTRICT:
        district = gaz.by_code[CONTAINING_DISTRICT[adcode]]
        if lang == "en":
            return (
                f"statistical development zone without a boundary; already included in "
                f"{gaz.label(district.adcode)} {district.adcode}, not an additional area"
            )
        return f"统计用开发区，无单独边界；已计入{gaz.label(district.adcode)} {district.adcode}，不另计"
    zones = [gaz.by_code[z] for z in contained_zones(adcode)]
    if not zones:
        return ""
    names = "、".join(f"{z.name}（{z.adcode}）" for z in zones)
    return f"includes {names}" if lang == "en" else f"含{names}"


def zone_column_title(lang: str = "zh") -> str:
    """Heading of the column that gives a zone's own figure on its district's row."""
    if lang == "en":
        return "Own figure of the development zone inside (already in this row's value)"
    return "所含开发区自身数值（已计入本行数值）"


def with_zone_column(table: pd.DataFrame, zones: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """A shown county table with a ``note`` column and, where a shown district contains a zone, a
    ``zone_value`` column holding the zone's own figure on the district's row.

    ``zones`` is ``Layer.unmapped(level)`` (the zones' own figures). The value column keeps one figure per
    outline, so a spreadsheet's SUM over it gives the total; the zone's figure, already inside its
    district's, never sits in that column (a zone row there was added twice). A filter that hides the
    district hides its zone too.
    """
    out = table.reset_index(drop=True)
    out["note"] = [note(c, lang) for c in out["adcode"]]
    if zones.empty:
        return out
    by_code = zones.set_index("adcode")["value"]
    figures: list[object] = []
    for code in out["adcode"]:
        mine = [zone for zone in contained_zones(code) if zone in by_code.index]
        # One zone per district (CONTAINING_DISTRICT); a district holding two would need two columns.
        figures.append(by_code[mine[0]] if len(mine) == 1 else None)
    if any(f is not None for f in figures):
        out["zone_value"] = pd.Series(figures, dtype=object if table["value"].dtype == object else float)
    return out


def zone_figures(registry: Registry, zone: str, layers: Iterable[Layer] | None = None) -> list[tuple[Layer, object]]:
    """A zone's own county-level figure in every layer that has one (for the district's detail panel)."""
    out = []
    for layer in layers if layers is not None else registry.list_layers(level="county"):
        zones = layer.unmapped("county")
        mine = zones[zones["adcode"] == zone] if not zones.empty else zones
        if not mine.empty:
            out.append((layer, mine.iloc[0]["value"]))
    return out


def zone_heading(zone: str, lang: str = "zh") -> str:
    """The detail-panel heading of a district's zone part: "含内江经济开发区：…"."""
    gaz = gazetteer()
    z = gaz.by_code[zone]
    district = gaz.label(CONTAINING_DISTRICT[zone])
    if lang == "en":
        return (
            f"Includes {z.name} ({z.adcode}): its own figures below are already counted in "
            f"{district}'s values (a statistical zone without a boundary)"
        )
    return f"含{z.name}（{z.adcode}）：以下为开发区自身数据，已计入{district}的各项数值（开发区无单独边界）"
