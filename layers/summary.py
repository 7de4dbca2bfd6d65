"""The 2021 province summary, the places the article names, and reconciliation with published totals."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from geodata.codes import RegionLookupError, gazetteer
from layers.tables import Resource, Source, read_datapackage, read_resource, shipped_long_table

if TYPE_CHECKING:
    from layers.registry import Registry

THEME_NAMES = {
    "township_merger": ("乡镇区划调整", "Township merger"),
    "grassroots": ("基层治理", "Grassroots governance"),
    "social_assistance": ("社会救助", "Social assistance"),
    "disability": ("残疾人福利", "Disability"),
    "elderly_care": ("养老服务", "Elderly care"),
    "child_protection": ("未成年人保护", "Child protection"),
    "social_affairs": ("社会事务", "Social affairs"),
    "social_organisations": ("社会组织", "Social organisations"),
    "charity_social_work": ("慈善与社会工作", "Charity and social work"),
}


def _with_theme_and_source(df: pd.DataFrame, res: Resource) -> pd.DataFrame:
    df["theme_zh"] = df["theme"].map(lambda t: THEME_NAMES.get(t, (t, t))[0])
    df["theme_en"] = df["theme"].map(lambda t: THEME_NAMES.get(t, (t, t))[1])
    df["source_zh"] = res.sources[0].name("zh")
    df["source_en"] = res.sources[0].name("en")
    return df


def province_summary() -> pd.DataFrame:
    """The article's 2021 province-wide figures with theme names and their source."""
    res = read_datapackage()["seed_figures"]
    df = read_resource(res)
    df["value"] = df["value"].astype(float)
    df["year"] = df["year"].astype(int)
    return _with_theme_and_source(df, res)


def pilot_places() -> pd.DataFrame:
    """The article's named places resolved to current codes (会理县 → 会理市). Unresolvable names raise."""
    res = read_datapackage()["seed_places"]
    df = read_resource(res)
    gaz = gazetteer()
    codes, problems = [], []
    for i, row in enumerate(df.itertuples(), start=1):
        level = str(row.scope_level)
        query = str(row.place_name) if level == "prefecture" else f"{row.place_name}({row.parent_name})"
        try:
            codes.append(gaz.resolve(query, level))
        except RegionLookupError as exc:
            problems.append(f"{res.display_path}, row {i}, column 'place_name': {exc}")
    if problems:
        raise ValueError("\n".join(problems))
    df["adcode"] = codes
    df["level"] = df["scope_level"]
    return _with_theme_and_source(df, res)


def published_value(resource: str, key: str) -> tuple[float, str, Source]:
    """(value, year, source) of a published province-wide figure."""
    res = read_datapackage()[resource]
    if resource == "seed_figures":
        df = province_summary()
        found = df[df["id"] == key]
        if found.empty:
            raise ValueError(
                f"{res.display_path}: no figure with id {key!r}, the published total a layer is checked against"
            )
        row = found.iloc[0]
        return float(row["value"]), str(row["year"]), res.sources[0]
    table = shipped_long_table(resource)
    rows = table[(table["level"] == "province") & (table["indicator"] == key)]
    if rows.empty:
        raise ValueError(
            f"{res.display_path}: no province row for {key!r}, the published total a layer is checked against"
        )
    return float(rows["value"].iloc[0]), str(rows["year"].iloc[0]), res.sources[0]


def reconciliation(registry: Registry) -> pd.DataFrame:
    """For every layer with a published province total: sum of counties vs that figure.

    County values already include the development zones inside them (layers/zones.py), so the zones
    are not added again; ``development_zones`` says how much of the sum they make up.
    """
    rows = []
    for layer in registry.list_layers(include_hidden=True):
        if layer.published_total is None:
            continue
        pub = layer.published_total
        value, year, source = published_value(pub.resource, pub.key)
        counties = layer.frame("county")["value"].sum(min_count=1)
        zones = layer.unmapped("county")["value"].sum()
        total = float(counties)
        rows.append(
            {
                "layer_id": layer.id,
                "title_zh": layer.title_zh,
                "title_en": layer.title_en,
                "unit_zh": layer.unit_zh,
                "year": layer.year,
                "year_en": layer.year_label("en"),
                "sum_of_counties": float(counties),
                "development_zones": float(zones),
                "sum_of_regions": total,
                "layer_source_zh": layer.source_text(lang="zh"),
                "layer_source_en": layer.source_text(lang="en"),
                "published": value,
                "published_label": pub.label,
                "published_resource": pub.resource,
                "published_key": pub.key,
                "published_year": year,
                "published_source_zh": source.name("zh"),
                "published_source_en": source.name("en"),
                "gap": total - value,
                "gap_pct": (total - value) / value * 100 if value else float("nan"),
            }
        )
    return pd.DataFrame(rows)
