"""Cited local reports: scattered supply-side figures shown as notes on the regions they name.

They are never turned into a choropleth: one region's figure would imply zero elsewhere.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from geodata.codes import gazetteer
from geodata.resources import shipped
from layers.tables import DataValidationError, Problem, read_csv, read_datapackage, read_resource
from layers.zones import contained_zones

REPORT_RESOURCES = {
    "local_reports_elderly_care": ("养老服务", "Elderly care"),
    "local_reports_child_protection": ("未成年人保护", "Child protection"),
}


@lru_cache(maxsize=1)
def local_reports() -> pd.DataFrame:
    """All local reports with current codes; ``value`` stays text (e.g. "600+")."""
    gaz = gazetteer()
    frames = []
    for name, (theme_zh, theme_en) in REPORT_RESOURCES.items():
        df = read_resource(read_datapackage()[name]).copy()
        df["adcode"] = df["adcode"].map(gaz.current_code)
        df["theme_zh"], df["theme_en"], df["resource"] = theme_zh, theme_en, name
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def reports_for(adcode: str) -> pd.DataFrame:
    """Reports about a region itself, and about its counties when it is a prefecture."""
    df = local_reports()
    gaz = gazetteer()
    children = {d.adcode for d in gaz.children(adcode)}
    return df[(df["adcode"] == adcode) | df["adcode"].isin(children)].reset_index(drop=True)


TOWNSHIP_CHANGES = shipped("data", "townships", "township_changes_2018_2021.csv")


def read_township_changes(path: Path = TOWNSHIP_CHANGES) -> pd.DataFrame:
    """The derived table of township changes, checked: county codes, change kinds, nine-digit township
    codes under their county, no township listed twice (raises :class:`DataValidationError`)."""
    display = f"data/townships/{path.name}"
    header, rows = read_csv(path, display)
    gaz = gazetteer()
    problems: list[Problem] = []
    columns = ["county_adcode", "change", "code", "name", "type", "note", "kind", "linked"]
    if header != columns:
        raise DataValidationError([Problem(display, None, None, f"header must be {columns}, is {header}")])
    seen: dict[tuple[str, str], int] = {}
    for i, row in enumerate(rows, start=1):
        if None in row or None in row.values():
            problems.append(Problem(display, i, None, "row has a different number of fields than the header"))
            continue
        county = gaz.by_code.get(row["county_adcode"])
        if county is None or county.level not in ("county", "zone"):
            message = f"{row['county_adcode']!r} is not a county or development-zone code"
            problems.append(Problem(display, i, "county_adcode", message))
        if row["change"] not in ("removed", "added"):
            problems.append(Problem(display, i, "change", f"{row['change']!r} is not 'removed' or 'added'"))
        if row["kind"] not in CHANGE_KIND_LABELS:
            problems.append(Problem(display, i, "kind", f"{row['kind']!r} is not one of {list(CHANGE_KIND_LABELS)}"))
        if not (len(row["code"]) == 9 and row["code"].isdigit()):
            problems.append(Problem(display, i, "code", f"{row['code']!r} is not a nine-digit township code"))
        if not row["name"].strip():
            problems.append(Problem(display, i, "name", "is empty but required"))
        key = (row["change"], row["code"])
        if key in seen:
            problems.append(
                Problem(display, i, "code", f"township {row['code']} {row['change']} twice (row {seen[key]})")
            )
        seen.setdefault(key, i)
    if problems:
        raise DataValidationError(problems)
    return pd.DataFrame(rows, columns=header, dtype=str)


@lru_cache(maxsize=1)
def _township_changes() -> pd.DataFrame:
    return read_township_changes()


# The kinds of change in township_changes_2018_2021.csv (layers/townships.py decides them by shared villages).
CHANGE_KIND_LABELS: dict[str, tuple[str, str]] = {
    "merger": ("合并", "merger"),
    "split": ("拆分", "split"),
    "transfer": ("移交（在县或开发区之间）", "transfer (between counties or zones)"),
    "transfer_merger": (
        "移交并入（并入别县或开发区的乡镇）",
        "transferred and merged (into another county's or zone's township)",
    ),
    "rename": ("更名", "rename"),
    "new": ("新设（村未追踪到）", "new (no villages traced)"),
}


def township_changes(adcode: str, lang: str = "zh") -> pd.DataFrame:
    """Townships removed and added 2018→2021 in a county (with any development zone inside it), or in
    every county of a prefecture; ``kind_label`` names the kind of change in ``lang``."""
    df = _township_changes()
    gaz = gazetteer()
    codes = {adcode} | {d.adcode for d in gaz.children(adcode)}
    codes |= {zone for code in codes for zone in contained_zones(code)}
    out = df[df["county_adcode"].isin(codes)].reset_index(drop=True)
    out["kind_label"] = [CHANGE_KIND_LABELS[k][1 if lang == "en" else 0] for k in out["kind"]]
    return out
