"""The townships of one NBS list as the map sees them, and township names in facility lists matched to them.

``township_units.csv`` and ``township_villages.csv`` (data/townships/, built by scripts/build_townships.py) give
every township of each list with its village-level committees. A township listed under a development zone counts
in the district containing the zone (layers/zones.py), as every county figure does.

A facility list may name the township (乡镇/街道) of each site. :class:`TownshipIndex` matches that name within
the site's county against the townships of the chosen list: the name as listed, or the same place name with
another type word (斌郎乡 = 斌郎街道, 东升街道办事处 = 东升街道). A name from before the 2019–2020 reform follows
``township_changes_2018_2021.csv``: a township merged away counts for the one that absorbed it, a renamed one
under its new name, a transferred one in the county it went to; a township split between several, or merged
into one the code lists do not trace, is reported with the candidates, never guessed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache

import pandas as pd

from geodata.codes import CONTAINING_DISTRICT, gazetteer
from geodata.resources import shipped
from layers.annotations import CHANGE_KIND_LABELS, read_township_changes
from layers.facilities import FacilityList
from layers.tables import DataValidationError, Problem, read_csv
from layers.townships import name_stem

TOWNSHIP_DIR = shipped("data", "townships")
LIST_YEARS = (2018, 2019, 2020, 2021, 2023)
CHANGES_TO = 2021  # township_changes_2018_2021.csv: from the 2018 list to the 2021 list
_LINK = re.compile(r"(\d{9}) (\S+) \((\d+)\)")
_SPACES = re.compile(r"[\s\u3000]+")


@lru_cache(maxsize=1)
def _units() -> pd.DataFrame:
    """Every counted township of every list, with its committees and the county that holds it on the map."""
    display = "data/townships/township_units.csv"
    header, rows = read_csv(TOWNSHIP_DIR / "township_units.csv", display)
    expected = ["year", "code", "name", "type", "listed_county_adcode", "county_adcode", "zone_adcode"]
    if header[: len(expected)] != expected:
        raise DataValidationError([Problem(display, None, None, f"header must start {expected}, is {header}")])
    _, village_rows = read_csv(TOWNSHIP_DIR / "township_villages.csv", "data/townships/township_villages.csv")
    committees = {
        (r["year"], r["code"]): (int(r["village_committees"]), int(r["residents_committees"])) for r in village_rows
    }
    gaz = gazetteer()
    problems: list[Problem] = []
    records = []
    for i, r in enumerate(rows, start=1):
        county = r["county_adcode"] or CONTAINING_DISTRICT.get(r["zone_adcode"], "")
        if county not in gaz.by_code or gaz.by_code[county].level != "county":
            problems.append(Problem(display, i, "county_adcode", f"{county!r} is not a county (or a zone's district)"))
            continue
        if (r["year"], r["code"]) not in committees:
            problems.append(
                Problem(display, i, "code", f"{r['code']} ({r['year']}) has no row in township_villages.csv")
            )
            continue
        vc, rc = committees[r["year"], r["code"]]
        records.append((int(r["year"]), r["code"], r["name"], r["type"], county, r["zone_adcode"], vc, rc))
    if problems:
        raise DataValidationError(problems)
    columns = ["year", "code", "name", "type", "county", "zone", "village_committees", "residents_committees"]
    out = pd.DataFrame.from_records(records, columns=columns)
    out["villages"] = out["village_committees"] + out["residents_committees"]
    # English names of the lists after the reform (scripts/build_township_names_en.py): a romanisation fallback.
    _, english = read_csv(TOWNSHIP_DIR / "township_names_en.csv", "data/townships/township_names_en.csv")
    name_en = {r["code"]: r["name_en"] for r in english}
    out["name_en"] = [name_en.get(c, "") for c in out["code"]]
    out["prefecture"] = [gaz.by_code[c].parent_adcode for c in out["county"]]
    return out


def townships(year: int) -> pd.DataFrame:
    """The townships of one list (a copy): code, name, type (乡/镇/街道), county (today's code; a zone's
    townships in its district), zone, prefecture, village_committees, residents_committees, villages, name_en
    (the lists after the reform; "" for older ones)."""
    if year not in LIST_YEARS:
        raise ValueError(f"no township list for {year}; the lists are {LIST_YEARS}")
    units = _units()
    return units[units["year"] == year].drop(columns="year").reset_index(drop=True)


# --- matching names --------------------------------------------------------------------------------------

MATCH_TEXT: dict[str, tuple[str, str]] = {
    "exact": ("乡镇名称一致", "township name as listed"),
    "place_name": ("地名一致（类型字不同）", "same place name (another type word)"),
    "reform": ("按乡镇区划调整改革归并", "followed through the township reform"),
    "ambiguous": ("乡镇名称有歧义（请选择）", "ambiguous township name (choose one)"),
    "unmatched": ("该县没有这个乡镇", "no such township in the county"),
    "other_county": ("该乡镇在另一个县", "this township is in another county"),
    "untraced": ("该乡镇已撤并，名单未记载并入何处", "merged away; the lists do not trace where"),
    "empty": ("乡镇为空", "empty township cell"),
}
PLACED = ("exact", "place_name", "reform")


@dataclass(frozen=True)
class TownshipMatch:
    status: str  # a key of MATCH_TEXT; PLACED statuses have a township
    query: str
    code: str | None = None  # the township of the chosen list the site counts for
    name: str | None = None
    county: str | None = None  # the county holding it (a transfer can move a site to another county)
    old: tuple[int, str, str] | None = None  # (year, code, name) of the older list's township the name is
    kind: str = ""  # what happened to it 2018 → 2021 (a key of CHANGE_KIND_LABELS), if it was removed
    candidates: tuple[tuple[str, str, str], ...] = ()  # (code, name, county) of the chosen list

    @property
    def placed(self) -> bool:
        return self.status in PLACED

    def text(self, lang: str = "zh") -> str:
        zh, en = MATCH_TEXT[self.status]
        return en if lang == "en" else zh

    def note(self, lang: str = "zh") -> str:
        """What the lists say about an older name: "2018年名单：下长镇（511524108，移交……）→ 下长镇（511523118）"."""
        if self.old is None:
            return ""
        year, code, name = self.old
        kind = CHANGE_KIND_LABELS[self.kind][1 if lang == "en" else 0] if self.kind else ""
        where = (
            f"{name} ({code}{', ' + kind if kind else ''})"
            if lang == "en"
            else f"{name}（{code}{'，' + kind if kind else ''}）"
        )
        text = f"{year} list: {where}" if lang == "en" else f"{year}年名单：{where}"
        if self.code is not None:
            text += f" → {self.name} ({self.code})" if lang == "en" else f" → {self.name}（{self.code}）"
        return text


def clean_name(text: str) -> str:
    return _SPACES.sub("", str(text)).strip()


@lru_cache(maxsize=2)
def township_index(year: int) -> TownshipIndex:
    """The index of one list, built once per process (about half a second)."""
    return TownshipIndex(year)


class TownshipIndex:
    """Township names of one list (``year``), per county, with the older lists' names that lead to them."""

    def __init__(self, year: int):
        if year < CHANGES_TO:
            raise ValueError(f"names are matched against a list after the reform ({CHANGES_TO} or later), not {year}")
        self.year = year
        units = _units()
        self.current = townships(year)
        self._by_code = {str(r.code): r for r in self.current.itertuples()}
        self._stems: dict[tuple[str, str], list[str]] = defaultdict(list)  # (county, stem) -> codes of this list
        self._names: dict[tuple[str, str], list[str]] = defaultdict(list)
        for r in self.current.itertuples():
            self._stems[str(r.county), name_stem(str(r.name))].append(str(r.code))
            self._names[str(r.county), str(r.name)].append(str(r.code))
        self._province_stems: dict[str, list[str]] = defaultdict(list)
        for (_county, stem), codes in self._stems.items():
            self._province_stems[stem] += codes
        # Older lists: (county, stem) -> [(year, code, name)], the latest list first.
        self._old: dict[tuple[str, str], list[tuple[int, str, str]]] = defaultdict(list)
        older = units[units["year"] < year].sort_values(["year", "code"], ascending=[False, True])
        # and (prefecture, stem) -> counties: a township that moved to another county in the reform (普诗乡,
        # 昭觉县 → 西昌市) may be listed under the county it went to.
        self._old_counties: dict[tuple[str, str], list[str]] = defaultdict(list)
        for r in older.itertuples():
            key = (str(r.county), name_stem(str(r.name)))
            self._old[key].append((int(str(r.year)), str(r.code), str(r.name)))
            if key[0] not in self._old_counties[str(r.prefecture), key[1]]:
                self._old_counties[str(r.prefecture), key[1]].append(key[0])
        # The 2021 list's townships by (county, stem), to carry a 2021 successor into a later list.
        self._stems_2021: dict[str, tuple[str, str]] = {}
        for r in units[units["year"] == CHANGES_TO].itertuples():
            self._stems_2021[str(r.code)] = (str(r.county), name_stem(str(r.name)))
        changes = read_township_changes()
        removed = changes[changes["change"] == "removed"]
        self._removed = {
            str(r.code): (str(r.kind), [(m[0], m[1]) for m in _LINK.findall(str(r.linked))])
            for r in removed.itertuples()
        }

    def _triple(self, code: str) -> tuple[str, str, str]:
        r = self._by_code[code]
        return str(r.code), str(r.name), str(r.county)

    def _placed(
        self, status: str, query: str, code: str, old: tuple[int, str, str] | None = None, kind: str = ""
    ) -> TownshipMatch:
        code, name, county = self._triple(code)
        return TownshipMatch(status, query, code, name, county, old, kind)

    def _later(self, code_2021: str) -> str | None:
        """A township of the 2021 list in this index's list (the same place name in the same county)."""
        if self.year == CHANGES_TO:
            return code_2021 if code_2021 in self._by_code else None
        key = self._stems_2021.get(code_2021)
        found = self._stems.get(key, []) if key else []
        return found[0] if len(found) == 1 else None

    def match(self, county: str, text: str) -> TownshipMatch:
        """The township of this list in ``county`` that a site's township cell names."""
        query = clean_name(text)
        if not query:
            return TownshipMatch("empty", query)
        name = self._strip_region(county, query)
        exact = self._names.get((county, name), [])
        if len(exact) == 1:
            return self._placed("exact", query, exact[0])
        stem = name_stem(name)
        # An old name removed in the reform goes where the lists say, even when a township of the same place
        # name remains (进安回族乡 was merged into 进安镇: same result, and the report says why).
        gone = [o for o in self._old.get((county, stem), []) if o[2] == name and o[0] == 2018 and o[1] in self._removed]
        if gone:
            return self._through_reform(query, gone)
        same = self._stems.get((county, stem), [])
        if len(same) == 1:
            return self._placed("place_name", query, same[0])
        if len(same) > 1:
            return TownshipMatch("ambiguous", query, candidates=tuple(self._triple(c) for c in same))
        old = self._old.get((county, stem), [])
        if old:
            return self._through_reform(query, old)
        prefecture = gazetteer().by_code[county].parent_adcode
        moved_here = [
            found
            for other in self._old_counties.get((prefecture, stem), [])
            if (found := self._through_reform(query, self._old[other, stem])).placed and found.county == county
        ]
        if len(moved_here) == 1:
            return moved_here[0]
        elsewhere = tuple(self._triple(c) for c in self._province_stems.get(stem, []))
        if elsewhere:
            near = tuple(c for c in elsewhere if gazetteer().by_code[c[2]].parent_adcode == prefecture)
            return TownshipMatch("other_county", query, candidates=(near or elsewhere)[:8])
        return TownshipMatch("unmatched", query)

    def _strip_region(self, county: str, name: str) -> str:
        """``凉山州西昌市川兴镇`` → ``川兴镇``: a leading prefecture or county name is where, not which township."""
        gaz = gazetteer()
        for code in (gaz.by_code[county].parent_adcode, county):
            d = gaz.by_code[code]
            for prefix in sorted({d.name, d.short_name}, key=len, reverse=True):
                if prefix and name.startswith(prefix) and len(name) > len(prefix):
                    name = name[len(prefix) :]
                    break
        return name

    def _through_reform(self, query: str, old: list[tuple[int, str, str]]) -> TownshipMatch:
        """An older list's township (the latest list naming it first) followed to this list."""
        latest = old[0]
        if latest[0] >= CHANGES_TO:  # in the 2021 list, gone by a later one (a zone's township renumbered)
            later = self._later(latest[1])
            if later is not None:
                return self._placed("reform", query, later, latest)
            return TownshipMatch("untraced", query, old=latest)
        # A 2019/2020 name that the 2018 list has too is followed from 2018 (the changes file starts there).
        first = next((o for o in old if o[0] == 2018), None)
        if first is None or first[1] not in self._removed:
            return TownshipMatch("untraced", query, old=latest)
        kind, linked = self._removed[first[1]]
        targets = list(dict.fromkeys(c for c in (self._later(link) for link, _ in linked) if c is not None))
        if kind == "split" and len(targets) > 1:
            candidates = tuple(self._triple(c) for c in targets)
            return TownshipMatch("ambiguous", query, old=first, kind=kind, candidates=candidates)
        if len(targets) == 1:
            return self._placed("reform", query, targets[0], first, kind)
        return TownshipMatch("untraced", query, old=first, kind=kind)


