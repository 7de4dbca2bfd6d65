"""Township- and village-level units in the NBS division-code lists: the counting rules.

Pure code: it classifies rows already read from the lists (``geodata.nbs_tables.read_table``) and
counts them; ``scripts/build_townships.py`` does the reading and writing. Nothing here imports
streamlit, so the rules can be tested and reused outside the app.

The rules (documented in ``data/townships/README.md``):

* A township-level unit (乡级) is counted when its name ends in 街道 / 街道办 / 街道办事处 (type 街道),
  镇 (type 镇) or 乡 (type 乡, 民族乡 included). Everything else the NBS lists at that level (farms,
  prisons, forestry bureaus, scenic-area bureaus, industrial parks, schools, enterprises …) is
  excluded and labelled with a reason.
* A village-level unit (村级) is a village committee (村民委员会, 建制村) or a residents' committee
  (居民委员会 / 社区) by its name ending; virtual placeholders, villager groups and names with no
  committee ending are excluded and labelled.
* Units are attributed to today's county code through the gazetteer crosswalk. Units listed under a
  statistical development zone (level ``zone``, no boundary) are attributed to no county: they count
  in their prefecture and the province only.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # typing only: the rules stay importable by the build scripts without the gazetteer
    from geodata.codes import Division

PROVINCE_ADCODE = "510000"

# --- township rule ----------------------------------------------------------------------------

TOWNSHIP_TYPES = ("乡", "镇", "街道")

# Checked in this order: the 街道 endings first, because a sub-district may carry the name of the
# town it came from (2018: 510116003 华阳镇街道办) and is a 街道, not a 镇. 街道办 is the short form
# of 街道办事处 used for seven Sichuan sub-districts in the 2018 list (e.g. 510116001 东升街道办);
# without it those seven real sub-districts would be dropped.
_TOWNSHIP_ENDINGS = (
    ("街道办事处", "街道"),
    ("街道办", "街道"),
    ("街道", "街道"),
    ("镇", "镇"),
    ("乡", "乡"),
)

# Labels for the units the rule leaves out. The label only explains the exclusion for review; the
# decision itself is the name ending above. First matching keyword wins, so a nature-reserve
# management office (苍溪九龙山自然保护区管理处) is labelled a nature reserve.
_TOWNSHIP_EXCLUSION_REASONS = (
    ("prison_or_reeducation", ("监狱", "劳动教养", "劳动教育")),
    ("nature_reserve", ("自然保护区",)),
    ("forestry", ("林业局", "森林经营所", "林场")),
    ("farm_or_ranch", ("农场", "牧场", "种羊场", "良种场")),
    ("management_office", ("管理局", "管委会", "管理委员会", "管理办公室", "管理处")),
    ("industrial_park", ("园区", "开发区", "集中区", "发展区")),
    ("enterprise", ("公司", "厂")),
    ("school", ("学校", "学院", "校区")),
    ("office_not_subdistrict", ("办事处",)),
)
TOWNSHIP_NO_SUFFIX = "no_township_suffix"


def township_type(name: str) -> str | None:
    """乡 / 镇 / 街道 for a township-level name, None for anything else at that level."""
    for ending, kind in _TOWNSHIP_ENDINGS:
        if name.endswith(ending):
            return kind
    return None


def township_exclusion_reason(name: str) -> str:
    """Why a township-level unit is not a township (only meaningful when township_type is None)."""
    for reason, keywords in _TOWNSHIP_EXCLUSION_REASONS:
        if any(k in name for k in keywords):
            return reason
    # e.g. 2018 510802405 袁家坝, 510802407 下西: bare place names in the NBS 类似乡级 code range.
    return TOWNSHIP_NO_SUFFIX


# --- village rule -----------------------------------------------------------------------------

VILLAGE_COMMITTEE = "village_committee"
RESIDENTS_COMMITTEE = "residents_committee"

# Order matters: "双塘社区村民委员会" is a village committee (the name ends in 村民委员会), and a
# "农村社区" (rural community, e.g. 2018 511132100213 松林坡村农村社区, coded in the NBS village
# range) is a village renamed, not an urban residents' committee. A bare "…村" (白鹤桥村) or
# "…社区" (德康社区) names the committee's area without the word 委员会 and is counted as such.
_VILLAGE_ENDINGS = (
    ("村民委员会", VILLAGE_COMMITTEE),
    ("村委会", VILLAGE_COMMITTEE),
    ("农村社区", VILLAGE_COMMITTEE),
    ("村", VILLAGE_COMMITTEE),
    ("居民委员会", RESIDENTS_COMMITTEE),
    ("居委会", RESIDENTS_COMMITTEE),
    ("社区", RESIDENTS_COMMITTEE),
)

# The NBS lists a "virtual" committee (虚拟社区 / 虚拟村委会, sometimes abbreviated 虚社区) as a
# placeholder for the population of a farm, prison or park; it is not a committee.
_VIRTUAL_MARKERS = ("虚拟", "虚社区")
_LIVING_OR_WORK_AREA_ENDINGS = ("生活区", "管理区", "居住区", "居民区", "队", "分场", "牧场")


# Garbled committee names (2018: 金像寺社区居委会会, 八一村民委员会员, 光明社区委会; 2021: 渡口社区委员会,
# 团结社区居民委员) are committees whose ending was mistyped in the list. The tolerant rule reads the
# committee word anywhere in the name, after a trailing parenthesis (华丰路社区居委会（筹）, 幸福社区（一社区）)
# is set aside: village words first.
_TOLERANT_VILLAGE_MARKERS = ("农村社区", "村民委", "村委")
_TOLERANT_RESIDENTS_MARKERS = ("社区", "居委", "居民委", "委员会", "委会")
_TRAILING_PARENTHESIS = re.compile(r"[（(][^（()）]*[）)]$")
# NBS village-level code classes (last three digits): 001–199 居委会, 200–399 村委会, 400–499 类似居委会.
_SIMILAR_TO_RESIDENTS_CLASS = range(400, 500)


def _in_similar_to_residents_class(code: str | None) -> bool:
    return code is not None and len(code) == 12 and int(code[9:]) in _SIMILAR_TO_RESIDENTS_CLASS


def _is_placeholder_or_below_village(name: str, code: str | None = None) -> bool:
    # A living/work area in the class 类似居委会 is not left out: the NBS lists it like a residents'
    # committee, and in every year, whatever it is called (2018 丝丽雅居民区, 2019– 丝丽雅居民区社区).
    return (
        any(m in name for m in _VIRTUAL_MARKERS)
        or name.endswith("村民小组")
        or (name.endswith(_LIVING_OR_WORK_AREA_ENDINGS) and not _in_similar_to_residents_class(code))
    )


def village_type(name: str, code: str | None = None) -> str | None:
    """village_committee / residents_committee, or None for a unit that is neither.

    The strict rule is the name ending; names it cannot read (:func:`tolerated_reason` says why) are
    counted by the tolerant rule unless they are placeholders, villager groups or living/work areas
    outside the NBS class 类似居委会 (code digits 10–12: 400–499), which counts whatever its name.
    """
    if any(m in name for m in _VIRTUAL_MARKERS):
        return None
    for ending, kind in _VILLAGE_ENDINGS:
        if name.endswith(ending):
            return kind
    return _tolerant_village_type(name, code)


def _tolerant_village_type(name: str, code: str | None) -> str | None:
    if _is_placeholder_or_below_village(name, code):
        return None
    core = _TRAILING_PARENTHESIS.sub("", name)
    if any(m in core for m in _TOLERANT_VILLAGE_MARKERS):
        return VILLAGE_COMMITTEE
    if any(m in core for m in _TOLERANT_RESIDENTS_MARKERS):
        return RESIDENTS_COMMITTEE
    # No committee word at all, but coded in the NBS class 类似居委会: 2018 510311112401 四川卫生康复职业学院
    # (四川卫生康复职业学院社区 from 2019), 511504101401 丝丽雅居民区 (丝丽雅居民区社区 from 2019).
    if _in_similar_to_residents_class(code):
        return RESIDENTS_COMMITTEE
    return None


def tolerated_reason(name: str, code: str | None = None) -> str:
    """Why a counted village-level unit needed the tolerant rule ("" when its name ending is regular)."""
    if any(m in name for m in _VIRTUAL_MARKERS) or any(name.endswith(e) for e, _ in _VILLAGE_ENDINGS):
        return ""
    if _tolerant_village_type(name, code) is None:
        return ""
    core = _TRAILING_PARENTHESIS.sub("", name)
    if any(m in core for m in _TOLERANT_VILLAGE_MARKERS + _TOLERANT_RESIDENTS_MARKERS):
        return "garbled_committee_ending" if core == name else "parenthesised_suffix"
    return "no_committee_word_nbs_class_400"


def village_exclusion_reason(name: str) -> str:
    if any(m in name for m in _VIRTUAL_MARKERS):
        return "virtual_placeholder"
    if name.endswith("村民小组"):
        return "villager_group"  # 村民小组 is below village level (2018: 511102105398 街村村民小组)
    if name.endswith(_LIVING_OR_WORK_AREA_ENDINGS):
        # Living quarters and work teams of ranches, farms and forestry units outside the class 类似居委会
        # (2021: 513422100500 康乌牧场生活区; 2018: 513231400501 农场农业队, 513422100500 康乌牧场), not committees.
        return "living_or_work_area"
    # Neither a committee word nor the NBS 类似居委会 class: nothing says it is a committee.
    return "no_committee_ending"


# --- attribution ------------------------------------------------------------------------------


class GazetteerLike(Protocol):
    """What the rules need from ``geodata.codes.Gazetteer``."""

    by_code: Mapping[str, Division]

    def current_code(self, adcode: str) -> str: ...


@dataclass(frozen=True)
class Attribution:
    county_adcode: str  # today's county code; "" for units under a development zone
    zone_adcode: str  # the development zone's code, or ""
    prefecture_adcode: str

    @property
    def area_adcode(self) -> str:
        """The county, or the zone for zone units: the area the unit is listed in, in today's codes."""
        return self.county_adcode or self.zone_adcode


