"""The Sichuan gazetteer: current codes and names, aliases, and the crosswalk from old codes.

Built from ``data/gazetteer/`` (derived from the NBS code lists by ``scripts/build_gazetteer.py``).
Every lookup of a region by name or code in the project goes through :func:`resolve`.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from geodata.resources import shipped

DATA_DIR = shipped("data", "gazetteer")
CURRENT_YEAR = 2023
PROVINCE_CODE = "510000"
LEVELS = ("province", "prefecture", "county")

# zone code -> the district whose 2023 outline contains it. layers/zones.py gives each zone's figures to
# that district; tests/test_zones.py derives the containment from the code lists and checks this table.
CONTAINING_DISTRICT: dict[str, str] = {
    "511071": "511002",  # 内江经济开发区 -> 市中区 (内江)
    "511771": "511703",  # 达州经济开发区 -> 达川区
    "511971": "511902",  # 巴中经济开发区 -> 巴州区
}

# Order matters: the longest ethnic designation first, so 阿坝藏族羌族自治州 loses all of it.
_ETHNIC = re.compile(r"(藏族羌族|彝族|藏族|羌族)自治(州|县)$")


class RegionLookupError(LookupError):
    """A name or code that does not lead to exactly one mappable region."""

    def __init__(self, query: str, message: str, candidates: tuple[str, ...] = ()):
        self.query = query
        self.candidates = candidates
        super().__init__(message)


class UnknownRegionError(RegionLookupError):
    pass


class AmbiguousRegionError(RegionLookupError):
    pass


class NoBoundaryError(RegionLookupError):
    """A statistical unit (e.g. an economic development zone) that has no boundary of its own."""

    def __init__(self, query: str, message: str, zone: Division):
        self.zone = zone
        super().__init__(query, message, (zone.adcode,))


@dataclass(frozen=True)
class Division:
    adcode: str
    name: str
    level: str  # province | prefecture | county | zone
    parent_adcode: str
    listed_years: tuple[int, ...]

    @property
    def is_current(self) -> bool:
        return CURRENT_YEAR in self.listed_years

    @property
    def short_name(self) -> str:
        m = _ETHNIC.search(self.name)
        if m:
            return self.name[: m.start()] + m.group(2)
        return self.name

    @property
    def is_ethnic_autonomous(self) -> bool:
        return bool(_ETHNIC.search(self.name))

    def aliases(self) -> set[str]:
        """Every spelling that should resolve to this division (full name included)."""
        names = {self.name, self.short_name}
        for n in (self.name, self.short_name):
            stem = re.sub(r"(省|市|州|县|区)$", "", n)
            # A bare stem (成都, 凉山, 锦江) is a common spelling; keep stems of 2+ characters only.
            if len(stem) >= 2:
                names.add(stem)
        return names


@dataclass(frozen=True)
class CrosswalkEntry:
    old_adcode: str
    old_name: str
    new_adcode: str
    new_name: str
    first_listed_new: str


class Gazetteer:
    def __init__(self, divisions: list[Division], crosswalk: list[CrosswalkEntry]):
        self.by_code = {d.adcode: d for d in divisions}
        self.crosswalk = {c.old_adcode: c for c in crosswalk}
        self._names: dict[str, set[str]] = {}
        for d in divisions:
            if d.is_current or d.level == "zone":
                for alias in d.aliases():
                    self._names.setdefault(alias, set()).add(d.adcode)
        for c in crosswalk:
            old = self.by_code[c.old_adcode]
            for alias in old.aliases():
                self._names.setdefault(alias, set()).add(c.new_adcode)
        self._county_names = Counter(d.name for d in divisions if d.is_current and d.level == "county")

    # --- listings -------------------------------------------------------------------------
    def current(self, level: str) -> list[Division]:
        if level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
        return sorted(
            (d for d in self.by_code.values() if d.is_current and d.level == level),
            key=lambda d: d.adcode,
        )

    def zones(self) -> list[Division]:
        return sorted((d for d in self.by_code.values() if d.level == "zone"), key=lambda d: d.adcode)

    def children(self, adcode: str) -> list[Division]:
        return sorted(
            (d for d in self.by_code.values() if d.is_current and d.parent_adcode == adcode and d.level != "zone"),
            key=lambda d: d.adcode,
        )

    def get(self, adcode: str) -> Division:
        return self.by_code[self.current_code(adcode)]

    def current_code(self, adcode: str) -> str:
        """Follow the crosswalk (possibly several steps) to today's code."""
        seen = set()
        while adcode in self.crosswalk and adcode not in seen:
            seen.add(adcode)
            adcode = self.crosswalk[adcode].new_adcode
        return adcode

    def full_label(self, adcode: str) -> str:
        d = self.by_code[adcode]
        if d.level in ("county", "zone"):
            return self.by_code[d.parent_adcode].name + d.name
        return d.name

    def label(self, adcode: str) -> str:
        """The name as a person reads it, told apart where two counties share it: 市中区（内江）, 市中区（乐山）."""
        d = self.by_code[adcode]
        if d.level in ("county", "zone") and self._county_names[d.name] > 1:
            parent = re.sub(r"(市|州|地区)$", "", self.by_code[d.parent_adcode].short_name)
            return f"{d.name}（{parent}）"
        return d.name

    def names(self) -> dict[str, frozenset[str]]:
        """Every spelling :meth:`resolve` knows by name (aliases, stems, old names) and the codes it leads to."""
        return {name: frozenset(codes) for name, codes in self._names.items()}

    # --- resolution -----------------------------------------------------------------------
    def resolve(self, query: str | int, level: str | None = None) -> str:
        """Today's six-digit code for a code or name; raises a :class:`RegionLookupError` otherwise."""
        if level is not None and level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS} or None, not {level!r}")
        text = str(query).strip().replace("（", "(").replace("）", ")").replace(" ", "")
        if not text:
            raise UnknownRegionError(str(query), "empty region name or code")
        if re.fullmatch(r"\d{6}", text):
            return self._resolve_code(text, level)

        parent_hint = None
        m = re.fullmatch(r"(.+?)\((.+)\)", text)
        if m:
            text, parent_hint = m.group(1), m.group(2)
        codes = set(self._names.get(text, ()))
        if not codes and parent_hint is None:
            # "内江市市中区": a prefecture name glued in front of a county name.
            for pref in self.current("prefecture"):
                for alias in sorted(pref.aliases(), key=len, reverse=True):
                    if text.startswith(alias) and text[len(alias) :] in self._names:
                        codes |= {
                            c for c in self._names[text[len(alias) :]] if self.by_code[c].parent_adcode == pref.adcode
                        }
                        break
        if parent_hint is not None:
            parent = self.resolve(parent_hint)
            codes = {c for c in codes if self.by_code[c].parent_adcode == parent}
        if level is not None:
            codes = {c for c in codes if self.by_code[c].level == level or self.by_code[c].level == "zone"}
        if not codes:
            where = f" at level {level}" if level else ""
            raise UnknownRegionError(str(query), f"no Sichuan region named {str(query)!r}{where}")
        if len(codes) > 1:
            codes = self._prefer(text, codes)
        if len(codes) > 1:
            cands = tuple(sorted(codes))
            listing = ", ".join(f"{c} {self.full_label(c)}" for c in cands)
            raise AmbiguousRegionError(
                str(query),
                f"{str(query)!r} matches {len(cands)} regions: {listing}; add the prefecture, e.g. "
                f"'{text}({self.by_code[self.by_code[cands[0]].parent_adcode].short_name})'",
                cands,
            )
        return self._resolve_code(codes.pop(), level, query=str(query))

    def _prefer(self, text: str, codes: set[str]) -> set[str]:
        # An exact official or short name beats a bare-stem match (会理县 is not 会理市's stem twin).
        exact = {c for c in codes if text in (self.by_code[c].name, self.by_code[c].short_name)}
        if len(exact) == 1:
            return exact
        # A bare stem such as 广安 names the prefecture (广安市), not its district 广安区.
        prefectures = {c for c in codes if self.by_code[c].level == "prefecture"}
        if len(prefectures) == 1 and all(
            self.by_code[c].parent_adcode in prefectures or c in prefectures for c in codes
        ):
            return prefectures
        return codes

    def _resolve_code(self, code: str, level: str | None, query: str | None = None) -> str:
        query = query or code
        if code not in self.by_code:
            raise UnknownRegionError(query, f"{code} is not a Sichuan division code in any listed year")
        current = self.current_code(code)
        d = self.by_code[current]
        if d.level == "zone":
            district = CONTAINING_DISTRICT.get(d.adcode)
            counted = f"{self.label(district)} {district}" if district else f"a district of {d.parent_adcode}"
            raise NoBoundaryError(
                query,
                f"{query!r} is {d.adcode} {d.name}, a statistical development zone of "
                f"{self.by_code[d.parent_adcode].name} {d.parent_adcode} with no boundary of its own; "
                f"its figures are counted in {counted}, the district whose outline contains it",
                d,
            )
        if not d.is_current:
            raise UnknownRegionError(query, f"{code} {d.name} is no longer listed and has no successor")
        if level is not None and d.level != level:
            raise UnknownRegionError(query, f"{query!r} is {d.adcode} {d.name}, a {d.level}, not a {level}")
        return current


