"""Everything a view depends on, as one frozen record, and its round trip through the URL."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from app.core import markup
from app.core.basemaps import BASEMAPS
from app.core.compareviews import VIEWS
from app.core.i18n import t
from app.core.palettes import PALETTES
from app.core.regionnames import region_name
from geodata.codes import gazetteer
from geodata.regions import ECONOMIC_REGIONS
from layers.bivariate import BIVARIATE_PALETTES, QUADRANTS, parse_threshold
from layers.classify import MAX_CLASSES, MIN_CLASSES, SCHEMES
from layers.groups import GROUPS
from layers.registry import LEVELS, Registry

LANGS = ("zh", "en")
MODES = ("single", "compare")


@dataclass(frozen=True)
class Notice:
    """Why part of a requested view was not used; shown in the UI language."""

    kind: str  # a key of NOTICE_TEXT
    args: tuple[tuple[str, str], ...] = ()

    def _format(self, lang: str, fmt: Callable[[str, str], str], words: Callable[[str], str]) -> str:
        zh, en = NOTICE_TEXT[self.kind]
        args = dict(self.args)
        # The atlas's own words in the page's language (levels, today's region name), not ids: "没有市（州）数据".
        own = {k: _level_word(v, lang) for k, v in args.items() if k in ("level", "shown") and v in LEVELS}
        if "name" in args and "code" in args:
            own["name"] = region_name(args["code"], lang)
        return (en if lang == "en" else zh).format(
            **{k: words(own[k]) if k in own else fmt(k, v) for k, v in args.items()}
        )

    def text(self, lang: str = "en") -> str:
        """Plain text: values cut to a readable length, parameter values quoted."""
        return self._format(
            lang,
            lambda k, v: repr(markup.shorten(v)) if k in ("value", "norm") else markup.shorten(v),
            lambda w: w,
        )

    def markdown(self, lang: str = "en") -> str:
        """For Markdown-rendering elements: every value (from the address) as literal inline code."""
        return self._format(lang, lambda _, v: markup.code(v), markup.escape)

    def __str__(self) -> str:
        return self.text("en")


NOTICE_TEXT = {
    "unknown_param": ("未知的链接参数 {key}={value}，已忽略", "unknown URL parameter {key}={value} ignored"),
    "bad_value": ("链接参数 {key}={value} 无效，已使用默认值", "{key}={value} is not valid; using the default"),
    "level_missing": (
        "图层 {layer} 没有{level}数据，改为显示{shown}",
        "layer {layer} has no figures for {level}; showing {shown}",
    ),
    "norm_missing": (
        "图层 {layer} 不提供 norm={norm}，改为绝对值",
        "norm={norm} is not offered by layer {layer}; showing absolute values",
    ),
    "palette_kind": (
        "配色 palette={value} 不适用于图层 {layer}，已使用该图层的默认配色",
        "palette={value} does not suit layer {layer}; using the layer's default palette",
    ),
    "range_clamped": (
        "链接参数 {key}={value} 超出数据范围（{lo} – {hi}），已改为最接近的数据值",
        "{key}={value} lies outside the data range ({lo} – {hi}); using the nearest value in the data",
    ),
    "range_inverted": ("最小值大于最大值，已取消数值范围", "min is above max; value filter removed"),
    "too_many_breaks": (
        "链接给出 {n} 个手动断点；最多 {most} 个（9 级），已不用这些断点",
        "the link gives {n} manual breaks; at most {most} (9 classes) can be used, so they were dropped",
    ),
    "manual_without_breaks": ("手动分级缺少断点，改用分位数", "manual classification without breaks; using quantiles"),
    "selection_renamed": (
        "sel={value}（{old}）是旧代码，已显示现行的 {code} {name}",
        "sel={value} is an old code; showing today's {code} {name}",
    ),
    "year_missing": (
        "图层 {layer} 没有 {value} 年的数据，改为显示 {shown} 年",
        "layer {layer} has no figures for {value}; showing {shown}",
    ),
    "year_unused": (
        "图层 {layer} 只有一个年份，已忽略 {key}={value}",
        "layer {layer} has a single year; {key}={value} ignored",
    ),
    "bad_selection": ("sel={value} 不是行政区，已取消选择", "sel={value} is not a region; selection cleared"),
    "layer_b_level": (
        "图层 B {layer} 没有{level}数据，改用 {shown}",
        "layer B {layer} has no {level} level; using {shown}",
    ),
}


def _level_word(level: str, lang: str) -> str:
    return t(level, lang).lower() if lang == "en" else t(level, lang)


def _notice(kind: str, **args: str) -> Notice:
    return Notice(kind, tuple(args.items()))


@dataclass(frozen=True)
class ViewState:
    lang: str = "zh"
    layer: str = "elderly_per_township_2021"
    level: str = "county"
    area: str = "all"  # "all", "region:<economic region id>", "group:<group id>", or a prefecture adcode
    vmin: float | None = None  # value filter: regions outside [vmin, vmax] are greyed out
    vmax: float | None = None
    norm: str = "absolute"  # "absolute" or a layer id of the layer's normalise_by
    scheme: str = "quantiles"
    k: int = 5
    breaks: tuple[float, ...] = ()
    palette: str = ""  # empty: the layer's default
    reverse: bool = False
    basemap: str = "amap"  # reachable in mainland China, unlike CartoDB/OSM (boundaries then in GCJ-02)
    selected: str | None = None
    year: int | None = None  # the year of a time-series layer (None for other layers)
    # Compare mode (issue 13): layer A is the view above, layer B has its own normalisation and is drawn
    # with its own default palette; level, area and selection apply to both.
    mode: str = "single"  # "single" or "compare"
    layer_b: str = "pop_65plus_share"
    norm_b: str = "absolute"
    compare_view: str = "side_by_side"  # an id of app.core.compareviews.VIEWS
    biv_palette: str = "stevens"  # a key of layers.bivariate.BIVARIATE_PALETTES
    biv_breaks_a: tuple[float, ...] = ()  # two manual breaks of A's axis; empty: terciles
    biv_breaks_b: tuple[float, ...] = ()
    quadrant: str = "hi_lo"  # gap list: A above / B below the thresholds
    thr_a: str = "p50"  # a percentile "p<0-100>" or a value
    thr_b: str = "p50"
    log_axes: str = ""  # scatter: "", "x", "y" or "xy"
    hs_kind: str = "a"  # hot spots: "a" (Local Moran of A) or "ab" (bivariate Local Moran, A against B)
    hs_p: float = 0.05  # hot spots: significance threshold, one of HOTSPOT_THRESHOLDS
    year_from: int | None = None  # change between years: the first year (view.year is the second)
    change: str = "abs"  # change between years: "abs" (difference) or "pct" (per cent of the first year)

    @property
    def is_compare(self) -> bool:
        return self.mode == "compare"

    @property
    def prefecture_filter(self) -> str | None:
        return self.area if re.fullmatch(r"\d{6}", self.area) else None

    @property
    def region_filter(self) -> str | None:
        return self.area.removeprefix("region:") if self.area.startswith("region:") else None

    @property
    def group_filter(self) -> str | None:
        return self.area.removeprefix("group:") if self.area.startswith("group:") else None


DEFAULT = ViewState()
_KEYS = {
    "lang": "lang",
    "layer": "layer",
    "level": "level",
    "area": "area",
    "vmin": "min",
    "vmax": "max",
    "norm": "norm",
    "scheme": "scheme",
    "k": "k",
    "breaks": "breaks",
    "palette": "palette",
    "reverse": "rev",
    "basemap": "basemap",
    "selected": "sel",
    "year": "year",
    "mode": "mode",
    "layer_b": "layer_b",
    "norm_b": "norm_b",
    "compare_view": "cview",
    "biv_palette": "bpal",
    "biv_breaks_a": "bbreaks_a",
    "biv_breaks_b": "bbreaks_b",
    "quadrant": "quad",
    "thr_a": "thr_a",
    "thr_b": "thr_b",
    "log_axes": "log",
    "hs_kind": "hs",
    "hs_p": "hs_p",
    "year_from": "year_from",
    "change": "chg",
}
# Written to the address only in compare mode (a single view's address stays as it was).
COMPARE_FIELDS = frozenset(
    {"layer_b", "norm_b", "compare_view", "biv_palette", "biv_breaks_a", "biv_breaks_b", "quadrant", "thr_a", "thr_b"}
    | {"log_axes"}
    | {"hs_kind", "hs_p", "year_from", "change"}
)
HOTSPOT_KINDS = ("a", "ab")
HOTSPOT_THRESHOLDS = (0.01, 0.05, 0.1)
CHANGE_KINDS = ("abs", "pct")
LOG_AXES = ("", "x", "y", "xy")


def _fmt_number(x: float) -> str:
    return f"{x:g}" if abs(x) < 1e15 else repr(x)


def to_query_params(view: ViewState) -> dict[str, str]:
    """Only what differs from the defaults, so shared addresses stay short."""
    out: dict[str, str] = {}
    for f in fields(ViewState):
        value = getattr(view, f.name)
        if value == getattr(DEFAULT, f.name) or (f.name in COMPARE_FIELDS and not view.is_compare):
            continue
        if isinstance(value, bool):
            out[_KEYS[f.name]] = "1" if value else "0"
        elif isinstance(value, tuple):
            out[_KEYS[f.name]] = ",".join(_fmt_number(b) for b in value)
        elif isinstance(value, float):
            out[_KEYS[f.name]] = _fmt_number(value)
        else:
            out[_KEYS[f.name]] = str(value)
    return out


def area_label(area: str, lang: str, prefecture_label: Callable[[str, str], str] | None = None) -> str:
    """An area value in words: the province, a group, an economic region, or a prefecture (by default its
    gazetteer name; the sidebar passes a label that also shows the code, for searching)."""
    if area == "all":
        return t("whole_province", lang)
    if area.startswith("group:"):
        return GROUPS[area.removeprefix("group:")].name(lang)
    if area.startswith("region:"):
        r = ECONOMIC_REGIONS[area.removeprefix("region:")]
        return r.name_en if lang == "en" else r.name_zh
    return prefecture_label(area, lang) if prefecture_label else region_name(area, lang)


def _valid_area(area: str) -> bool:
    if area == "all":
        return True
    if area.startswith("region:"):
        return area.removeprefix("region:") in ECONOMIC_REGIONS
    if area.startswith("group:"):
        return area.removeprefix("group:") in GROUPS
    return area in {d.adcode for d in gazetteer().current("prefecture")}


def _parse_breaks(text: str) -> tuple[float, ...]:
    return tuple(sorted({float(b) for b in text.replace("，", ",").split(",") if b.strip()}))


def _parse_year(text: str) -> int:
    # Four ASCII digits only: int() would also take "２０１９", "+2019" or " 2019".
    if not re.fullmatch(r"[0-9]{4}", text):
        raise ValueError(text)
    return int(text)


def from_query_params(params: Mapping[str, str | list[str]], registry: Registry) -> tuple[ViewState, list[Notice]]:
    """A view from URL parameters; each unusable value falls back to its default with a notice."""
    notices: list[Notice] = []
    values: dict[str, Any] = {}
    raw: dict[str, str] = {k: (v[-1] if isinstance(v, list) else v) for k, v in params.items()}
    unknown = sorted(set(raw) - set(_KEYS.values()))
    for key in unknown:
        notices.append(_notice("unknown_param", key=key, value=raw[key]))

    def take(name: str, parse: Callable[[str], Any], valid: Callable[[Any], bool]) -> None:
        key = _KEYS[name]
        if key not in raw:
            return
        text = raw[key]
        try:
            value = parse(text)
        except (TypeError, ValueError, KeyError):
            notices.append(_notice("bad_value", key=key, value=text))
            return
        if not valid(value):
            notices.append(_notice("bad_value", key=key, value=text))
            return
        values[name] = value

    take("lang", str, lambda v: v in LANGS)
    take("layer", str, lambda v: v in registry and not registry.get(v).hidden)
    take("level", str, lambda v: v in LEVELS)
    take("area", str, _valid_area)
    take("vmin", float, lambda v: v == v and abs(v) != float("inf"))
    take("vmax", float, lambda v: v == v and abs(v) != float("inf"))
    take("scheme", str, lambda v: v in SCHEMES)
    take("k", int, lambda v: MIN_CLASSES <= v <= MAX_CLASSES)
    take("breaks", _parse_breaks, lambda v: len(v) >= 1 and all(math.isfinite(b) for b in v))
    if len(values.get("breaks", ())) > MAX_CLASSES - 1:
        notices.append(_notice("too_many_breaks", n=str(len(values["breaks"])), most=str(MAX_CLASSES - 1)))
        del values["breaks"]
    take("palette", str, lambda v: v in PALETTES)
    take("reverse", lambda t: {"1": True, "0": False}[t], lambda v: True)
    take("basemap", str, lambda v: v in BASEMAPS)
    take("norm", str, lambda v: True)
    take("selected", str, lambda v: bool(re.fullmatch(r"\d{6}", v)))
    take("year", _parse_year, lambda v: True)
    take("mode", str, lambda v: v in MODES)
    take("layer_b", str, lambda v: _valid_layer_b(v, registry))
    take("norm_b", str, lambda v: True)
    take("compare_view", str, lambda v: v in compare_view_ids())
    take("biv_palette", str, lambda v: v in BIVARIATE_PALETTES)
    take("biv_breaks_a", _parse_breaks, lambda v: len(v) == 2 and all(math.isfinite(b) for b in v))
    take("biv_breaks_b", _parse_breaks, lambda v: len(v) == 2 and all(math.isfinite(b) for b in v))
    take("quadrant", str, lambda v: v in QUADRANTS)
    take("thr_a", lambda v: (parse_threshold(v), v.strip())[1], lambda v: True)
    take("thr_b", lambda v: (parse_threshold(v), v.strip())[1], lambda v: True)
    take("log_axes", str, lambda v: v in LOG_AXES and v != "")
    take("hs_kind", str, lambda v: v in HOTSPOT_KINDS)
    take("hs_p", float, lambda v: v in HOTSPOT_THRESHOLDS)
    take("year_from", _parse_year, lambda v: True)
    take("change", str, lambda v: v in CHANGE_KINDS)
    view = replace(DEFAULT, **values)
    return sanitise(view, registry, notices), notices


def compare_view_ids() -> tuple[str, ...]:
    """Ids of the compare views, in the picker's order."""
    return tuple(VIEWS)


