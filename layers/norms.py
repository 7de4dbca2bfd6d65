"""Norms of the service layout as data: how many sites of a facility type each unit should have.

``data/norms.toml`` holds the norms the source article states (the child-protection layout 一机构、一站、一家、
一点 per county, township, village and group) and, as norms that cannot be computed, what it names without a
number (the elderly-care three-level network, the 15-minute circle). Each quotes its source word for word.
Planners add norms of their own with a source line of their own (:func:`planner_norm`, kept by
``layers/normstore.py``); nothing is pre-filled that a source does not state.

The required number per county comes from the NBS code lists (townships and village-level units of the chosen
list, development zones folded into their districts as every layer does) or from the 2020 census (per N people
of an age group, rounded up: part of a site is a site to build).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from geodata.codes import gazetteer
from layers.registry import Registry
from layers.tables import DATA_DIR, Source

NORMS_TOML = DATA_DIR / "norms.toml"

# Units a required number can be counted per, and units the sources name that the code lists do not count.
COMPUTABLE_UNITS = ("county", "township", "village", "people")
REFERENCE_UNITS = ("group", "levels", "distance")
UNIT_TEXT: dict[str, tuple[str, str]] = {
    "county": ("每个县（市、区）", "per county"),
    "township": ("每个乡镇（街道）", "per township"),
    "village": ("每个村（社区）", "per village/community"),
    "people": ("按人口", "per number of people"),
    "group": ("每个村民小组", "per villager group"),
    "levels": ("县、乡、村三级", "county, township and village levels"),
    "distance": ("按步行时间", "by walking time"),
}
# The census layers a per-people norm may count against (ids in data/layers.toml).
AGE_GROUPS = ("pop_total", "pop_60plus", "pop_65plus", "pop_0_14")
# The township lists a plan is computed on: the lists after the 2019–2020 reform (README "Plan").
PLAN_YEARS = (2021, 2023)
LIST_DATES = {2021: "2021-10-31", 2023: "2023-06-30"}
PLANNER_PREFIX = "user_norm_"
PLANNER_TYPE_PREFIX = "user:"  # a facility type a planner named that the catalogue does not have


class NormError(ValueError):
    """A norm that cannot be used; the message names what is wrong (and where, for a file)."""


@dataclass(frozen=True)
class NormSource:
    id: str
    publication_zh: str
    publication_en: str
    title: str
    date: str
    file: str  # under data/
    title_en: str = ""  # the atlas's translation of the title, for English pages

    def text(self, lang: str = "zh") -> str:
        if lang == "en":
            title = f"“{self.title_en}” (in Chinese)" if self.title_en else f"“{self.title}”"
            return f"{self.publication_en}, {self.date}, {title}"
        return f"{self.publication_zh} {self.date}《{self.title}》"


@dataclass(frozen=True)
class FacilityType:
    id: str
    title_zh: str
    title_en: str
    theme: str
    article_figure: str = ""  # id of the article's province-wide figure (data/summary/seed_figures_2021.csv)

    def title(self, lang: str = "zh") -> str:
        return self.title_en if lang == "en" else self.title_zh


@dataclass(frozen=True)
class Norm:
    id: str
    title_zh: str
    title_en: str
    theme: str
    per: str  # a COMPUTABLE_UNITS or REFERENCE_UNITS entry
    facility_type: str  # a FacilityType id, or PLANNER_TYPE_PREFIX + a planner's own name; "" when none named
    required: float | None  # sites per unit (per ``people`` persons of ``age_group`` for per = "people")
    source_zh: str
    source_en: str
    quote: str = ""
    quote_en: str = ""  # the atlas's translation of ``quote``, for the English page
    reading_zh: str = ""
    reading_en: str = ""
    computable: bool = True
    reason_zh: str = ""
    reason_en: str = ""
    people: int | None = None
    age_group: str | None = None
    planner: bool = False  # added by a planner (layers/normstore.py), not shipped

    def title(self, lang: str = "zh") -> str:
        return self.title_en if lang == "en" else self.title_zh

    def source(self, lang: str = "zh") -> str:
        return self.source_en if lang == "en" else self.source_zh

    def quotation(self, lang: str = "zh") -> str:
        """The quotation in ``lang``: the English page shows the atlas's translation where the norm has one."""
        return self.quote_en if lang == "en" and self.quote_en else self.quote

    def reading(self, lang: str = "zh") -> str:
        return self.reading_en if lang == "en" else self.reading_zh

    def reason(self, lang: str = "zh") -> str:
        return self.reason_en if lang == "en" else self.reason_zh

    @property
    def by_township(self) -> bool:
        """Whether the norm asks for sites inside each township (per township or per village): then the plan
        lists the townships without a site."""
        return self.per in ("township", "village")

    def rule(self, lang: str = "zh") -> str:
        """The requirement in words: "每个乡镇（街道）1 个" / "1 per township"."""
        if self.required is None:
            return UNIT_TEXT[self.per][1 if lang == "en" else 0]
        number = f"{self.required:,.10g}"
        if self.per == "people":
            people = f"{self.people:,}"
            return (
                f"{number} per {people} people ({self.age_group})"
                if lang == "en"
                else f"每 {people} 人（{self.age_group}）{number} 个"
            )
        zh, en = UNIT_TEXT[self.per]
        return f"{number} {en}" if lang == "en" else f"{zh} {number} 个"