# --- a facility list's sites placed in townships ------------------------------------------------------


@dataclass(frozen=True)
class TownshipPlacement:
    """The located sites of a facility list with the township each counts for (or why none).

    ``facilities`` is the list with two changes: a site located by its county's name whose township moved to
    another county in the reform counts in that county; and ``points`` gains ``township`` (the code, or None),
    ``township_name`` and ``township_status`` (a key of MATCH_TEXT; None for a site not located at all).
    """

    year: int
    facilities: FacilityList
    matches: Mapping[int, TownshipMatch]  # row -> match, for every located row
    moved: Mapping[int, tuple[str, str]]  # row -> (county as located, county it counts in)

    @property
    def not_placed(self) -> list[tuple[int, TownshipMatch]]:
        return [(row, m) for row, m in sorted(self.matches.items()) if not m.placed]

    @property
    def through_reform(self) -> list[tuple[int, TownshipMatch]]:
        return [(row, m) for row, m in sorted(self.matches.items()) if m.status == "reform"]

    def counts(self) -> pd.DataFrame:
        """Sites per (county, township); township "" for the located sites that are in no township."""
        located = self.facilities.located
        keys = pd.DataFrame({"county": located["county"], "township": located["township"].fillna("")})
        out = keys.groupby(["county", "township"]).size().rename("sites").reset_index()
        return out.astype({"sites": int})