def attribute(listed_county_adcode: str, gazetteer: GazetteerLike) -> Attribution:
    """Where a unit listed under ``listed_county_adcode`` counts, in today's codes."""
    if listed_county_adcode not in gazetteer.by_code:
        raise KeyError(f"{listed_county_adcode} is not in the gazetteer; rebuild data/gazetteer first")
    listed = gazetteer.by_code[listed_county_adcode]
    prefecture = listed.parent_adcode
    if listed.level == "zone":
        # No boundary, so no county to give it to: counted in the prefecture and province only.
        return Attribution("", listed_county_adcode, prefecture)
    current = gazetteer.current_code(listed_county_adcode)
    division = gazetteer.by_code[current]
    if division.level != "county" or not division.is_current:
        raise ValueError(f"{listed_county_adcode} leads to {current} {division.name}, not a current county")
    return Attribution(current, "", division.parent_adcode)


# --- classified units -------------------------------------------------------------------------


@dataclass(frozen=True)
class TownshipUnit:
    year: int
    code: str
    name: str
    type: str  # 乡 / 镇 / 街道
    listed_county_adcode: str
    where: Attribution


@dataclass(frozen=True)
class ExcludedUnit:
    year: int
    level: str  # township / village
    code: str
    name: str
    listed_county_adcode: str
    where: Attribution
    reason: str


