"""Typed layer records and the three ways a layer gets its values.

A layer's values come from exactly one spec:
  * :class:`IndicatorSpec` — one indicator and year of a validated long table;
  * :class:`DerivedSpec`   — an operation on two other layers, computed only where both exist;
  * :class:`BuilderSpec`  — a named function of the level (categories from the gazetteer or a
                             list, or areas from the boundaries);
  * :class:`UserSpec`     — a planner's saved layer, figures carried in the spec (layers/userstore.py);
  * :class:`FiguresSpec`  — figures computed from other layers, carried in the spec (the plan view's).
Missing stays missing (NaN); a zero in the data stays zero.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import pandas as pd

from geodata.codes import gazetteer
from layers.builders import BUILDERS
from layers.tables import Source, shipped_long_table, source_names, with_layer_year
from layers.zones import fold_into_districts

if TYPE_CHECKING:
    from layers.registry import Registry

KINDS = ("count", "rate", "share", "category")


def _no_zones() -> pd.DataFrame:
    return pd.DataFrame(columns=["adcode", "name", "parent_adcode", "value"])


@dataclass(frozen=True)
class IndicatorSpec:
    resource: str
    indicator: str
    year: int
    zone_resource: str | None = None  # where development-zone rows live, if not in ``resource``

    def values(self, layer: Layer, level: str) -> pd.Series:
        table = shipped_long_table(self.resource)
        rows = table[(table["level"] == level) & (table["indicator"] == self.indicator) & (table["year"] == self.year)]
        values = rows.set_index("adcode")["value"]
        zones = self._zone_rows() if level == "county" else None
        if zones is None or zones.empty:
            return values
        # A county outline holds the development zone inside it (layers/zones.py): add the zone's figure.
        # Only counts add up; a share or rate must be declared as a ratio of counts so that it is
        # recomputed from the folded numerator and denominator.
        if layer.kind != "count":
            raise ValueError(
                f"layer {layer.id!r} ({layer.kind}) has development-zone rows; only counts can be folded into "
                "their district — declare it as a ratio of count layers in data/layers.toml"
            )
        if values.index.has_duplicates:
            return values  # _compute_frame names the duplicates
        return fold_into_districts(values, zones.set_index("adcode")["value"])

    def province(self, layer: Layer) -> float | None:
        table = shipped_long_table(self.resource)
        rows = table[
            (table["level"] == "province") & (table["indicator"] == self.indicator) & (table["year"] == self.year)
        ]
        return float(rows["value"].iloc[0]) if len(rows) == 1 else None

    def _zone_rows(self) -> pd.DataFrame:
        table = shipped_long_table(self.zone_resource or self.resource)
        return table[(table["level"] == "zone") & (table["indicator"] == self.indicator) & (table["year"] == self.year)]

    def unmapped(self, layer: Layer, level: str) -> pd.DataFrame:
        """The development zones' own figures (no boundary; already included in their district's value)."""
        if level != "county":
            return _no_zones()
        rows = self._zone_rows()
        gaz = gazetteer()
        return pd.DataFrame(
            {
                "adcode": rows["adcode"].values,
                "name": [gaz.by_code[c].name for c in rows["adcode"]],
                "parent_adcode": [gaz.by_code[c].parent_adcode for c in rows["adcode"]],
                "value": rows["value"].values,
            }
        )


def _ratio(a: pd.Series, b: pd.Series, scale: float) -> pd.Series:
    return a / b.where(b != 0) * scale


OPERATIONS: dict[str, Callable[[pd.Series, pd.Series, float], pd.Series]] = {
    "ratio": _ratio,  # a / b × scale
    "difference": lambda a, b, scale: (a - b) * scale,  # (a − b) × scale
    "pct_reduction": lambda a, b, scale: (a - b) / a.where(a != 0) * 100 * scale,  # a = before, b = after
    "pct_change": lambda a, b, scale: (a - b) / b.where(b != 0) * 100 * scale,  # a = after, b = before
}


@dataclass(frozen=True)
class DerivedSpec:
    op: str
    a: str
    b: str
    scale: float = 1.0

    def values(self, layer: Layer, level: str) -> pd.Series:
        a = layer.siblings.get(self.a).frame(level).set_index("adcode")["value"]
        b = layer.siblings.get(self.b).frame(level).set_index("adcode")["value"]
        # NaN in either operand propagates: computed only where both exist.
        return OPERATIONS[self.op](a.astype(float), b.astype(float), self.scale)

    def province(self, layer: Layer) -> float | None:
        a, b = layer.siblings.get(self.a).province_value(), layer.siblings.get(self.b).province_value()
        if a is None or b is None:
            return None
        value = float(OPERATIONS[self.op](pd.Series([a]), pd.Series([b]), self.scale).iloc[0])
        return value if math.isfinite(value) else None

    def unmapped(self, layer: Layer, level: str) -> pd.DataFrame:
        a = layer.siblings.get(self.a).unmapped(level)
        b = layer.siblings.get(self.b).unmapped(level).set_index("adcode")["value"]
        if a.empty:
            return a
        a = a.copy()
        a["value"] = OPERATIONS[self.op](a.set_index("adcode")["value"], b.reindex(a["adcode"]), self.scale).values
        return a


@dataclass(frozen=True)
class BuilderSpec:
    builder: str

    def values(self, layer: Layer, level: str) -> pd.Series:
        return BUILDERS[self.builder](level)

    def province(self, layer: Layer) -> float | None:
        # The province's land area is measured like its regions'; the other builders are categories or counts per
        # prefecture of a list, which have no province figure of their own.
        return float(BUILDERS["area_km2"]("province").iloc[0]) if self.builder == "area_km2" else None

    def unmapped(self, layer: Layer, level: str) -> pd.DataFrame:
        return _no_zones()


@dataclass(frozen=True)
class UserSpec:
    """A planner's saved layer (layers/userstore.py): its figures travel inside the spec, so a new version
    is a new spec and every cache keyed by the spec (the registry's frames, the app's maps) sees it."""

    store_id: int
    version: int
    figures: tuple[tuple[str, float], ...]  # (today's code, figure); NaN = no data

    def values(self, layer: Layer, level: str) -> pd.Series:
        return pd.Series(dict(self.figures), dtype=float)

    def province(self, layer: Layer) -> float | None:
        return None  # a planner's table has no province row

    def unmapped(self, layer: Layer, level: str) -> pd.DataFrame:
        return _no_zones()


@dataclass(frozen=True)
class FiguresSpec:
    """Figures computed from other layers outside the registry (the plan view's shortfall, coverage …), carried
    in the spec like a user layer's; keyed by today's codes (county and prefecture codes never collide)."""

    figures: tuple[tuple[str, float], ...]  # (code, figure); NaN = no data

    def values(self, layer: Layer, level: str) -> pd.Series:
        return pd.Series(dict(self.figures), dtype=float)

    def province(self, layer: Layer) -> float | None:
        return None  # figures computed by the plan view carry no province row

    def unmapped(self, layer: Layer, level: str) -> pd.DataFrame:
        return _no_zones()


Spec = IndicatorSpec | DerivedSpec | BuilderSpec | UserSpec | FiguresSpec


@dataclass(frozen=True)
class PublishedTotal:
    """Where a layer's province-wide figure was published, for reconciliation."""

    resource: str
    key: str  # seed_figures id, or census indicator with level province
    label: str


@dataclass(frozen=True)
class Layer:
    id: str
    title_zh: str
    title_en: str
    theme: str
    unit_zh: str
    unit_en: str
    year: str
    levels: tuple[str, ...]
    kind: str
    higher_is_better: bool | None
    palette: str
    sources: tuple[Source, ...]
    licence: str
    notes_zh: str
    notes_en: str
    spec: Spec
    normalise_by: tuple[str, ...] = ()  # layer ids of populations, or "area_km2"
    hidden: bool = False  # operands of derived layers that are not worth a menu entry
    published_total: PublishedTotal | None = None
    year_en: str = ""  # when the year label has words in it (e.g. "2020 人口 / 2018 乡镇")
    # A time series: the years it has (its own values are the latest), the date each year's figures describe,
    # and the title of one year ("…（{year}）"). ``series`` is the series' id on a layer taken at one year.
    years: tuple[int, ...] = ()
    year_dates: tuple[str, ...] = ()
    title_year_zh: str = ""
    title_year_en: str = ""
    series: str = ""
    registry: Registry | None = field(default=None, compare=False, repr=False)

    # --- text in the chosen language ------------------------------------------------------
    def title(self, lang: str = "zh") -> str:
        return self.title_en if lang == "en" else self.title_zh

    def unit(self, lang: str = "zh") -> str:
        return self.unit_en if lang == "en" else self.unit_zh

    def year_label(self, lang: str = "zh") -> str:
        return self.year_en if lang == "en" and self.year_en else self.year

    def notes(self, lang: str = "zh") -> str:
        return self.notes_en if lang == "en" else self.notes_zh

    def source_text(self, short: bool = False, lang: str = "zh") -> str:
        """The layer's sources in plain words for a person, in ``lang`` ("zh" or "en"), joined by "; ":
        publisher, table and year, e.g. "国家统计局 第七次全国人口普查分县资料（2020）" / "National Bureau of
        Statistics, 2020 census tabulation by county (2020)". ``short`` (tooltips, legends, narrow columns) leaves
        the publisher out. Every output a person reads uses this; the technical provenance (repositories, commits,
        scripts) stays in data/datapackage.json and data/README.md. A planner's own layer gives its source as
        written."""
        return source_names(self.sources, lang, short=short)

    @property
    def siblings(self) -> Registry:
        """The registry this layer was loaded into (derived and normalised layers look up their operands there)."""
        if self.registry is None:
            raise LookupError(f"layer {self.id!r} is not part of a registry")
        return self.registry

    @property
    def is_user_layer(self) -> bool:
        """A planner's own layer from the store (marked as such in the layer list), not a shipped one."""
        return isinstance(self.spec, UserSpec)

    @property
    def is_categorical(self) -> bool:
        return self.kind == "category"

    @property
    def decimals(self) -> int:
        """Decimals its figures are shown to: counts whole, shares and per-1,000 rates 0.01, other rates 0.1."""
        if self.kind == "count":
            return 0
        if self.kind == "share" or "__per_1000_" in self.id:
            return 2
        return 1

    # --- values --------------------------------------------------------------------------
    def frame(self, level: str) -> pd.DataFrame:
        """One row per current region of ``level``: adcode, name, short_name, parent_adcode, value.

        Layers are immutable, so the registry keeps each frame once computed (a copy is returned).
        """
        cache: dict[tuple[object, ...], pd.DataFrame] = self.registry.frames if self.registry is not None else {}
        key = (self.id, level, self.spec)
        if key not in cache:
            cache[key] = self._compute_frame(level)
        return cache[key].copy()

    def _compute_frame(self, level: str) -> pd.DataFrame:
        if level not in self.levels:
            raise ValueError(f"layer {self.id!r} has no {level} values; it offers {self.levels}")
        gaz = gazetteer()
        regions = gaz.current(level)
        values = self.spec.values(self, level)
        if values.index.has_duplicates:
            raise ValueError(
                f"layer {self.id!r}: duplicate regions at {level} level: "
                f"{sorted(values.index[values.index.duplicated()])}"
            )
        frame = pd.DataFrame(
            {
                "adcode": [d.adcode for d in regions],
                "name": [d.name for d in regions],
                "short_name": [d.short_name for d in regions],
                "parent_adcode": [d.parent_adcode for d in regions],
            }
        )
        frame["value"] = values.reindex(frame["adcode"]).values
        if not self.is_categorical:
            frame["value"] = frame["value"].astype(float)
        return frame

    def province_value(self) -> float | None:
        """The province's own figure, for reference beside a region's: the source's province row, or the same
        operation on its operands' province figures (a ratio of the province's counts). None when the source has
        none (categories, a planner's layer) — never a sum of the regions made up here."""
        if self.is_categorical:
            return None
        return self.spec.province(self)

    def unmapped(self, level: str) -> pd.DataFrame:
        """Figures at this level that have no boundary (development zones), listed rather than dropped."""
        return self.spec.unmapped(self, level)

    def at_year(self, year: int) -> Layer:
        """One year of a time-series layer, as a layer of its own (id ``<series>@<year>``, hidden from menus)."""
        if year not in self.years or not isinstance(self.spec, IndicatorSpec):
            raise ValueError(f"layer {self.id!r} has no year {year}; it has {list(self.years) or 'no years'}")
        date = self.year_dates[self.years.index(year)]
        return replace(
            self,
            id=f"{self.id}@{year}",
            title_zh=self.title_year_zh.format(year=year),
            title_en=self.title_year_en.format(year=year),
            year=f"{year}（{date}）",
            year_en=f"{year} (as of {date})",
            spec=replace(self.spec, year=year),
            sources=with_layer_year(self.sources, year),
            hidden=True,
            published_total=None,
            series=self.id,
        )

    def normalised(self, by: str) -> Layer:
        """This layer per 1,000 people of ``by`` (a population layer) or per 1,000 km² (``area_km2``)."""
        if by not in self.normalise_by:
            raise ValueError(f"layer {self.id!r} offers normalisation by {self.normalise_by}, not {by!r}")
        base = self.siblings.get(by)
        per_zh, per_en = (
            ("每千平方公里", "per 1,000 km²")
            if by == "area_km2"
            else (f"每千{base.title_zh}", f"per 1,000 {base.title_en.lower()}")
        )
        return replace(
            self,
            id=f"{self.id}__per_1000_{by}",
            title_zh=f"{self.title_zh}（{per_zh}）",
            title_en=f"{self.title_en} ({per_en})",
            unit_zh=f"{self.unit_zh}/{per_zh.removeprefix('每')}",
            unit_en=f"{self.unit_en} {per_en}",
            kind="rate",
            spec=DerivedSpec("ratio", self.id, by, 1000.0),
            sources=merge_sources(self.sources, base.sources),
            normalise_by=(),
            published_total=None,
            hidden=True,
        )


def merge_sources(*groups: tuple[Source, ...]) -> tuple[Source, ...]:
    """The sources of several layers, each once, in order: a figure derived from them credits them all."""
    out: list[Source] = []
    for group in groups:
        for s in group:
            if s not in out:
                out.append(s)
    return tuple(out)


def rank_descending(values: pd.Series, decimals: int | None = None) -> pd.Series:
    """Rank 1 = largest; missing values get no rank.

    With ``decimals`` (a layer's :attr:`Layer.decimals`) the ranks are those of the values as shown: two
    regions both shown as 14.96 share a rank, the better one (the next rank after them is skipped).
    """
    shown = values if decimals is None else values.round(decimals)
    return shown.rank(ascending=False, method="min").astype("Int64").where(values.notna())