def _valid_layer_b(layer_id: str, registry: Registry) -> bool:
    """Layer B is any numeric layer (a scatter or bivariate classes need numbers)."""
    return layer_id in registry and not registry.get(layer_id).hidden and not registry.get(layer_id).is_categorical


def compare_layer_ids(registry: Registry, level: str) -> list[str]:
    """The layers offered as layer B at ``level``."""
    return [x.id for x in registry.list_layers(level=level) if not x.is_categorical]


def sanitise(view: ViewState, registry: Registry, notices: list[Notice] | None = None) -> ViewState:
    """Make combinations consistent (a level the layer lacks, a normalisation it does not offer …)."""
    notices = notices if notices is not None else []
    layer = registry.get(view.layer)
    if view.level not in layer.levels:
        notices.append(_notice("level_missing", layer=layer.id, level=view.level, shown=layer.levels[0]))
        view = replace(view, level=layer.levels[0])
    if view.norm != "absolute" and view.norm not in layer.normalise_by:
        notices.append(_notice("norm_missing", norm=view.norm, layer=layer.id))
        view = replace(view, norm="absolute")
    if view.palette in PALETTES and (PALETTES[view.palette].kind == "qualitative") != layer.is_categorical:
        notices.append(_notice("palette_kind", value=view.palette, layer=layer.id))
        view = replace(view, palette="")
    if layer.years and view.year not in layer.years:
        if view.year is not None:
            notices.append(_notice("year_missing", layer=layer.id, value=str(view.year), shown=str(layer.years[-1])))
        view = replace(view, year=layer.years[-1])
    elif not layer.years and view.year is not None:
        notices.append(_notice("year_unused", layer=layer.id, key="year", value=str(view.year)))
        view = replace(view, year=None)
    if layer.years and view.year_from not in layer.years:
        if view.year_from is not None:
            notices.append(
                _notice("year_missing", layer=layer.id, value=str(view.year_from), shown=str(layer.years[0]))
            )
        view = replace(view, year_from=layer.years[0])
    elif not layer.years and view.year_from is not None:
        notices.append(_notice("year_unused", layer=layer.id, key="year_from", value=str(view.year_from)))
        view = replace(view, year_from=None)
    if view.vmin is not None and view.vmax is not None and view.vmin > view.vmax:
        notices.append(_notice("range_inverted"))
        view = replace(view, vmin=None, vmax=None)
    if view.scheme == "manual" and not view.breaks:
        notices.append(_notice("manual_without_breaks"))
        view = replace(view, scheme="quantiles")
    elif view.scheme != "manual" and view.breaks:
        view = replace(view, breaks=())  # breaks set only manual classes (the sidebar keeps its text meanwhile)
    if view.prefecture_filter and view.level == "prefecture":
        # A prefecture's area filter shows its counties.
        view = replace(view, level="county") if "county" in layer.levels else replace(view, area="all")
    if view.selected:
        view = _resolve_selection(view, notices)
    return _sanitise_b(view, registry, notices)