@dataclass(frozen=True)
class VillageUnit:
    year: int
    code: str
    name: str
    type: str  # village_committee / residents_committee
    where: Attribution
    tolerated: str = ""  # why the tolerant rule was needed (garbled name), "" for a regular name


def classify_townships(
    year: int, streets: Iterable[Mapping[str, str]], gazetteer: GazetteerLike
) -> tuple[list[TownshipUnit], list[ExcludedUnit]]:
    """Split one year's streets.csv rows into townships and excluded units."""
    units, excluded = [], []
    for row in streets:
        where = attribute(row["areaCode"], gazetteer)
        kind = township_type(row["name"])
        if kind is None:
            excluded.append(
                ExcludedUnit(
                    year,
                    "township",
                    row["code"],
                    row["name"],
                    row["areaCode"],
                    where,
                    township_exclusion_reason(row["name"]),
                )
            )
        else:
            units.append(TownshipUnit(year, row["code"], row["name"], kind, row["areaCode"], where))
    return units, excluded


def classify_villages(
    year: int, villages: Iterable[Mapping[str, str]], gazetteer: GazetteerLike
) -> tuple[list[VillageUnit], list[ExcludedUnit]]:
    """Split one year's villages.csv rows into committees and excluded units.

    A committee counts whatever its parent township-level unit is: the committees under a farm or
    a management office (2018: 510821400 静乐寺管理办公室 has four residents' committees) are real
    committees in their county even though their parent is not a township.
    """
    units, excluded = [], []
    for row in villages:
        where = attribute(row["areaCode"], gazetteer)
        kind = village_type(row["name"], row["code"])
        if kind is None:
            excluded.append(
                ExcludedUnit(
                    year,
                    "village",
                    row["code"],
                    row["name"],
                    row["areaCode"],
                    where,
                    village_exclusion_reason(row["name"]),
                )
            )
        else:
            units.append(
                VillageUnit(year, row["code"], row["name"], kind, where, tolerated_reason(row["name"], row["code"]))
            )
    return units, excluded


