"""Reading and validating the data tables described in ``data/datapackage.json``.

Every row is checked against its resource's field schema and the gazetteer before any layer sees
it. Problems are collected, not stopped at the first, and each names file, row and column.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from geodata.codes import Gazetteer, gazetteer

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
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
    title: str
    path: str | None = None  # URL or repository path
    short: str | None = None  # a few words for tooltips and captions

    def label(self) -> str:
        return self.title if not self.path else f"{self.title} <{self.path}>"


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
            sources=tuple(Source(s["title"], s.get("path"), s.get("short")) for s in r.get("sources", ())),
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
            return f"{value!r} is not a number"
        if not math.isfinite(number):
            return f"{value!r} is not a finite number"
    elif kind == "year":
        if not (value.isdigit() and 1949 <= int(value) <= 2100):
            return f"{value!r} is not a year"
    elif kind == "adcode":
        if not (len(value) == 6 and value.isdigit()):
            return f"{value!r} is not a six-digit division code"
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
    if not resource.licence:
        problems.append(Problem(file, None, None, "resource names no licence in datapackage.json"))
    expected = [f["name"] for f in resource.fields]
    missing = [c for c in expected if c not in header]
    if missing:
        problems.append(Problem(file, None, None, f"missing column(s) {missing}; header is {header}"))
        return problems
    for i, row in enumerate(rows, start=1):
        for spec in resource.fields:
            message = _check_value((row.get(spec["name"]) or "").strip(), spec, gaz)
            if message:
                problems.append(Problem(file, i, spec["name"], message))
        if "adcode" in row and "level" in row and not any(p.row == i for p in problems):
            problems.extend(_check_level(file, i, row, gaz))
    if {"adcode", "level", "year", "indicator"} <= set(header):
        problems.extend(_check_duplicates(file, rows, gaz))
    return problems


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


def read_resource(resource: Resource, gaz: Gazetteer | None = None) -> pd.DataFrame:
    """All rows of a resource as strings, after validation (raises :class:`DataValidationError`)."""
    gaz = gaz or gazetteer()
    if not resource.path.exists():
        raise DataValidationError([Problem(resource.display_path, None, None, "file does not exist")])
    with resource.path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header = list(reader.fieldnames or [])
        rows = list(reader)
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
