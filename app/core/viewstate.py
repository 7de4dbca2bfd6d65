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
from app.core.names_en import english_name, english_short
from app.core.palettes import PALETTES
from app.core.regionnames import region_name
from geodata.codes import gazetteer
from geodata.regions import ECONOMIC_REGIONS
from layers.bivariate import BIVARIATE_PALETTES, QUADRANTS, parse_threshold
from layers.classify import MAX_CLASSES, MIN_CLASSES, SCHEMES
from layers.groups import GROUPS
from layers.norms import PLAN_YEARS
from layers.registry import LEVELS, Registry

LANGS = ("zh", "en")
MODES = ("single", "compare", "plan")


Name = tuple[str, str]  # (Chinese, English): a layer, level, region or view as a person reads it


@dataclass(frozen=True)
class Notice:
    """Why part of a requested view was not used; shown in the UI language. An argument is either what the address
    said (a string, shown verbatim) or a :data:`Name` (shown as text in the notice's language)."""

    kind: str  # a key of NOTICE_TEXT
    args: tuple[tuple[str, str | Name], ...] = ()

    def _format(self, lang: str, typed: Callable[[str, str], str], named: Callable[[str], str]) -> str:
        zh, en = NOTICE_TEXT[self.kind]
        i = 1 if lang == "en" else 0
        return (en if lang == "en" else zh).format(
            **{k: named(v[i]) if isinstance(v, tuple) else typed(k, v) for k, v in self.args}
        )

    def text(self, lang: str = "en") -> str:
        """Plain text: values cut to a readable length, parameter values quoted."""
        return self._format(
            lang,
            lambda k, v: repr(markup.shorten(v)) if k in ("value", "norm") else markup.shorten(v),
            markup.shorten,
        )

    def markdown(self, lang: str = "en") -> str:
        """For Markdown-rendering elements: every value from the address as literal inline code, names as escaped
        text (a user layer's title is data too)."""
        return self._format(lang, lambda _, v: markup.code(v), markup.escape)

    def __str__(self) -> str:
        return self.text("en")