# --- counting ---------------------------------------------------------------------------------

INDICATORS = (
    "townships_total",
    "townships_xiang",
    "townships_zhen",
    "townships_jiedao",
    "villages_total",
    "village_committees",
    "residents_committees",
)
_TOWNSHIP_INDICATOR = {"乡": "townships_xiang", "镇": "townships_zhen", "街道": "townships_jiedao"}
_VILLAGE_INDICATOR = {VILLAGE_COMMITTEE: "village_committees", RESIDENTS_COMMITTEE: "residents_committees"}


@dataclass(frozen=True)
class CountRow:
    adcode: str
    level: str  # province / prefecture / county / zone
    year: int
    indicator: str
    value: int


def unit_indicators(unit: TownshipUnit | VillageUnit) -> tuple[str, str]:
    if isinstance(unit, TownshipUnit):
        return "townships_total", _TOWNSHIP_INDICATOR[unit.type]
    return "villages_total", _VILLAGE_INDICATOR[unit.type]


def count_units(
    year: int,
    units: Iterable[TownshipUnit | VillageUnit],
    counties: Iterable[str],
    prefectures: Iterable[str],
    zones: Iterable[str],
) -> list[CountRow]:
    """Counts of one year for the province, every prefecture, county and zone given.

    Every (area, indicator) gets a row, so a county without 乡 gets an explicit 0. Zone units count
    in their zone row, their prefecture and the province, never in a county.
    """
    tally: Counter[tuple[str, str]] = Counter()
    for unit in units:
        areas = [PROVINCE_ADCODE, unit.where.prefecture_adcode, unit.where.area_adcode]
        for indicator in unit_indicators(unit):
            for area in areas:
                tally[area, indicator] += 1
    return _listing_rows(tally, year, INDICATORS, counties, prefectures, zones, f"{year}: units")


def _listing_rows(
    tally: Counter[tuple[str, str]],
    year: int,
    indicators: Iterable[str],
    counties: Iterable[str],
    prefectures: Iterable[str],
    zones: Iterable[str],
    what: str,
) -> list[CountRow]:
    """One row per (area, indicator) of the listing, 0 where nothing was counted; a tally in an area the
    listing does not have is an error (``what`` names what was counted)."""
    levels = [
        ("province", [PROVINCE_ADCODE]),
        ("prefecture", list(prefectures)),
        ("county", list(counties)),
        ("zone", list(zones)),
    ]
    known = {a for _, areas in levels for a in areas}
    unknown = {a for a, _ in tally} - known
    if unknown:
        raise ValueError(f"{what} counted in areas outside the listing: {sorted(unknown)}")
    return [
        CountRow(area, level, year, indicator, tally[area, indicator])
        for level, areas in levels
        for area in areas
        for indicator in indicators
    ]


def villages_per_township(
    townships: Iterable[TownshipUnit], villages: Iterable[VillageUnit]
) -> list[tuple[TownshipUnit, int, int]]:
    """(township, village committees, residents' committees) for every township of one year's list, 0 where
    none: the denominators of a per-village norm inside a county. A committee belongs to the township whose
    code opens its own (its first nine digits); committees under a unit that is not a township (2018–2020:
    静乐寺管理办公室 …) are in no row, so a county's rows can sum to less than its ``villages_total``."""
    tally: Counter[tuple[str, str]] = Counter((v.code[:9], v.type) for v in villages)
    return [(u, tally[u.code, VILLAGE_COMMITTEE], tally[u.code, RESIDENTS_COMMITTEE]) for u in townships]


# --- changes between two years ----------------------------------------------------------------

# Ethnic designations of Sichuan's 民族乡 (彝族乡, 藏族乡, 傈僳族乡, 彝族苗族乡 …): a 民族乡 that
# became a 镇 keeps its place name but drops the designation.
_ETHNIC_DESIGNATION = re.compile(r"((傈僳|蒙古|土家|纳西|[傣回彝羌苗藏白])族)+$")
# "华阳镇街道办" (2018) and "华阳街道" (2021) are the same sub-district.
_TYPE_SUFFIX = re.compile(r"(镇?(街道办事处|街道办|街道)|镇|乡)$")


