"""Statistical development zones: the one rule that gives each zone's figures to the district containing it.

The NBS lists three 经济开发区 at county level (511071, 511771, 511971, until 2021) and the 2020 census
counts their people separately, but they have no boundary: their land lies inside the 2023 outline of
one district. A value drawn for that district's outline must describe the whole outline, so every
county-level figure of a zone is added to its district, numerator and denominator alike, before any
layer derives a ratio from it. Shares are therefore declared as ratios of counts (``layers.toml``),
never summed.

Containment is not asserted from names: ``tests/test_zones.py`` derives it from the code lists (every
township a zone ever listed is in the declared district in the 2023 list, and the townships that moved
into a zone came from that district) and checks it against :data:`CONTAINING_DISTRICT`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from geodata.codes import gazetteer

if TYPE_CHECKING:
    from layers.model import Layer
    from layers.registry import Registry

# zone code -> the district whose 2023 outline contains it (see the module docstring and tests/test_zones.py).
CONTAINING_DISTRICT: dict[str, str] = {
    "511071": "511002",  # 内江经济开发区 -> 市中区 (内江)
    "511771": "511703",  # 达州经济开发区 -> 达川区
    "511971": "511902",  # 巴中经济开发区 -> 巴州区
}


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
                f"{district.adcode} {district.name}, not an additional area"
            )
        return f"统计用开发区，无单独边界；已计入{district.name}（{district.adcode}），不另计"
    zones = [gaz.by_code[z] for z in contained_zones(adcode)]
    if not zones:
        return ""
    names = "、".join(f"{z.name}（{z.adcode}）" for z in zones)
    return f"includes {names}" if lang == "en" else f"含{names}"


def with_zone_rows(table: pd.DataFrame, zones: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """A shown county table plus one row per zone, right after its district, and a ``note`` column.

    ``zones`` is ``Layer.unmapped(level)`` (the zones' own figures). Zone rows get no rank and the
    status ``zone``; only zones whose district is in ``table`` are added, so a filter that hides the
    district hides its zone too.
    """
    out = table.reset_index(drop=True)
    out["note"] = [note(c, lang) for c in out["adcode"]]
    if zones.empty:
        return out
    by_code = zones.set_index("adcode")
    extra = []
    for position, code in enumerate(out["adcode"]):
        for zone in contained_zones(code):
            if zone in by_code.index:
                z = by_code.loc[zone]
                extra.append(
                    {
                        "adcode": zone,
                        "name": z["name"],
                        "short_name": z["name"],
                        "parent_adcode": z["parent_adcode"],
                        "value": z["value"],
                        "in_range": False,
                        "status": "zone",
                        "note": note(zone, lang),
                        "_order": position + 0.5,
                    }
                )
    if not extra:
        return out
    rows = pd.DataFrame(extra)
    for column in out.columns:
        if column not in rows:
            rows[column] = pd.Series([pd.NA] * len(rows), dtype=out[column].dtype)
    out["_order"] = range(len(out))
    both = pd.concat([out, rows[out.columns]], ignore_index=True)
    return both.sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)


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
    z = gazetteer().by_code[zone]
    district = gazetteer().by_code[CONTAINING_DISTRICT[zone]]
    if lang == "en":
        return (
            f"Includes {z.name} ({z.adcode}): its own figures below are already counted in "
            f"{district.name}'s values (a statistical zone without a boundary)"
        )
    return f"含{z.name}（{z.adcode}）：以下为开发区自身数据，已计入{district.name}的各项数值（开发区无单独边界）"