NOTICE_TEXT = {
    "unknown_param": ("未知的链接参数 {key}={value}，已忽略", "unknown URL parameter {key}={value} ignored"),
    "bad_value": ("链接参数 {key}={value} 无效，已使用默认值", "{key}={value} is not valid; using the default"),
    "digits": (
        "链接参数 {key}={value} 含有 0–9 以外的数字（如全角数字），已使用默认值",
        "{key}={value} has digits other than 0–9 (full-width or of another script); using the default",
    ),
    "repeated": (
        "链接参数 {key} 出现了 {n} 次，已使用最后一个值 {value}",
        "{key} is given {n} times; using the last one, {value}",
    ),
    "compare_only": (
        "链接参数 {keys} 只用于对比模式（mode=compare），单图模式下不使用",
        "{keys} apply in compare mode only (mode=compare); not used in the single view",
    ),
    "plan_only": (
        "链接参数 {keys} 只用于规划模式（mode=plan），已忽略",
        "{keys} apply in plan mode only (mode=plan); ignored",
    ),
    "level_missing": (
        "图层“{layer}”没有{level}数据（{key}={value}），改为显示{shown}",
        "layer “{layer}” has no figures by {level} ({key}={value}); showing them by {shown}",
    ),
    "area_counties": (
        "area={value}（{name}）显示该市州的区县，已忽略 level=prefecture",
        "area={value} ({name}) shows that prefecture's counties; level=prefecture ignored",
    ),
    "area_needs_counties": (
        "图层“{layer}”没有区县数据，不能只显示一个市州（area={value}，{name}），已显示全省",
        "layer “{layer}” has no county figures, so it cannot show one prefecture (area={value}, {name}); showing "
        "the whole province",
    ),
    "norm_missing": (
        "图层“{layer}”不提供 norm={norm}，改为绝对值",
        "norm={norm} is not offered by layer “{layer}”; showing absolute values",
    ),
    "palette_kind": (
        "配色 palette={value} 不适用于图层“{layer}”，已使用该图层的默认配色",
        "palette={value} does not suit layer “{layer}”; using the layer's default palette",
    ),
    "range_clamped": (
        "链接参数 {key}={value} 超出数据范围（{lo} – {hi}），已改为最接近的数据值",
        "{key}={value} lies outside the data range ({lo} – {hi}); using the nearest value in the data",
    ),
    "classes_unused": (
        "图层“{layer}”按类别着色，链接参数 {keys} 不适用，已忽略",
        "layer “{layer}” is coloured by category; {keys} do not apply and are ignored",
    ),
    "range_inverted": ("最小值大于最大值，已取消数值范围", "min is above max; value filter removed"),
    "too_many_breaks": (
        "链接给出 {n} 个手动断点；最多 {most} 个（9 级），已不用这些断点",
        "the link gives {n} manual breaks; at most {most} (9 classes) can be used, so they were dropped",
    ),
    "manual_without_breaks": (
        "手动分级 scheme=manual 缺少断点（breaks），改用分位数",
        "scheme=manual without breaks; using quantiles",
    ),
    "view_only": (
        "链接参数 {keys} 不用于“{view}”视图，已忽略",
        "{keys} are not used by the compare view “{view}”; ignored",
    ),
    "breaks_unused": (
        "手动断点 {key}={value} 只用于手动分级（scheme=manual）；当前分级是“{scheme}”，已忽略这些断点",
        "{key}={value} apply to manual classes only (scheme=manual); the classification is “{scheme}”, so they "
        "are ignored",
    ),
    "breaks_repeated": (
        "断点 {key}={value} 中有重复，每个断点只用一次：{shown}",
        "{key}={value} repeats a break; each break is used once: {shown}",
    ),
    "breaks_sorted": (
        "断点 {key}={value} 不是从小到大排列，已排序为 {shown}",
        "{key}={value} is not in ascending order; sorted to {shown}",
    ),
    "selection_renamed": (
        "sel={value}（{old}）是旧代码，已显示现行的 {code} {name}",
        "sel={value} is an old code; showing today's {code} {name}",
    ),
    "year_missing": (
        "图层“{layer}”没有 {key}={value} 年的数据，改为显示 {shown} 年",
        "layer “{layer}” has no figures for {key}={value}; showing {shown}",
    ),
    "year_unused": (
        "图层“{layer}”只有一个年份，已忽略 {key}={value}",
        "layer “{layer}” has a single year; {key}={value} ignored",
    ),
    "years_swapped": (
        "起始年份 year_from={value} 晚于 year={shown}，已对调：显示 {first} 年到 {last} 年的变化",
        "year_from={value} is after year={shown}; swapped: showing the change from {first} to {last}",
    ),
    "bad_selection": ("sel={value} 不是行政区，已取消选择", "sel={value} is not a region; selection cleared"),
    "plan_norm_unknown": (
        "没有规范 pnorm={value}，改为显示 {shown}",
        "there is no norm pnorm={value}; showing {shown}",
    ),
    "plan_supply_unknown": (
        "psupply={value} 不是可用的县级数量图层（机构名单或计数图层），未选供给",
        "psupply={value} is not a county count layer (a facility list or a count layer); no supply chosen",
    ),
    "layer_b_level": (
        "图层 B“{layer}”（{key}={value}）没有{level}数据，改用“{shown}”",
        "layer B “{layer}” ({key}={value}) has no figures by {level}; using “{shown}”",
    ),
}
# Levels as a notice names them: 市州 / 区县 (the sidebar's labels are longer).
LEVEL_NAMES: dict[str, Name] = {"prefecture": ("市州", "prefecture"), "county": ("区县", "county")}


def _layer_name(registry: Registry, layer_id: str) -> Name:
    layer = registry.get(layer_id)
    return layer.title("zh"), layer.title("en")


def _level_name(level: str) -> Name:
    return LEVEL_NAMES.get(level, (level, level))


_SUFFIX_EN = (("自治县", "Autonomous County"), ("县", "County"), ("市", "City"), ("区", "District"))