def name_stem(name: str) -> str:
    """The place name without its type: 斌郎乡 and 斌郎街道 share the stem 斌郎."""
    return _ETHNIC_DESIGNATION.sub("", _TYPE_SUFFIX.sub("", name))


@dataclass(frozen=True)
class Change:
    area_adcode: str  # current county code, or the zone code for zone units
    change: str  # removed / added
    code: str
    name: str
    type: str
    note: str
    kind: str = ""  # merger / split / transfer / transfer_merger / rename / new (see classify rules below)
    linked: str = ""  # units of the other list sharing village names with this one: "code name (shared)"
    moved_to: str = ""  # removed transfer / transfer_merger: the area (county or zone) its land went to


# --- what kind of change: traced through the villages -----------------------------------------

CHANGE_KINDS = ("merger", "split", "transfer", "transfer_merger", "rename", "new")
REMOVED_ONLY_KINDS = ("transfer_merger",)  # no unit of the later list is added by it
ADDED_ONLY_KINDS = ("new",)
# Village names are compared without their committee ending and type word: 大田村民委员会 (2018) and
# 大田社区村民委员会 (2021) are the same place 大田; 石龙村民委员会 and 石龙村村民委员会 too.
_VILLAGE_COMMITTEE_WORDS = re.compile(r"(村民委员会|居民委员会|村委会|居委会|委员会|农村社区)$")
_VILLAGE_TYPE_WORDS = re.compile(r"(社区|村)+$")
# Two units are linked when at least this many village names of the one are found in the other. One
# shared name is not enough: common names (民主, 新华, 红旗 …) recur across a prefecture, and every
# single-name coincidence among same-name townships in different counties is of that kind (e.g. 兴隆镇
# 510524 and 兴隆镇 513423), while the real moves share 3 to 11 (README, "Changes 2018 → 2021").
LINK_MIN_SHARED_VILLAGES = 2


def village_stem(name: str) -> str:
    """A village-level unit's place name without committee ending and type word (大田社区村民委员会 → 大田)."""
    stem = _VILLAGE_TYPE_WORDS.sub("", _VILLAGE_COMMITTEE_WORDS.sub("", name))
    return stem or name


def village_names_by_township(villages: Iterable[Mapping[str, str]]) -> dict[str, frozenset[str]]:
    """Village-level place names (stems) per township code, from one year's villages.csv rows.

    Every row counts here, committees or not: the names only trace where a township's land went.
    """
    out: dict[str, set[str]] = defaultdict(set)
    for row in villages:
        out[row["code"][:9]].add(village_stem(row["name"]))
    return {code: frozenset(names) for code, names in out.items()}