@dataclass(frozen=True)
class NormCatalogue:
    sources: Mapping[str, NormSource]
    facility_types: Mapping[str, FacilityType]
    norms: Mapping[str, Norm]

    def get(self, norm_id: str) -> Norm:
        try:
            return self.norms[norm_id]
        except KeyError:
            raise NormError(f"no norm {norm_id!r}; known norms: {', '.join(self.norms)}") from None

    def __contains__(self, norm_id: str) -> bool:
        return norm_id in self.norms

    def list(self, *, theme: str | None = None, computable: bool | None = None) -> list[Norm]:
        return [
            n
            for n in self.norms.values()
            if (theme is None or n.theme == theme) and (computable is None or n.computable == computable)
        ]

    def facility_title(self, type_id: str, lang: str = "zh") -> str:
        """A facility type's name; a planner's own type is its name as typed."""
        if type_id in self.facility_types:
            return self.facility_types[type_id].title(lang)
        return type_id.removeprefix(PLANNER_TYPE_PREFIX)

    def with_planner_norms(self, norms: Iterable[Norm]) -> NormCatalogue:
        """The shipped catalogue plus planners' norms (ids ``user_norm_<n>``)."""
        merged = dict(self.norms)
        for norm in norms:
            if norm.id in merged:
                raise NormError(f"norm id {norm.id!r} is used twice")
            merged[norm.id] = norm
        return replace(self, norms=merged)


def _text(entry: Mapping[str, Any], key: str) -> str:
    value = entry.get(key, "")
    return value.strip() if isinstance(value, str) else ""


