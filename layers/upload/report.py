"""Upload, step 3: the match report as tables for the planner (row numbers, what the row says, the problem,
the candidates), in the page's language.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from geodata.codes import gazetteer
from geodata.matching import MatchReport
from layers.facilities import FacilityList

Label = Callable[[str], str]  # a region code -> its name in the page's language


def _gazetteer_label(code: str) -> str:
    return gazetteer().full_label(code)


def report_rows(report: MatchReport, lang: str, label: Label = _gazetteer_label) -> pd.DataFrame:
    """Every row that did not match, with its row number, what it says and the closest candidates."""
    status = {
        "unmatched": ("未匹配", "unmatched"),
        "ambiguous": ("有歧义（请选择所属市州）", "ambiguous (choose the prefecture)"),
        "other_level": ("其他层级", "other level"),
        "no_boundary": ("开发区（无边界）", "development zone (no boundary)"),
        "empty": ("地区为空", "empty region cell"),
    }
    i = 1 if lang == "en" else 0
    return pd.DataFrame(
        {
            ("行" if i == 0 else "row"): [r.row for r in report.not_matched],
            ("地区" if i == 0 else "region"): [r.query for r in report.not_matched],
            ("问题" if i == 0 else "problem"): [status[r.status][i] for r in report.not_matched],
            ("候选" if i == 0 else "candidates"): [
                "; ".join(f"{c.code} {label(c.code)}" for c in r.candidates) for r in report.not_matched
            ],
        }
    )


def value_problem_rows(report: MatchReport, lang: str) -> pd.DataFrame:
    words = {
        "empty": ("空（无数据）", "empty (no data)"),
        "non_numeric": ("不是数字（无数据）", "not a number (no data)"),
        "negative": ("负数", "negative"),
    }
    i = 1 if lang == "en" else 0
    problems = list(report.value_problems)
    return pd.DataFrame(
        {
            ("行" if i == 0 else "row"): [p.row for p in problems],
            ("列" if i == 0 else "column"): [p.column for p in problems],
            ("单元格" if i == 0 else "cell"): [p.raw for p in problems],
            ("问题" if i == 0 else "problem"): [words[p.issue][i] for p in problems],
        }
    )


def issue_rows(facilities: FacilityList, lang: str, label: Label = _gazetteer_label) -> pd.DataFrame:
    i = 1 if lang == "en" else 0
    return pd.DataFrame(
        {
            ("行" if i == 0 else "row"): [x.row for x in facilities.issues],
            ("问题" if i == 0 else "problem"): [x.text(lang) for x in facilities.issues],
            ("单元格" if i == 0 else "cells"): [x.value for x in facilities.issues],
            ("候选" if i == 0 else "candidates"): [
                "; ".join(f"{c} {label(c)}" for c in x.candidates) for x in facilities.issues
            ],
        }
    )


LOCATED_BY = {"point": ("坐标", "coordinates"), "region": ("所在县列", "county column")}


def location_rows(facilities: FacilityList, lang: str, label: Label = _gazetteer_label) -> pd.DataFrame:
    """Every site with the county it was assigned: row, name, county (code and name), prefecture, how it was
    located, and its problem if any. A planner checks the sites near a border here, and downloads it."""
    i = 1 if lang == "en" else 0
    points = facilities.points
    problems: dict[int, list[str]] = {}
    for issue in facilities.issues:
        problems.setdefault(issue.row, []).append(issue.text(lang))
    sep = "; " if i else "；"

    def name(code: object) -> str:
        return label(str(code)) if isinstance(code, str) else ""

    return pd.DataFrame(
        {
            ("行" if i == 0 else "Row"): points.index.astype(int),
            ("名称" if i == 0 else "Name"): points["name"],
            ("县级区划代码" if i == 0 else "County code"): points["county"].fillna(""),
            ("所在县" if i == 0 else "County"): [name(c) for c in points["county"]],
            ("所属市州" if i == 0 else "Prefecture"): [name(c) for c in points["prefecture"]],
            ("定位方式" if i == 0 else "Located by"): [
                LOCATED_BY[str(b)][i] if isinstance(b, str) else "" for b in points["located_by"]
            ],
            ("问题" if i == 0 else "Problem"): [sep.join(problems.get(int(r), [])) for r in points.index],
        }
    ).reset_index(drop=True)