def township_changes(
    before: Iterable[TownshipUnit],
    after: Iterable[TownshipUnit],
    villages_before: Mapping[str, frozenset[str]] | None = None,
    villages_after: Mapping[str, frozenset[str]] | None = None,
) -> list[Change]:
    """Townships that disappeared from and appeared in each area between two lists, and what kind of change.

    Identity is the place name within today's county (or zone), not the code: the NBS renumbers
    within a county when units merge or change type (斌郎乡 511771200 became 斌郎街道 511771001) and
    reuses freed codes for other places (510185003 was 十里坝街道办事处 in 2018 and is 新市街道 in 2021,
    while 新市镇 510185102's code went to 杨家镇). So a unit that keeps its stem is unchanged whatever
    its code or type; a code whose name changed is one removed and one added unit. The note column
    flags reused codes and place names that reappear in another area, so that plain renames and moves
    can be recognised on review.

    With the village lists of both years, each change is classified (``kind``) by where its villages
    went, counting only links of at least ``LINK_MIN_SHARED_VILLAGES`` shared village names:

    * ``transfer``: removed in one area and added in another under the same place name, the two
      sharing villages (下长镇 长宁县 → 江安县). A same name without shared villages is no transfer
      (石龙镇: 阆中's was merged in 2019, 南部's was formed from 南部's own 乡).
    * removed ``transfer_merger``: its villages went into a township of another area of the prefecture
      (石鼓乡 南溪区 → 沙坪街道 翠屏区), by the same evidence counted on names that area did not have
      before, and more of them than into any township of its own area (:func:`_transferred_into`).
    * ``rename``: a removed and an added unit of the same area linked only to each other (出江镇 → 䢺江镇).
    * removed ``split``: its villages went to two or more units; removed ``merger``: everything else
      (its villages went into one other unit, or could not be traced — a unit that neither moved nor
      was renamed has had its land absorbed by others in its area).
    * added ``merger``: formed from two or more units of which at least one was removed; added
      ``split``: carved out of units that continue, or out of one removed unit that was divided;
      added ``new``: no villages traced to any unit of the earlier list.
    """
    before_by_area: dict[str, list[TownshipUnit]] = defaultdict(list)
    after_by_area: dict[str, list[TownshipUnit]] = defaultdict(list)
    for u in before:
        before_by_area[u.where.area_adcode].append(u)
    for u in after:
        after_by_area[u.where.area_adcode].append(u)

    removed: list[TownshipUnit] = []
    added: list[TownshipUnit] = []
    before_by_code = {u.code: u for units in before_by_area.values() for u in units}
    after_by_code = {u.code: u for units in after_by_area.values() for u in units}
    for area in sorted(set(before_by_area) | set(after_by_area)):
        old = sorted(before_by_area.get(area, []), key=lambda u: u.code)
        new = sorted(after_by_area.get(area, []), key=lambda u: u.code)
        # Same code and stem first, so that when a stem repeats in a county the code decides the pair.
        for same_code in (True, False):
            for o in list(old):
                match = next(
                    (n for n in new if name_stem(n.name) == name_stem(o.name) and (n.code == o.code or not same_code)),
                    None,
                )
                if match is not None:
                    old.remove(o)
                    new.remove(match)
        removed += old
        added += new

    # A removed unit whose place name is added in another area of the prefecture may have moved
    # (靖民镇: 市中区 2018, 内江经济开发区 2021) or be a namesake (会东县 拉马乡 and 美姑县 拉马镇, far
    # apart): the note states the fact; the kind (by shared villages) decides.
    def namesake(unit: TownshipUnit, others: list[TownshipUnit]) -> TownshipUnit | None:
        candidates = [
            o
            for o in others
            if o.where.prefecture_adcode == unit.where.prefecture_adcode
            and o.where.area_adcode != unit.where.area_adcode
            and name_stem(o.name) == name_stem(unit.name)
        ]
        return candidates[0] if len(candidates) == 1 else None

    def note(unit: TownshipUnit, change: str) -> str:
        # For a removed unit, look at what was added, and at the later list; for an added one, the reverse.
        counterparts, other_year = (added, after_by_code) if change == "removed" else (removed, before_by_code)
        notes = []
        other = namesake(unit, counterparts)
        if other is not None:
            where = "added in" if change == "removed" else "removed from"
            notes.append(f"same place name {where} {other.where.area_adcode} as {other.code} {other.name}")
        same_code = other_year.get(unit.code)
        if same_code is not None:
            notes.append(f"code {'now' if change == 'removed' else 'was'} {same_code.name}")
        return "; ".join(notes)

    kinds: dict[tuple[str, str], tuple[str, str]] = {}
    moved: dict[str, TownshipUnit] = {}
    if villages_before is not None and villages_after is not None:
        kinds, moved = _classify(removed, added, before_by_area, after_by_area, villages_before, villages_after)

    def row(u: TownshipUnit, change: str) -> Change:
        kind, linked = kinds.get((change, u.code), ("", ""))
        text, moved_to = note(u, change), ""
        if change == "removed" and u.code in moved:
            into = moved[u.code]
            moved_to = into.where.area_adcode
            if kind == "transfer_merger":  # a same-name transfer's note already names where it went
                text = "; ".join(t for t in (text, f"villages moved to {moved_to} into {into.code} {into.name}") if t)
        return Change(u.where.area_adcode, change, u.code, u.name, u.type, text, kind, linked, moved_to)

    rows = [row(u, "removed") for u in removed] + [row(u, "added") for u in added]
    return sorted(rows, key=lambda c: (c.area_adcode, c.change != "removed", c.code))