class GazetteerError(ValueError):
    """The gazetteer files themselves are broken: reported against them, not the tables that use them."""


def _rows(path: Path, columns: list[str], problems: list[str]) -> list[dict[str, str]]:
    where = f"data/gazetteer/{path.name}"
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.append(f"{where}: is not UTF-8 (byte {exc.start}: {exc.reason})")
        return []
    reader = csv.DictReader(text.splitlines())
    if reader.fieldnames is None or any(c not in reader.fieldnames for c in columns):
        problems.append(f"{where}: header must hold {columns}, has {reader.fieldnames}")
        return []
    rows = []
    for i, r in enumerate(reader, start=1):
        if None in r or None in r.values():
            problems.append(f"{where}, row {i}: {len(r)} fields where the header has {len(reader.fieldnames)}")
        else:
            rows.append({"_row": str(i), **r})
    return rows


def _check_divisions(rows: list[dict[str, str]], problems: list[str]) -> None:
    where = "data/gazetteer/sichuan_divisions.csv"
    seen: dict[str, str] = {}
    for r in rows:
        at = f"{where}, row {r['_row']}"
        if not re.fullmatch(r"\d{6}", r["adcode"]):
            problems.append(f"{at}, column 'adcode': {r['adcode']!r} is not a six-digit code")
        elif r["adcode"] in seen:
            problems.append(f"{at}, column 'adcode': duplicate {r['adcode']}, already in row {seen[r['adcode']]}")
        else:
            seen[r["adcode"]] = r["_row"]
        if r["level"] not in (*LEVELS, "zone"):
            problems.append(f"{at}, column 'level': {r['level']!r} is not one of {[*LEVELS, 'zone']}")
        if not r["name"].strip():
            problems.append(f"{at}, column 'name': empty")
        if not re.fullmatch(r"\d{4}(;\d{4})*", r["listed_years"]):
            problems.append(f"{at}, column 'listed_years': {r['listed_years']!r} is not years separated by ';'")
    for r in rows:
        if r["level"] != "province" and r["parent_adcode"] not in seen:
            problems.append(f"{where}, row {r['_row']}, column 'parent_adcode': {r['parent_adcode']!r} is not listed")


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    problems: list[str] = []
    division_rows = _rows(
        DATA_DIR / "sichuan_divisions.csv", ["adcode", "name", "level", "parent_adcode", "listed_years"], problems
    )
    _check_divisions(division_rows, problems)
    columns = ["old_adcode", "old_name", "new_adcode", "new_name", "first_listed_new"]
    crosswalk_rows = _rows(DATA_DIR / "crosswalk.csv", columns, problems)
    codes = {r["adcode"] for r in division_rows}
    seen_old: set[str] = set()
    for r in crosswalk_rows:
        at = f"data/gazetteer/crosswalk.csv, row {r['_row']}"
        for column in ("old_adcode", "new_adcode"):
            if r[column] not in codes:
                problems.append(f"{at}, column {column!r}: {r[column]!r} is not in sichuan_divisions.csv")
        if r["old_adcode"] in seen_old:
            problems.append(f"{at}, column 'old_adcode': duplicate {r['old_adcode']}")
        seen_old.add(r["old_adcode"])
    if problems:
        raise GazetteerError(
            f"{len(problems)} problem(s) in the gazetteer:\n" + "\n".join(f"  - {p}" for p in problems)
        )
    divisions = [
        Division(
            r["adcode"],
            r["name"],
            r["level"],
            r["parent_adcode"],
            tuple(int(y) for y in r["listed_years"].split(";")),
        )
        for r in division_rows
    ]
    crosswalk = [
        CrosswalkEntry(r["old_adcode"], r["old_name"], r["new_adcode"], r["new_name"], r["first_listed_new"])
        for r in crosswalk_rows
    ]
    return Gazetteer(divisions, crosswalk)


def resolve(query: str | int, level: str | None = None) -> str:
    return gazetteer().resolve(query, level)
