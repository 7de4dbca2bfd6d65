"""The layer registry: every shipped layer declared once in ``data/layers.toml``.

A user layer (an uploaded table) joins by :meth:`Registry.register` with the same record type.
"""

from __future__ import annotations

import tomllib
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from layers.builders import BUILDERS
from layers.model import (
    KINDS,
    OPERATIONS,
    BuilderSpec,
    DerivedSpec,
    IndicatorSpec,
    Layer,
    PublishedTotal,
    merge_sources,
)
from layers.tables import DATA_DIR, Source, read_datapackage, source_from_json, with_layer_year

LAYERS_TOML = DATA_DIR / "layers.toml"
LEVELS = ("prefecture", "county")

THEMES: dict[str, tuple[str, str]] = {
    "elderly_care": ("养老服务", "Elderly care"),
    "child_protection": ("未成年人保护", "Child protection"),
    "township_merger": ("乡镇区划调整", "Township merger"),
    "population": ("人口", "Population"),
    "context": ("区域背景", "Context"),
    "highlights": ("试点与亮点", "Pilots and highlights"),
    "user": ("我的数据（用户图层）", "My data (user layers)"),  # planners' saved layers, layers/userlayers.py
}
REQUIRED = ("id", "title_zh", "title_en", "theme", "unit_zh", "unit_en", "year", "levels", "kind", "palette", "data")


class LayerDefinitionError(ValueError):
    pass


class Registry:
    def __init__(self, layers: list[Layer]):
        # (layer id, level, spec) -> frame, filled by Layer.frame
        self.frames: dict[tuple[object, ...], pd.DataFrame] = {}
        self._layers: dict[str, Layer] = {}
        self._at_year: dict[str, Layer] = {}  # "<series>@<year>" -> that year, made on first use
        for layer in layers:
            self._add(layer)

    def _add(self, layer: Layer) -> None:
        if layer.id in self._layers:
            raise LayerDefinitionError(f"layer id {layer.id!r} is declared twice")
        self._layers[layer.id] = replace(layer, registry=self)

    def register(self, layer: Layer) -> Layer:
        """Add a layer (e.g. a planner's upload); it can be combined with the shipped ones."""
        self._add(layer)
        return self._layers[layer.id]

    def get(self, layer_id: str) -> Layer:
        """A layer by id; ``<series>@<year>`` is one year of a time-series layer (``Layer.at_year``)."""
        if layer_id in self._layers:
            return self._layers[layer_id]
        series, at, year = layer_id.partition("@")
        if (
            at
            and series in self._layers
            and year.isascii()
            and year.isdigit()
            and int(year) in self._layers[series].years
        ):
            if layer_id not in self._at_year:
                self._at_year[layer_id] = self._layers[series].at_year(int(year))
            return self._at_year[layer_id]
        raise KeyError(f"no layer {layer_id!r}; known layers: {', '.join(sorted(self._layers))}")

    def __contains__(self, layer_id: str) -> bool:
        return layer_id in self._layers

    def list_layers(
        self, *, theme: str | None = None, level: str | None = None, include_hidden: bool = False
    ) -> list[Layer]:
        return [
            layer
            for layer in self._layers.values()
            if (include_hidden or not layer.hidden)
            and (theme is None or layer.theme == theme)
            and (level is None or level in layer.levels)
        ]


def _spec(entry: dict[str, Any], where: str) -> IndicatorSpec | DerivedSpec | BuilderSpec:
    data = entry["data"]
    if "resource" in data:
        return IndicatorSpec(data["resource"], data["indicator"], int(data["year"]), data.get("zone_resource"))
    if "op" in data:
        return DerivedSpec(data["op"], data["a"], data["b"], float(data.get("scale", 1.0)))
    if "builder" in data:
        return BuilderSpec(data["builder"])
    raise LayerDefinitionError(f"{where}: data must name a resource, an op or a builder, got {data}")


def _check_entry(entry: dict[str, Any], where: str, resources: dict[str, Any]) -> list[str]:
    problems = [f"{where}: missing {key!r}" for key in REQUIRED if key not in entry]
    if problems:
        return problems
    if entry["theme"] not in THEMES:
        problems.append(f"{where}: theme {entry['theme']!r} is not one of {list(THEMES)}")
    if entry["kind"] not in KINDS:
        problems.append(f"{where}: kind {entry['kind']!r} is not one of {KINDS}")
    if not set(entry["levels"]) <= set(LEVELS) or not entry["levels"]:
        problems.append(f"{where}: levels {entry['levels']} must be a non-empty subset of {LEVELS}")
    if not str(entry["year"]).strip():
        problems.append(f"{where}: empty year")
    data = entry["data"]
    for key in ("resource", "zone_resource"):
        if key in data and data[key] not in resources:
            problems.append(f"{where}: {key} {data[key]!r} is not in datapackage.json")
    if "years" in entry:
        years, dates = entry["years"], entry.get("year_dates", [])
        if "resource" not in data or data.get("year") != max(years, default=None):
            problems.append(f"{where}: a time series needs a resource whose year is its latest year {max(years)}")
        if len(dates) != len(years) or sorted(years) != list(years) or len(set(years)) != len(years):
            problems.append(f"{where}: years must be increasing and each needs one year_dates entry")
        if "{year}" not in entry.get("title_year_zh", "") or "{year}" not in entry.get("title_year_en", ""):
            problems.append(f"{where}: a time series needs title_year_zh and title_year_en with {{year}}")
    if ("builder" in data or ("op" not in data and "resource" not in data)) and not entry.get("sources"):
        problems.append(f"{where}: a builder layer must list its sources")
    for source in entry.get("sources", ()):
        if not all(source.get(k) for k in ("publisher_zh", "publisher_en", "table_zh", "table_en")):
            problems.append(
                f"{where}: source {source.get('title')!r} needs plain names (publisher_zh/_en, table_zh/_en)"
            )
    return problems