def _transferred_into(
    removed: Iterable[TownshipUnit],
    before_by_area: Mapping[str, list[TownshipUnit]],
    after_by_area: Mapping[str, list[TownshipUnit]],
    villages_before: Mapping[str, frozenset[str]],
    villages_after: Mapping[str, frozenset[str]],
) -> dict[str, TownshipUnit]:
    """Removed units whose villages went into a township of another area: code -> that later township.

    The evidence is the in-area link's (``LINK_MIN_SHARED_VILLAGES`` village names), counted only on
    names that none of the receiving area's earlier units had: across a county border, a name the area
    already had is explained locally (新华, 团结 … recur everywhere). The receiving township is in the
    same prefecture, takes more of the unit's names than any township of its own area does, and is the
    only such township.
    """
    empty: frozenset[str] = frozenset()
    names_before = {
        area: frozenset().union(*(villages_before.get(u.code, empty) for u in units))
        for area, units in before_by_area.items()
    }
    out: dict[str, TownshipUnit] = {}
    for r in removed:
        mine = villages_before.get(r.code, empty)
        own = after_by_area.get(r.where.area_adcode, [])
        own_best = max((len(mine & villages_after.get(u.code, empty)) for u in own), default=0)
        candidates = [
            a
            for area, units in after_by_area.items()
            if area != r.where.area_adcode
            for a in units
            if a.where.prefecture_adcode == r.where.prefecture_adcode
            and len(mine & villages_after.get(a.code, empty) - names_before.get(area, empty))
            >= LINK_MIN_SHARED_VILLAGES
            and len(mine & villages_after.get(a.code, empty)) > own_best
        ]
        if len(candidates) == 1:
            out[r.code] = candidates[0]
    return out


def _classify(
    removed: list[TownshipUnit],
    added: list[TownshipUnit],
    before_by_area: Mapping[str, list[TownshipUnit]],
    after_by_area: Mapping[str, list[TownshipUnit]],
    villages_before: Mapping[str, frozenset[str]],
    villages_after: Mapping[str, frozenset[str]],
) -> tuple[dict[tuple[str, str], tuple[str, str]], dict[str, TownshipUnit]]:
    """(change, code) -> (kind, linked) for every removed and added unit, rules in township_changes; and
    for each removed ``transfer`` and ``transfer_merger``, the township of another area it went to."""
    empty: frozenset[str] = frozenset()

    def shared(old: TownshipUnit, new: TownshipUnit) -> int:
        return len(villages_before.get(old.code, empty) & villages_after.get(new.code, empty))

    def listing(links: list[tuple[TownshipUnit, int]]) -> str:
        ordered = sorted(links, key=lambda link: (-link[1], link[0].code))
        return "; ".join(f"{u.code} {u.name} ({n})" for u, n in ordered)

    out: dict[tuple[str, str], tuple[str, str]] = {}
    removed_codes = {u.code for u in removed}

    # Transfers: same place name in another area, with shared villages (the best-linked one if several).
    moved_to: dict[str, tuple[TownshipUnit, int]] = {}
    for r in removed:
        candidates = [
            (a, shared(r, a))
            for a in added
            if a.where.area_adcode != r.where.area_adcode and name_stem(a.name) == name_stem(r.name)
        ]
        candidates = [c for c in candidates if c[1] >= LINK_MIN_SHARED_VILLAGES]
        if candidates:
            moved_to[r.code] = max(candidates, key=lambda c: (c[1], c[0].code))
    moved_from = {a.code: (r_code, n) for r_code, (a, n) in moved_to.items()}
    by_code = {u.code: u for u in removed}
    for r_code, (a, n) in moved_to.items():
        out["removed", r_code] = ("transfer", listing([(a, n)]))
        out["added", a.code] = ("transfer", listing([(by_code[r_code], n)]))
    moved_into = _transferred_into(
        [r for r in removed if r.code not in moved_to], before_by_area, after_by_area, villages_before, villages_after
    )

    def successors(r: TownshipUnit) -> list[tuple[TownshipUnit, int]]:
        links = [(u, shared(r, u)) for u in after_by_area.get(r.where.area_adcode, [])]
        return [link for link in links if link[1] >= LINK_MIN_SHARED_VILLAGES]

    def sources(a: TownshipUnit) -> list[tuple[TownshipUnit, int]]:
        units = before_by_area.get(a.where.area_adcode, []) + [by_code[c] for c, u in moved_into.items() if u == a]
        links = [(u, shared(u, a)) for u in units]
        return [link for link in links if link[1] >= LINK_MIN_SHARED_VILLAGES]

    for r_code, into in moved_into.items():
        out["removed", r_code] = ("transfer_merger", listing([(into, shared(by_code[r_code], into))]))

    succ = {r.code: successors(r) for r in removed if r.code not in moved_to}
    src = {a.code: sources(a) for a in added if a.code not in moved_from}
    for r in removed:
        if r.code in moved_to or r.code in moved_into:
            continue
        links = succ[r.code]
        only = links[0][0] if len(links) == 1 else None
        if only is not None and only.code in src and [u.code for u, _ in src[only.code]] == [r.code]:
            kind = "rename"
        else:
            kind = "split" if len(links) >= 2 else "merger"
        out["removed", r.code] = (kind, listing(links))
    for a in added:
        if a.code in moved_from:
            continue
        links = src[a.code]
        if not links:
            kind = "new"
        elif len(links) == 1 and out.get(("removed", links[0][0].code), ("",))[0] == "rename":
            kind = "rename"
        elif len(links) >= 2 and any(u.code in removed_codes for u, _ in links):
            kind = "merger"
        else:
            kind = "split"
        out["added", a.code] = (kind, listing(links))
    return out, {r_code: a for r_code, (a, _) in moved_to.items()} | moved_into