def _sanitise_b(view: ViewState, registry: Registry, notices: list[Notice]) -> ViewState:
    """Layer B at the view's level, with a normalisation it offers."""
    layer_b = registry.get(view.layer_b)
    if view.level not in layer_b.levels:
        shown = DEFAULT.layer_b
        if view.is_compare:
            notices.append(_notice("layer_b_level", layer=layer_b.id, level=view.level, shown=shown))
        view = replace(view, layer_b=shown, norm_b="absolute")
        layer_b = registry.get(shown)
    if view.norm_b != "absolute" and view.norm_b not in layer_b.normalise_by:
        if view.is_compare:
            notices.append(_notice("norm_missing", norm=view.norm_b, layer=layer_b.id))
        view = replace(view, norm_b="absolute")
    return view


def view_a(view: ViewState) -> ViewState:
    """Layer A of a compare view as a single view (the compare fields at their defaults, so caches are shared)."""
    return replace(view, mode="single", **{name: getattr(DEFAULT, name) for name in COMPARE_FIELDS})


def view_b(view: ViewState) -> ViewState:
    """Layer B of a compare view as a single view: its own normalisation, its layer's default palette and
    quantile classes; level, area and selection as for layer A."""
    return replace(
        view_a(view),
        layer=view.layer_b,
        norm=view.norm_b,
        palette="",
        reverse=False,
        scheme=DEFAULT.scheme,
        k=DEFAULT.k,
        breaks=(),
        vmin=None,
        vmax=None,
    )


def _resolve_selection(view: ViewState, notices: list[Notice]) -> ViewState:
    """An old code follows the crosswalk to today's region (射洪县 510922 → 射洪市 510981) with a notice;
    a development zone stays selected (the details panel explains it); anything else is dropped."""
    gaz = gazetteer()
    code = view.selected or ""
    current = gaz.by_code.get(gaz.current_code(code))
    if current is None or not (current.level == "zone" or (current.is_current and current.level in LEVELS)):
        notices.append(_notice("bad_selection", value=code))
        return replace(view, selected=None)
    if current.adcode != code:
        old = gaz.by_code[code].name
        notices.append(_notice("selection_renamed", value=code, old=old, code=current.adcode, name=current.name))
        return replace(view, selected=current.adcode)
    return view