def load_norms(path: Path = NORMS_TOML) -> NormCatalogue:
    """The shipped catalogue, checked: every problem is named (entry and field), all at once."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    problems: list[str] = []
    sources: dict[str, NormSource] = {}
    for sid, entry in raw.get("source", {}).items():
        fields = ("publication_zh", "publication_en", "title", "date", "file")
        missing = [f for f in fields if not _text(entry, f)]
        if missing:
            problems.append(f"{path.name} source {sid}: missing {', '.join(missing)}")
            continue
        if not (DATA_DIR / entry["file"]).is_file():
            problems.append(f"{path.name} source {sid}: file data/{entry['file']} does not exist")
        sources[sid] = NormSource(sid, **{f: str(entry[f]).strip() for f in fields}, title_en=_text(entry, "title_en"))
    types: dict[str, FacilityType] = {}
    for i, entry in enumerate(raw.get("facility_type", []), start=1):
        where = f"{path.name} facility_type #{i} ({entry.get('id', '?')})"
        missing = [f for f in ("id", "title_zh", "title_en", "theme") if not _text(entry, f)]
        if missing:
            problems.append(f"{where}: missing {', '.join(missing)}")
            continue
        if entry["id"] in types:
            problems.append(f"{where}: id declared twice")
        types[entry["id"]] = FacilityType(
            entry["id"], entry["title_zh"], entry["title_en"], entry["theme"], _text(entry, "article_figure")
        )
    norms: dict[str, Norm] = {}
    for i, entry in enumerate(raw.get("norm", []), start=1):
        where = f"{path.name} norm #{i} ({entry.get('id', '?')})"
        try:
            norm = _shipped_norm(entry, sources, types)
        except NormError as exc:
            problems.append(f"{where}: {exc}")
            continue
        if norm.id in norms:
            problems.append(f"{where}: id declared twice")
        norms[norm.id] = norm
    if problems:
        raise NormError("\n".join(problems))
    return NormCatalogue(sources, types, norms)


def _shipped_norm(
    entry: Mapping[str, Any], sources: Mapping[str, NormSource], types: Mapping[str, FacilityType]
) -> Norm:
    missing = [f for f in ("id", "title_zh", "title_en", "theme", "per", "source", "quote") if not _text(entry, f)]
    if missing:
        raise NormError(f"missing {', '.join(missing)}")
    if entry["source"] not in sources:
        raise NormError(f"source {entry['source']!r} is not declared under [source]")
    source = sources[entry["source"]]
    text = (DATA_DIR / source.file).read_text(encoding="utf-8")
    # The copy's scraper wrote 体球网 for 关于 (data/README.md): a quotation is checked against the article's words.
    if entry["quote"] not in text.replace("体球网", "关于"):
        raise NormError(f"the quote is not in data/{source.file} word for word")
    computable = bool(entry.get("computable", True))
    if entry["id"].startswith(PLANNER_PREFIX):
        raise NormError(f"ids starting {PLANNER_PREFIX!r} are kept for planners' norms")
    if not computable and not (_text(entry, "reason_zh") and _text(entry, "reason_en")):
        raise NormError("a norm that cannot be computed needs reason_zh and reason_en")
    required = entry.get("required")
    facility_type = _text(entry, "facility_type")
    if facility_type and facility_type not in types:
        raise NormError(f"facility_type {facility_type!r} is not declared")
    if computable:
        if entry["per"] not in COMPUTABLE_UNITS:
            raise NormError(f"per {entry['per']!r}: a computable norm counts per {', '.join(COMPUTABLE_UNITS)}")
        if not facility_type:
            raise NormError("a computable norm names the facility_type it asks for")
    elif entry["per"] not in COMPUTABLE_UNITS + REFERENCE_UNITS:
        raise NormError(f"per {entry['per']!r} is not one of {', '.join(COMPUTABLE_UNITS + REFERENCE_UNITS)}")
    norm = Norm(
        id=entry["id"],
        title_zh=entry["title_zh"],
        title_en=entry["title_en"],
        theme=entry["theme"],
        per=entry["per"],
        facility_type=facility_type,
        required=None if required is None else float(required),
        source_zh=source.text("zh"),
        source_en=source.text("en"),
        quote=entry["quote"],
        quote_en=_text(entry, "quote_en"),
        reading_zh=_text(entry, "reading_zh"),
        reading_en=_text(entry, "reading_en"),
        computable=computable,
        reason_zh=_text(entry, "reason_zh"),
        reason_en=_text(entry, "reason_en"),
        people=int(entry["people"]) if "people" in entry else None,
        age_group=entry.get("age_group"),
    )
    if computable:
        _check_numbers(norm)
    return norm


def _check_numbers(norm: Norm) -> None:
    if norm.required is None or not math.isfinite(norm.required) or norm.required <= 0:
        raise NormError(f"the required number per unit must be a positive number, not {norm.required!r}")
    if norm.per == "people":
        if norm.people is None or norm.people <= 0:
            raise NormError("a per-people norm needs a positive whole number of people")
        if norm.age_group not in AGE_GROUPS:
            raise NormError(f"age group {norm.age_group!r} is not one of {', '.join(AGE_GROUPS)}")
    elif norm.people is not None or norm.age_group is not None:
        raise NormError("only a per-people norm takes a number of people and an age group")


def planner_norm(
    number: int,
    *,
    title: str,
    per: str,
    facility_type: str,
    required: float,
    source: str,
    theme: str = "",
    title_en: str = "",
    people: int | None = None,
    age_group: str | None = None,
    quote: str = "",
) -> Norm:
    """A planner's own norm (id ``user_norm_<number>``), checked: title, a positive number per unit, a unit the
    code lists or the census count, the facility type, and the source line are required."""
    missing = [
        name
        for name, value in (("title", title), ("facility_type", facility_type), ("source", source))
        if not str(value).strip()
    ]
    if missing:
        raise NormError(f"missing {', '.join(missing)}: every norm names what it asks for and where it comes from")
    if per not in COMPUTABLE_UNITS:
        raise NormError(f"unit {per!r} is not one of {', '.join(COMPUTABLE_UNITS)}")
    norm = Norm(
        id=f"{PLANNER_PREFIX}{number}",
        title_zh=title.strip(),
        title_en=(title_en or title).strip(),
        theme=theme,
        per=per,
        facility_type=facility_type.strip(),
        required=float(required),
        source_zh=source.strip(),
        source_en=source.strip(),
        quote=quote.strip(),
        people=people,
        age_group=age_group,
        planner=True,
    )
    _check_numbers(norm)
    return norm


@lru_cache(maxsize=1)
def shipped_norms() -> NormCatalogue:
    return load_norms()


# --- the required number per county ------------------------------------------------------------


def required_per_county(norm: Norm, year: int, registry: Registry) -> pd.Series:
    """Sites the norm requires in each current county (index: codes), from the township or village counts of
    the NBS list of ``year`` or the 2020 census; development zones are in their districts, as on every map."""
    if not norm.computable or norm.required is None:
        raise NormError(f"norm {norm.id!r} cannot be computed: {norm.reason('en')}")
    if year not in PLAN_YEARS:
        raise NormError(f"year {year} is not one of the township lists after the reform: {PLAN_YEARS}")
    codes = [d.adcode for d in gazetteer().current("county")]
    if norm.per == "county":
        return pd.Series(norm.required, index=pd.Index(codes, name="adcode"), dtype=float)
    if norm.per == "people":
        assert norm.people is not None and norm.age_group is not None  # checked when the norm was made
        pop = registry.get(norm.age_group).frame("county").set_index("adcode")["value"].reindex(codes)
        # Part of a site is a site to build: 1,001 people at 1 per 1,000 need 2.
        return (pop * norm.required / norm.people).map(lambda v: math.ceil(v - 1e-9) if pd.notna(v) else math.nan)
    series = "townships_by_year" if norm.per == "township" else "villages_by_year"
    units = registry.get(f"{series}@{year}").frame("county").set_index("adcode")["value"].reindex(codes)
    return (units * norm.required).astype(float)


def required_sources(norm: Norm, year: int, registry: Registry) -> tuple[Source, ...]:
    """Where the required numbers come from (the code list or the census layer), for every figure's source line."""
    if norm.per == "county":
        return ()
    layer = (
        norm.age_group
        if norm.per == "people"
        else ("townships_by_year" if norm.per == "township" else "villages_by_year")
    )
    assert layer is not None
    return registry.get(layer).sources