def _view_name(view_id: str) -> Name:
    view = VIEWS[view_id]
    return view.title("zh"), view.title("en")


def _region_name(code: str) -> Name:
    """A region's name in both languages; an old code (射洪县 510922) gets today's romanised stem and its old kind
    (Shehong County), as names_en.csv has today's regions only."""
    gaz = gazetteer()
    name = gaz.by_code[code].name
    english = english_name(code)
    if english is None:
        stem = english_short(gaz.current_code(code) or code)
        suffix = next((en for zh, en in _SUFFIX_EN if name.endswith(zh)), "")
        english = f"{stem} {suffix}".strip() if stem else name
    return name, english


def _notice(kind: str, **args: str | Name) -> Notice:
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
    # Plan mode (issue 27): a norm (data/norms.toml or a planner's) against a supply layer of county counts;
    # level, area, selection and classification as above. Existence of norm and supply: app/core/plan.py.
    plan_norm: str = "cp_station_per_township"
    plan_supply: str = ""  # a user count layer's id (user_<n>); "": none chosen (required numbers only)
    plan_year: int = 2023  # the township list the norm is counted on (PLAN_YEARS)
    plan_show: str = "shortfall"  # what the plan map shows, one of PLAN_SHOWS

    @property
    def is_compare(self) -> bool:
        return self.mode == "compare"

    @property
    def is_plan(self) -> bool:
        return self.mode == "plan"

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
    "plan_norm": "pnorm",
    "plan_supply": "psupply",
    "plan_year": "pyear",
    "plan_show": "pshow",
}
# Written to the address only in compare mode (a single view's address stays as it was).
COMPARE_FIELDS = frozenset(
    {"layer_b", "norm_b", "compare_view", "biv_palette", "biv_breaks_a", "biv_breaks_b", "quadrant", "thr_a", "thr_b"}
    | {"log_axes"}
    | {"hs_kind", "hs_p", "year_from", "change"}
)
# The compare fields each view reads (the sidebar draws only those): given for another view, they are dropped.
VIEW_FIELDS = {
    "side_by_side": frozenset(),
    "bivariate": frozenset({"biv_palette", "biv_breaks_a", "biv_breaks_b"}),
    "scatter": frozenset({"biv_palette", "biv_breaks_a", "biv_breaks_b", "log_axes"}),
    "gaps": frozenset({"quadrant", "thr_a", "thr_b"}),
    "hotspots": frozenset({"hs_kind", "hs_p"}),
    "year_change": frozenset({"year_from", "change"}),
}
ALL_VIEWS_FIELDS = frozenset({"layer_b", "norm_b", "compare_view"})
# Written to the address only in plan mode.
PLAN_FIELDS = frozenset({"plan_norm", "plan_supply", "plan_year", "plan_show"})
PLAN_SHOWS = ("shortfall", "coverage", "existing", "required")
HOTSPOT_KINDS = ("a", "ab")
HOTSPOT_THRESHOLDS = (0.01, 0.05, 0.1)
CHANGE_KINDS = ("abs", "pct")
LOG_AXES = ("", "x", "y", "xy")


def _fmt_number(x: float) -> str:
    return f"{x:g}" if abs(x) < 1e15 else repr(x)


def to_query_params(view: ViewState) -> dict[str, str]:
    """Only what differs from the defaults, so shared addresses stay short."""
    out: dict[str, str] = {}
    # Compare fields: in compare mode, and only those the chosen view reads (the others are not used by it).
    compare = ALL_VIEWS_FIELDS | VIEW_FIELDS.get(view.compare_view, frozenset()) if view.is_compare else frozenset()
    for f in fields(ViewState):
        value = getattr(view, f.name)
        if (
            value == getattr(DEFAULT, f.name)
            or (f.name in COMPARE_FIELDS and f.name not in compare)
            or (f.name in PLAN_FIELDS and not view.is_plan)
        ):
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