def load_registry(path: Path = LAYERS_TOML) -> Registry:
    entries = tomllib.loads(path.read_text(encoding="utf-8"))["layer"]
    resources = read_datapackage()
    problems: list[str] = []
    for i, entry in enumerate(entries, start=1):
        problems += _check_entry(entry, f"{path.name} layer #{i} ({entry.get('id', '?')})", resources)
    if problems:
        raise LayerDefinitionError("\n".join(problems))

    by_id = {e["id"]: e for e in entries}
    layers: dict[str, Layer] = {}

    def build(layer_id: str, chain: tuple[str, ...] = ()) -> Layer:
        if layer_id in layers:
            return layers[layer_id]
        if layer_id in chain:
            raise LayerDefinitionError(f"derived layers form a cycle: {' -> '.join((*chain, layer_id))}")
        if layer_id not in by_id:
            raise LayerDefinitionError(f"{' -> '.join(chain)} refers to unknown layer {layer_id!r}")
        e = by_id[layer_id]
        where = f"{path.name} layer {layer_id}"
        spec = _spec(e, where)
        sources: tuple[Source, ...] = tuple(source_from_json(s) for s in e.get("sources", ()))
        licence = e.get("licence", "")
        if isinstance(spec, IndicatorSpec):
            res = resources[spec.resource]
            sources, licence = with_layer_year(res.sources, spec.year) + sources, licence or res.licence
        elif isinstance(spec, DerivedSpec):
            if spec.op not in OPERATIONS:
                raise LayerDefinitionError(f"{where}: op {spec.op!r} is not one of {list(OPERATIONS)}")
            a, b = build(spec.a, (*chain, layer_id)), build(spec.b, (*chain, layer_id))
            missing = set(e["levels"]) - (set(a.levels) & set(b.levels))
            if missing:
                raise LayerDefinitionError(f"{where}: operands lack level(s) {sorted(missing)}")
            sources = merge_sources(a.sources, b.sources, sources)
            licence = licence or "; ".join(dict.fromkeys(x for x in (a.licence, b.licence) if x))
        elif spec.builder not in BUILDERS:
            raise LayerDefinitionError(f"{where}: builder {spec.builder!r} is not one of {list(BUILDERS)}")
        pub = e.get("published_total")
        layers[layer_id] = Layer(
            id=layer_id,
            title_zh=e["title_zh"],
            title_en=e["title_en"],
            theme=e["theme"],
            unit_zh=e["unit_zh"],
            unit_en=e["unit_en"],
            year=str(e["year"]),
            year_en=str(e.get("year_en", "")),
            levels=tuple(e["levels"]),
            kind=e["kind"],
            higher_is_better=e.get("higher_is_better"),
            palette=e["palette"],
            sources=sources,
            licence=licence,
            notes_zh=e.get("notes_zh", ""),
            notes_en=e.get("notes_en", ""),
            spec=spec,
            normalise_by=tuple(e.get("normalise_by", ())),
            hidden=bool(e.get("hidden", False)),
            published_total=PublishedTotal(pub["resource"], pub["key"], pub["label"]) if pub else None,
            years=tuple(int(y) for y in e.get("years", ())),
            year_dates=tuple(str(d) for d in e.get("year_dates", ())),
            title_year_zh=str(e.get("title_year_zh", "")),
            title_year_en=str(e.get("title_year_en", "")),
        )
        return layers[layer_id]

    for layer_id in by_id:
        build(layer_id)
    registry = Registry([layers[i] for i in by_id])
    for layer in registry.list_layers(include_hidden=True):
        for base in layer.normalise_by:
            if base not in registry:
                raise LayerDefinitionError(f"{path.name} layer {layer.id}: normalise_by names unknown layer {base!r}")
    return registry


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    return load_registry()


def list_layers(**filters: Any) -> list[Layer]:
    return default_registry().list_layers(**filters)


def get_layer(layer_id: str) -> Layer:
    return default_registry().get(layer_id)