def change_counts(
    changes: Iterable[Change],
    before: Iterable[TownshipUnit],
    villages_before: Iterable[VillageUnit],
    year: int,
    counties: Iterable[str],
    prefectures: Iterable[str],
    zones: Iterable[str],
    prefecture_of: Mapping[str, str],
) -> list[CountRow]:
    """Per area, how many townships were removed and added by each kind of change, how many moved out of
    and into it, and the earlier counts with those moves applied: ``townships_before_transfers_applied``
    and ``villages_before_transfers_applied`` are the earlier list's townships and village-level units
    of the land the area holds in the later list (the base of "reduction through mergers", and of the
    before-merger catchments, whose population is counted on the later land).
    """
    tally: Counter[tuple[str, str]] = Counter()

    def add(area: str, indicator: str, n: int = 1) -> None:
        for a in (PROVINCE_ADCODE, prefecture_of[area], area):
            tally[a, indicator] += n

    for u in before:
        add(u.where.area_adcode, TOWNSHIP_BASE_INDICATOR)
    villages_of: Counter[str] = Counter()
    for v in villages_before:
        add(v.where.area_adcode, VILLAGE_BASE_INDICATOR)
        villages_of[v.code[:9]] += 1
    for c in changes:
        add(c.area_adcode, f"{c.change}_{c.kind}")
        if c.moved_to:  # the township's land, and every committee on it, counts where it went
            add(c.area_adcode, "transferred_out")
            add(c.moved_to, "transferred_in")
            add(c.area_adcode, TOWNSHIP_BASE_INDICATOR, -1)
            add(c.moved_to, TOWNSHIP_BASE_INDICATOR)
            add(c.area_adcode, VILLAGE_BASE_INDICATOR, -villages_of[c.code])
            add(c.moved_to, VILLAGE_BASE_INDICATOR, villages_of[c.code])
    return _listing_rows(tally, year, CHANGE_INDICATORS, counties, prefectures, zones, "changes")


TOWNSHIP_BASE_INDICATOR = "townships_before_transfers_applied"
VILLAGE_BASE_INDICATOR = "villages_before_transfers_applied"
CHANGE_INDICATORS = (
    TOWNSHIP_BASE_INDICATOR,
    VILLAGE_BASE_INDICATOR,
    "transferred_out",
    "transferred_in",
    *(f"removed_{k}" for k in CHANGE_KINDS if k not in ADDED_ONLY_KINDS),
    *(f"added_{k}" for k in CHANGE_KINDS if k not in REMOVED_ONLY_KINDS),
)


# --- where the zones' townships went ----------------------------------------------------------


@dataclass(frozen=True)
class ZoneDestination:
    code: str  # the unit's code in the later list
    name: str
    county_adcode: str


def zone_destination(unit: TownshipUnit, later: Iterable[TownshipUnit]) -> ZoneDestination | None:
    """The unit of a later list with the same stem in the same prefecture, if exactly one."""
    matches = [
        u
        for u in later
        if u.where.prefecture_adcode == unit.where.prefecture_adcode and name_stem(u.name) == name_stem(unit.name)
    ]
    if len(matches) != 1:
        return None
    m = matches[0]
    return ZoneDestination(m.code, m.name, m.where.area_adcode)
