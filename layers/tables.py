"""Reading and validating the data tables described in ``data/datapackage.json``.

Every row is checked against its resource's field schema and the gazetteer before any layer sees
it. Problems are collected, not stopped at the first, and each names file, row and column.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from geodata.codes import Gazetteer, NoBoundaryError, RegionLookupError, gazetteer
from geodata.resources import shipped

DATA_DIR = shipped("data")
DATAPACKAGE = DATA_DIR / "datapackage.json"

# Census rows for statistical development zones carry this level; the township table uses "zone".
ZONE_LEVELS = {"county_stat_area", "zone"}


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None  # 1-based data row (the header is not counted); None for the whole file
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row} (line {self.row + 1})"
        if self.column:
            where += f", column {self.column!r}"
        return f"{where}: {self.message}"


class DataValidationError(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[:20])
        more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} problem(s) in shipped data:\n{shown}{more}")


@dataclass(frozen=True)
class Source:
    """Where figures come from. ``title`` and ``path`` are the provenance for maintainers (repository, file,
    commit, script: data/datapackage.json and data/README.md only); :meth:`name` is what a person reads."""

    title: str
    path: str | None = None  # URL or repository path
    publisher_zh: str = ""  # 国家统计局
    publisher_en: str = ""  # National Bureau of Statistics
    table_zh: str = ""  # 第七次全国人口普查分县资料
    table_en: str = ""  # 2020 census tabulation by county
    year: str = ""  # "2020", "2018–2023" or "2018, 2021" (shown with 、 in Chinese)
    # A source of several years (the yearly code lists): each layer names the year its figures are from.
    year_of_layer: bool = False

    def name(self, lang: str = "zh", *, short: bool = False) -> str:
        """The source in plain words in ``lang``: publisher, table and year ("国家统计局 第七次全国人口普查分县资料
        （2020）"; English "National Bureau of Statistics, 2020 census tabulation by county (2020)"); ``short``
        leaves the publisher out. A source without plain names (a planner's own layer) is given as written."""
        en = lang == "en"
        table = self.table_en if en else self.table_zh
        if not table:
            return self.title
        year = self.year.replace(", ", "、") if not en else self.year
        text = table if not year else f"{table} ({year})" if en else f"{table}（{year}）"
        publisher = self.publisher_en if en else self.publisher_zh
        if short or not publisher:
            return text
        return f"{publisher}, {text}" if en else f"{publisher} {text}"


PLAIN_NAME_FIELDS = ("publisher_zh", "publisher_en", "table_zh", "table_en", "year")


def source_from_json(entry: dict[str, Any]) -> Source:
    """A source entry of data/datapackage.json or data/layers.toml."""
    plain = {k: str(entry.get(k, "")) for k in PLAIN_NAME_FIELDS}
    return Source(entry["title"], entry.get("path"), **plain, year_of_layer=bool(entry.get("year_of_layer")))


def with_layer_year(sources: Sequence[Source], year: int) -> tuple[Source, ...]:
    """``sources`` as the sources of figures of ``year``: a source of several years names that year."""
    return tuple(replace(s, year=str(year)) if s.year_of_layer else s for s in sources)


def source_names(sources: Sequence[Source], lang: str = "zh", *, short: bool = False) -> str:
    """Sources in plain words joined by "; "; one table used for several years is named once with its years
    ("国家统计局 统计用区划代码（2018、2021）")."""
    merged: dict[tuple[str, str, str], Source] = {}
    for s in sources:
        key = (s.publisher_zh, s.table_zh, s.title if not s.table_zh else "")
        seen = merged.get(key)
        if seen is None:
            merged[key] = s
        else:
            years = sorted({*seen.year.split(", "), *s.year.split(", ")} - {""})
            merged[key] = replace(seen, year=", ".join(years))
    return "; ".join(dict.fromkeys(s.name(lang, short=short) for s in merged.values()))


@dataclass(frozen=True)
class Resource:
    name: str
    path: Path
    title: str
    format: str
    sources: tuple[Source, ...]
    licence: str
    notes: str
    fields: tuple[dict[str, Any], ...] = field(compare=False)

    @property
    def display_path(self) -> str:
        try:
            return str(self.path.relative_to(DATA_DIR.parent))
        except ValueError:
            return str(self.path)


def read_datapackage(path: Path = DATAPACKAGE) -> dict[str, Resource]:
    meta = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, Resource] = {}
    for r in meta["resources"]:
        out[r["name"]] = Resource(
            name=r["name"],
            path=path.parent / r["path"],
            title=r.get("title", ""),
            format=r.get("format", "table"),
            sources=tuple(source_from_json(s) for s in r.get("sources", ())),
            licence="; ".join(lic.get("title") or lic["name"] for lic in r.get("licenses", ())),
            notes=r.get("notes", ""),
            fields=tuple(r.get("schema", {}).get("fields", ())),
        )
    return out


def _check_value(value: str, spec: dict[str, Any], gaz: Gazetteer) -> str | None:
    kind = spec.get("type", "string")
    if value == "":
        return "is empty but required" if spec.get("required") else None
    if kind == "number":
        try:
            number = float(value)
        except ValueError:
            hint = "; write numbers without thousands separators" if "," in value else ""
            return f"{value!r} is not a number{hint}"
        if not math.isfinite(number):
            return f"{value!r} is not a finite number"
        # Shipped figures are counts, shares and ratios: below zero only where the schema allows it.
        minimum = spec.get("constraints", {}).get("minimum", 0)
        if number < minimum:
            return f"{value} is below {minimum}"
    elif kind == "year":
        if not (value.isdigit() and 1949 <= int(value) <= 2100):
            return f"{value!r} is not a year"
    elif kind == "adcode":
        if not (len(value) == 6 and value.isdigit()):
            hint = " (a number with a thousands separator, e.g. 902,933, must be quoted)" if "," in value else ""
            return f"{value!r} is not a six-digit division code{hint}"
        if value not in gaz.by_code:
            return f"{value} is not a Sichuan division code in any listed year"
    if "enum" in spec and value not in spec["enum"]:
        return f"{value!r} is not one of {spec['enum']}"
    return None


def validate_rows(resource: Resource, rows: list[dict[str, str]], header: list[str], gaz: Gazetteer) -> list[Problem]:
    problems: list[Problem] = []
    file = resource.display_path
    if not resource.sources:
        problems.append(Problem(file, None, None, "resource names no source in datapackage.json"))
    for s in resource.sources:
        if not (s.table_zh and s.table_en and s.publisher_zh and s.publisher_en):
            problems.append(
                Problem(file, None, None, f"source {s.title!r} needs plain names (publisher_zh/_en, table_zh/_en)")
            )
    if not resource.licence:
        problems.append(Problem(file, None, None, "resource names no licence in datapackage.json"))
    expected = [f["name"] for f in resource.fields]
    missing = [c for c in expected if c not in header]
    if missing:
        problems.append(Problem(file, None, None, f"missing column(s) {missing}; header is {header}"))
        return problems
    if not rows:
        problems.append(Problem(file, None, None, "has a header but no data rows"))
    for i, row in enumerate(rows, start=1):
        if None in row or None in row.values():  # csv.DictReader: extra fields under None, missing ones None
            n = len(header) + len(row.get(None) or ()) - sum(v is None for v in row.values())  # type: ignore[call-overload]
            extra = n > len(header)
            column = header[-1] if extra else header[n] if n < len(header) else None
            hint = " (an unquoted comma, e.g. a thousands separator as in 902,933?)" if extra else ""
            problems.append(Problem(file, i, column, f"row has {n} fields but the header has {len(header)}{hint}"))
            continue
        for spec in resource.fields:
            message = _check_value((row.get(spec["name"]) or "").strip(), spec, gaz)
            if message:
                problems.append(Problem(file, i, spec["name"], message))
        if any(p.row == i for p in problems):
            continue
        if "adcode" in row and "level" in row:
            problems.extend(_check_level(file, i, row, gaz))
        for name_col, code_col in (("name", "adcode"), ("scope_name", "scope_adcode")):
            if name_col in row and code_col in row:
                problems.extend(_check_name(file, i, row[name_col], row[code_col], name_col, gaz))
    rows_ok = [r for i, r in enumerate(rows, start=1) if not any(p.row == i for p in problems)]
    if {"adcode", "level", "year", "indicator"} <= set(header):
        problems.extend(_check_duplicates(file, rows_ok, gaz))
    else:
        problems.extend(_check_duplicate_keys(file, resource.name, rows_ok, header))
    return sorted(problems, key=lambda p: p.row or 0)


# Rows that must be unique, beyond the long tables' (region, level, year, indicator); else whole rows.
PRIMARY_KEYS = {
    "poverty_counties": ("adcode",),
    "seed_figures": ("id",),
    "local_reports_elderly_care": ("adcode", "year", "indicator", "source_url"),
    "local_reports_child_protection": ("adcode", "year", "indicator", "source_url"),
}


def _check_duplicate_keys(file: str, name: str, rows: list[dict[str, str]], header: list[str]) -> list[Problem]:
    key_columns = PRIMARY_KEYS.get(name, tuple(header))
    seen: dict[tuple[str | None, ...], int] = {}
    problems = []
    for i, row in enumerate(rows, start=1):
        key = tuple(row.get(c) for c in key_columns)
        if key in seen:
            what = "row" if key_columns == tuple(header) else ", ".join(f"{c}={row.get(c)}" for c in key_columns)
            problems.append(Problem(file, i, key_columns[0], f"duplicate {what}: already given in row {seen[key]}"))
        else:
            seen[key] = i
    return problems


def _check_name(file: str, i: int, name: str, code: str, column: str, gaz: Gazetteer) -> list[Problem]:
    """A row's name must name its code's region (today's name, an old one, or a spelling that resolves)."""
    division, current = gaz.by_code[code], gaz.get(code)
    names = division.aliases() | current.aliases()
    # 马尔康县 (the 2014 poverty list) for 马尔康市: a county turned city before the gazetteer's first year.
    if name in names or re.sub(r"(县|市|区)$", "", name) in names:
        return []
    try:
        resolved = gaz.resolve(name)
    except NoBoundaryError as exc:
        resolved = exc.zone.adcode
    except RegionLookupError:
        resolved = None
    if resolved == current.adcode:
        return []
    return [Problem(file, i, column, f"{name!r} contradicts the code {code}, which is {division.name}")]


def _check_level(file: str, i: int, row: dict[str, str], gaz: Gazetteer) -> list[Problem]:
    division = gaz.by_code[row["adcode"]]
    level = row["level"]
    ok = division.level == "zone" if level in ZONE_LEVELS else gaz.get(row["adcode"]).level == level
    if ok:
        return []
    return [Problem(file, i, "adcode", f"{row['adcode']} ({division.name}) is a {division.level}, not a {level}")]


def _check_duplicates(file: str, rows: list[dict[str, str]], gaz: Gazetteer) -> list[Problem]:
    seen: dict[tuple[str, ...], int] = {}
    problems = []
    for i, row in enumerate(rows, start=1):
        if row.get("adcode", "") not in gaz.by_code:
            continue
        key = (gaz.current_code(row["adcode"]), row["level"], row["year"], row["indicator"])
        if key in seen:
            problems.append(
                Problem(
                    file,
                    i,
                    "adcode",
                    f"duplicate region: {row['adcode']} {row['indicator']} {row['year']} "
                    f"already given in row {seen[key]}",
                )
            )
        else:
            seen[key] = i
    return problems


def read_csv(path: Path, display: str) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a UTF-8 CSV; a file in another encoding or without a header is named as such."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raw = path.read_bytes()
        guess = ""
        with contextlib.suppress(UnicodeDecodeError):
            raw.decode("gb18030")
            guess = " It decodes as GBK/GB18030: convert it to UTF-8."
        line = raw[: exc.start].count(b"\n") + 1
        problem = Problem(display, None, None, f"is not UTF-8 (byte {exc.start}, line {line}: {exc.reason}).{guess}")
        raise DataValidationError([problem]) from None
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = list(reader.fieldnames or [])
    if not header:
        raise DataValidationError([Problem(display, None, None, "is empty: no header row")])
    return header, list(reader)


def read_resource(resource: Resource, gaz: Gazetteer | None = None) -> pd.DataFrame:
    """All rows of a resource as strings, after validation (raises :class:`DataValidationError`)."""
    gaz = gaz or gazetteer()
    if not resource.path.exists():
        raise DataValidationError([Problem(resource.display_path, None, None, "file does not exist")])
    header, rows = read_csv(resource.path, resource.display_path)
    problems = validate_rows(resource, rows, header, gaz)
    if problems:
        raise DataValidationError(problems)
    return pd.DataFrame(rows, columns=header, dtype=str)


@cache
def _cached_long(path: Path) -> pd.DataFrame:
    resources = {r.path: r for r in read_datapackage().values()}
    return long_table(resources[path])


def long_table(resource: Resource, gaz: Gazetteer | None = None) -> pd.DataFrame:
    """A long table (adcode, level, year, indicator, value) with current codes and float values.

    Zone rows keep their own code and level ``zone``; the crosswalk maps historical codes.
    """
    gaz = gaz or gazetteer()
    df = read_resource(resource, gaz)
    out = pd.DataFrame(
        {
            "adcode": df["adcode"].map(gaz.current_code),
            "source_adcode": df["adcode"],
            "level": df["level"].where(~df["level"].isin(ZONE_LEVELS), "zone"),
            "year": df["year"].astype(int),
            "indicator": df["indicator"],
            "value": df["value"].astype(float),
        }
    )
    return out


def shipped_long_table(name: str) -> pd.DataFrame:
    return _cached_long(read_datapackage()[name].path)