# A number as written in an address: ASCII digits only. float() also takes "９", "٣", "1_000", "infinity".
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _number(text: str) -> float:
    if not _NUMBER.fullmatch(text.strip()):
        raise ValueError(text)
    return float(text)


def _integer(text: str) -> int:
    if not re.fullmatch(r"[0-9]+", text.strip()):
        raise ValueError(text)
    return int(text)


def _break_list(text: str) -> list[float]:
    """The breaks as given, in their order (repeats kept, so that the caller can say what it changed)."""
    return [_number(b) for b in text.replace("，", ",").split(",") if b.strip()]


def _parse_breaks(text: str) -> tuple[float, ...]:
    return tuple(sorted(set(_break_list(text))))


def _parse_year(text: str) -> int:
    # Four ASCII digits only: int() would also take "２０１９", "+2019" or " 2019".
    if not re.fullmatch(r"[0-9]{4}", text):
        raise ValueError(text)
    return int(text)


def _other_digits(text: str) -> bool:
    """Digits of another script (full-width ９, Arabic-Indic ٣ …), which the address refuses as numbers."""
    return any(ch.isdigit() and not ch.isascii() for ch in text)


def from_query_params(params: Mapping[str, str | list[str]], registry: Registry) -> tuple[ViewState, list[Notice]]:
    """A view from URL parameters; each unusable value falls back to its default with a notice."""
    notices: list[Notice] = []
    values: dict[str, Any] = {}
    raw: dict[str, str] = {k: (v[-1] if isinstance(v, list) else v) for k, v in params.items() if v != []}
    unknown = sorted(set(raw) - set(_KEYS.values()))
    for key in unknown:
        notices.append(_notice("unknown_param", key=key, value=raw[key]))
    for key, given in params.items():  # a parameter given twice with different values: the last one counts
        if isinstance(given, list) and len(set(given)) > 1 and key not in unknown:
            notices.append(_notice("repeated", key=key, n=str(len(given)), value=given[-1]))

    def refuse(key: str, text: str) -> None:
        notices.append(_notice("digits" if _other_digits(text) else "bad_value", key=key, value=text))

    def take(name: str, parse: Callable[[str], Any], valid: Callable[[Any], bool]) -> None:
        key = _KEYS[name]
        if key not in raw:
            return
        text = raw[key]
        try:
            value = parse(text)
        except (TypeError, ValueError, KeyError):
            refuse(key, text)
            return
        if not valid(value):
            refuse(key, text)
            return
        values[name] = value

    def take_breaks(name: str, count_ok: Callable[[int], bool]) -> None:
        """Manual breaks: finite numbers; repeats and a wrong order are put right, with a notice."""
        key = _KEYS[name]
        if key not in raw:
            return
        text = raw[key]
        try:
            given = _break_list(text)
        except ValueError:
            refuse(key, text)
            return
        shown = tuple(sorted(set(given)))
        if not count_ok(len(shown)) or not all(math.isfinite(b) for b in shown):
            refuse(key, text)
            return
        fixed = ",".join(_fmt_number(b) for b in shown)
        if len(shown) < len(given):
            notices.append(_notice("breaks_repeated", key=key, value=text, shown=fixed))
        elif list(shown) != given:
            notices.append(_notice("breaks_sorted", key=key, value=text, shown=fixed))
        values[name] = shown

    take("lang", str, lambda v: v in LANGS)
    take("layer", str, lambda v: v in registry and not registry.get(v).hidden)
    take("level", str, lambda v: v in LEVELS)
    take("area", str, _valid_area)
    take("vmin", _number, math.isfinite)
    take("vmax", _number, math.isfinite)
    take("scheme", str, lambda v: v in SCHEMES)
    take("k", _integer, lambda v: MIN_CLASSES <= v <= MAX_CLASSES)
    take_breaks("breaks", lambda n: n >= 1)
    if len(values.get("breaks", ())) > MAX_CLASSES - 1:
        notices.append(_notice("too_many_breaks", n=str(len(values["breaks"])), most=str(MAX_CLASSES - 1)))
        del values["breaks"]
    take("palette", str, lambda v: v in PALETTES)
    take("reverse", lambda t: {"1": True, "0": False}[t], lambda v: True)
    take("basemap", str, lambda v: v in BASEMAPS)
    take("norm", str, lambda v: True)
    take("selected", str, lambda v: bool(re.fullmatch(r"[0-9]{6}", v)))
    take("year", _parse_year, lambda v: True)
    take("mode", str, lambda v: v in MODES)
    take("layer_b", str, lambda v: _valid_layer_b(v, registry))
    take("norm_b", str, lambda v: True)
    take("compare_view", str, lambda v: v in compare_view_ids())
    take("biv_palette", str, lambda v: v in BIVARIATE_PALETTES)
    take_breaks("biv_breaks_a", lambda n: n == 2)
    take_breaks("biv_breaks_b", lambda n: n == 2)
    take("quadrant", str, lambda v: v in QUADRANTS)
    take("thr_a", lambda v: (parse_threshold(v), v.strip())[1], lambda v: True)
    take("thr_b", lambda v: (parse_threshold(v), v.strip())[1], lambda v: True)
    take("log_axes", str, lambda v: v in LOG_AXES and v != "")
    take("hs_kind", str, lambda v: v in HOTSPOT_KINDS)
    take("hs_p", _number, lambda v: v in HOTSPOT_THRESHOLDS)
    take("year_from", _parse_year, lambda v: True)
    take("change", str, lambda v: v in CHANGE_KINDS)
    take("plan_norm", str, lambda v: bool(re.fullmatch(r"[a-z0-9_]{1,64}", v)))
    take("plan_supply", str, lambda v: bool(re.fullmatch(r"user_[0-9]{1,9}", v)))
    take("plan_year", _parse_year, lambda v: v in PLAN_YEARS)
    take("plan_show", str, lambda v: v in PLAN_SHOWS)
    if values.get("mode", DEFAULT.mode) != "plan":
        unused = [name for name in _KEYS if name in PLAN_FIELDS and name in values]
        if unused:  # dropped, as the sidebar outside plan mode does (its address never carries them)
            notices.append(_notice("plan_only", keys=", ".join(_KEYS[name] for name in unused)))
            for name in unused:
                del values[name]
    if values.get("mode", DEFAULT.mode) != "compare":
        unused = [name for name in _KEYS if name in COMPARE_FIELDS and name in values]
        if unused:  # dropped, as the sidebar of a single view does (its address never carries them)
            notices.append(_notice("compare_only", keys=", ".join(_KEYS[name] for name in unused)))
            for name in unused:
                del values[name]
    else:
        chosen = values.get("compare_view", DEFAULT.compare_view)
        unused = [
            name
            for name in _KEYS
            if name in COMPARE_FIELDS - ALL_VIEWS_FIELDS - VIEW_FIELDS.get(chosen, frozenset()) and name in values
        ]
        if unused:  # as the sidebar, which draws the chosen view's options only
            keys = ", ".join(_KEYS[name] for name in unused)
            notices.append(_notice("view_only", keys=keys, view=_view_name(chosen)))
            for name in unused:
                del values[name]
    view = sanitise(replace(DEFAULT, **values), registry, notices)
    if view.is_compare and "year_from" in values and view.year_from and view.year and view.year_from > view.year:
        first, last = view.year, view.year_from
        notices.append(
            _notice("years_swapped", value=str(view.year_from), shown=str(view.year), first=str(first), last=str(last))
        )
        view = replace(view, year_from=first, year=last)
    return view, notices


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
    name = _layer_name(registry, layer.id)
    if view.level not in layer.levels:
        level, shown = _level_name(view.level), _level_name(layer.levels[0])
        notices.append(_notice("level_missing", layer=name, level=level, shown=shown, key="level", value=view.level))
        view = replace(view, level=layer.levels[0])
    if view.norm != "absolute" and view.norm not in layer.normalise_by:
        notices.append(_notice("norm_missing", norm=view.norm, layer=name))
        view = replace(view, norm="absolute")
    if view.palette in PALETTES and (PALETTES[view.palette].kind == "qualitative") != layer.is_categorical:
        notices.append(_notice("palette_kind", value=view.palette, layer=name))
        view = replace(view, palette="")
    elif view.palette == layer.palette:
        view = replace(view, palette="")  # the layer's own palette is the default: one view, one record
    if layer.years and view.year not in layer.years:
        if view.year is not None:
            notices.append(
                _notice("year_missing", layer=name, key="year", value=str(view.year), shown=str(layer.years[-1]))
            )
        view = replace(view, year=layer.years[-1])
    elif not layer.years and view.year is not None:
        notices.append(_notice("year_unused", layer=name, key="year", value=str(view.year)))
        view = replace(view, year=None)
    if layer.years and view.year_from not in layer.years:
        if view.year_from is not None:
            notices.append(
                _notice(
                    "year_missing", layer=name, key="year_from", value=str(view.year_from), shown=str(layer.years[0])
                )
            )
        view = replace(view, year_from=layer.years[0])
    elif not layer.years and view.year_from is not None:
        notices.append(_notice("year_unused", layer=name, key="year_from", value=str(view.year_from)))
        view = replace(view, year_from=None)
    classing = [f for f in ("vmin", "vmax", "scheme", "k", "breaks") if getattr(view, f) != getattr(DEFAULT, f)]
    if layer.is_categorical and classing:  # coloured by category: no value range, no classes (the sidebar has none)
        notices.append(_notice("classes_unused", layer=name, keys=", ".join(_KEYS[f] for f in classing)))
        view = replace(view, **{f: getattr(DEFAULT, f) for f in classing})
    if view.vmin is not None and view.vmax is not None and view.vmin > view.vmax:
        notices.append(_notice("range_inverted"))
        view = replace(view, vmin=None, vmax=None)
    if view.scheme == "manual" and not view.breaks:
        notices.append(_notice("manual_without_breaks"))
        view = replace(view, scheme="quantiles")
    elif view.scheme != "manual" and view.breaks:
        breaks = ",".join(_fmt_number(b) for b in view.breaks)
        notices.append(_notice("breaks_unused", key="breaks", value=breaks, scheme=SCHEMES[view.scheme]))
        view = replace(view, breaks=())  # breaks set only manual classes (the sidebar keeps its text meanwhile)
    if view.prefecture_filter and view.level == "prefecture":
        # A prefecture's area filter shows its counties.
        area = _region_name(view.area)
        if "county" in layer.levels:
            notices.append(_notice("area_counties", value=view.area, name=area))
            view = replace(view, level="county")
        else:
            notices.append(_notice("area_needs_counties", layer=name, value=view.area, name=area))
            view = replace(view, area="all")
    if view.selected:
        view = _resolve_selection(view, notices)
    return _sanitise_b(view, registry, notices)


def _sanitise_b(view: ViewState, registry: Registry, notices: list[Notice]) -> ViewState:
    """Layer B at the view's level, with a normalisation it offers."""
    layer_b = registry.get(view.layer_b)
    if view.level not in layer_b.levels:
        shown = DEFAULT.layer_b
        if view.is_compare:
            name, level, shown_name = (
                _layer_name(registry, layer_b.id),
                _level_name(view.level),
                _layer_name(registry, shown),
            )
            notices.append(
                _notice("layer_b_level", layer=name, level=level, shown=shown_name, key="layer_b", value=layer_b.id)
            )
        view = replace(view, layer_b=shown, norm_b="absolute")
        layer_b = registry.get(shown)
    if view.norm_b != "absolute" and view.norm_b not in layer_b.normalise_by:
        if view.is_compare:
            notices.append(_notice("norm_missing", norm=view.norm_b, layer=_layer_name(registry, layer_b.id)))
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
        old, name = _region_name(code), _region_name(current.adcode)
        notices.append(_notice("selection_renamed", value=code, old=old, code=current.adcode, name=name))
        return replace(view, selected=current.adcode)
    return view