def place_in_townships(
    facilities: FacilityList,
    cells: Mapping[int, str],
    year: int,
    choices: Mapping[tuple[str, str], str] | None = None,
) -> TownshipPlacement:
    """Match each located site's township cell (``cells``: row -> text) in its county against the list of
    ``year``. ``choices`` are the planner's answers: (county, cell as cleaned) -> a township code of that county
    in that list (an ambiguous, untraced or unknown name resolved by hand)."""
    index = township_index(year)
    choices = dict(choices or {})
    known = set(index.current["code"])
    points = facilities.points.copy()
    townships_col: list[str | None] = []
    names: list[str | None] = []
    statuses: list[str | None] = []
    matches: dict[int, TownshipMatch] = {}
    moved: dict[int, tuple[str, str]] = {}
    for row, county, by in zip(points.index, points["county"], points["located_by"], strict=True):
        if county is None:
            townships_col.append(None)
            names.append(None)
            statuses.append(None)
            continue
        query = clean_name(cells.get(int(row), ""))
        chosen = choices.get((str(county), query))
        if chosen is not None and chosen in known:
            match = index._placed("exact", query, chosen)  # the planner's answer, within the county
        else:
            match = index.match(str(county), query)
        if match.placed and match.county != county:
            if by == "point":  # the coordinates say another county: the cell is not trusted over them
                match = TownshipMatch(
                    "other_county",
                    query,
                    old=match.old,
                    kind=match.kind,
                    candidates=((str(match.code), str(match.name), str(match.county)),),
                )
            else:
                moved[int(row)] = (str(county), str(match.county))
                points.loc[row, "county"] = match.county
                points.loc[row, "prefecture"] = gazetteer().by_code[str(match.county)].parent_adcode
        matches[int(row)] = match
        townships_col.append(match.code if match.placed else None)
        names.append(match.name if match.placed else None)
        statuses.append(match.status)
    points["township"] = townships_col
    points["township_name"] = names
    points["township_status"] = statuses
    return TownshipPlacement(year, replace(facilities, points=points), matches, moved)
