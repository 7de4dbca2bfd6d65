"""The upload page's steps without Streamlit: from a read table and the planner's choices to layers to save.

app/upload.py draws the widgets and calls these; tests drive them directly and through AppTest.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from geodata.codes import gazetteer
from geodata.matching import MatchReport, match_table, normalise_reference
from layers.facilities import PER_CAPITA, FacilityList, aggregate, per_capita
from layers.registry import Registry
from layers.userstore import NewLayer, StoreError, normalise_year

LEAVE_OUT = ""  # the planner's answer "leave this row out" to an ambiguous or unmatched reference


@dataclass(frozen=True)
class LayerMeta:
    title: str
    unit: str
    year: str
    source: str

    def missing(self) -> list[str]:
        return [k for k in ("title", "unit", "year", "source") if not str(getattr(self, k)).strip()]

    def bad_year(self) -> bool:
        """A year is given but is not one (``abc``, ``@SUM(1)``); see :func:`layers.userstore.normalise_year`."""
        try:
            normalise_year(self.year)
        except StoreError:
            return bool(str(self.year).strip())
        return False

    @property
    def year_text(self) -> str:
        """The year as stored: ``2018-2021`` becomes ``2018–2021``."""
        return normalise_year(self.year)


def apply_choices(frame: pd.DataFrame, region_column: str, choices: Mapping[str, str]) -> pd.DataFrame:
    """The table with each reference the planner resolved (ambiguous → a prefecture's county, unmatched → a
    candidate) replaced by the chosen code; ``LEAVE_OUT`` keeps the reference, which stays reported."""
    if not choices:
        return frame
    out = frame.copy()
    refs = out[region_column].map(normalise_reference)
    for query, code in choices.items():
        if code != LEAVE_OUT:
            out.loc[refs == query, region_column] = code
    return out


def match(
    frame: pd.DataFrame, region_column: str, value_columns: Sequence[str], level: str, choices: Mapping[str, str]
) -> MatchReport:
    table = apply_choices(frame, region_column, choices)
    return match_table(table, region_column, value_columns, level, row_numbers=[int(i) for i in frame.index])


def report_rows(report: MatchReport, lang: str) -> pd.DataFrame:
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
                "; ".join(f"{c.code} {c.label}" for c in r.candidates) for r in report.not_matched
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


def table_layers(report: MatchReport, metas: Mapping[str, LayerMeta], kind: str) -> list[tuple[NewLayer, pd.Series]]:
    """One new layer per value column from the matched rows. Raises ``ValueError`` naming what is missing:
    metadata, or duplicates (which row counts is the planner's decision, made in the file). A negative
    figure is refused: these layers are counts, rates and shares."""
    out = []
    for column in report.value_columns:
        meta = metas[column]
        if meta.missing():
            raise ValueError(f"{column}: {', '.join(meta.missing())} missing")
        if column == report.region_column:
            raise ValueError(f"{column}: the region column cannot also be a value column")
        if report.problems(column, "negative"):
            rows = ", ".join(str(p.row) for p in report.problems(column, "negative"))
            raise ValueError(f"{column}: negative figures in rows {rows}")
        values = report.layer_values(column)  # raises on duplicates
        if values.notna().sum() == 0:
            raise ValueError(f"{column}: no figure in any matched row")
        title, unit, year, source = (str(x).strip() for x in (meta.title, meta.unit, meta.year_text, meta.source))
        new = NewLayer(title, unit, year, source, report.level, kind)
        out.append((new, values))
    return out


def facility_layers(
    facilities: FacilityList,
    meta: LayerMeta,
    *,
    capacity_unit: str,
    population: str | None,
    registry: Registry,
    covered_prefectures: set[str] | None = None,
    lang: str = "zh",
) -> list[tuple[NewLayer, pd.Series]]:
    """Count (and capacity) layers per county and prefecture, and per-capita versions against a census
    population layer (``PER_CAPITA``); per capita only where the population exists."""
    if meta.missing():
        raise ValueError(f"{', '.join(meta.missing())} missing")
    if facilities.located.empty:
        raise ValueError("no facility could be located")
    out: list[tuple[NewLayer, pd.Series]] = []
    en = lang == "en"
    count_unit = "sites" if en else "个"
    for level in ("county", "prefecture"):
        table = aggregate(facilities, level, covered_prefectures=covered_prefectures)
        suffix = {"county": ("（县级）", " (counties)"), "prefecture": ("（市州级）", " (prefectures)")}[level][en]
        pieces = [("count", "数量" if not en else "count", count_unit, table["count"])]
        if facilities.has_capacity:
            if not capacity_unit.strip():
                raise ValueError("capacity unit missing")
            pieces.append(("capacity", "容量" if not en else "capacity", capacity_unit.strip(), table["capacity"]))
        for _, word, unit, values in pieces:
            title = f"{meta.title.strip()}{'：' if not en else ': '}{word}{suffix}"
            out.append((NewLayer(title, unit, meta.year_text, meta.source.strip(), level, "count"), values))
            if population is not None:
                per, per_zh, per_en = PER_CAPITA[population]
                base = registry.get(population)
                pop = base.frame(level).set_index("adcode")["value"]
                rate = per_capita(values, pop, per)
                out.append(
                    (
                        NewLayer(
                            f"{title}{'，' if not en else ', '}{per_en if en else per_zh}",
                            f"{unit} {per_en}" if en else f"{unit}/{per_zh.removeprefix('每')}",
                            f"{meta.year_text} / {base.year_label(lang)}",
                            f"{meta.source.strip()}; {base.source_text(short=True)}",
                            level,
                            "rate",
                        ),
                        rate,
                    )
                )
    return out


def issue_rows(facilities: FacilityList, lang: str) -> pd.DataFrame:
    gaz = gazetteer()
    i = 1 if lang == "en" else 0
    return pd.DataFrame(
        {
            ("行" if i == 0 else "row"): [x.row for x in facilities.issues],
            ("问题" if i == 0 else "problem"): [x.text(lang) for x in facilities.issues],
            ("单元格" if i == 0 else "cells"): [x.value for x in facilities.issues],
            ("候选" if i == 0 else "candidates"): [
                "; ".join(f"{c} {gaz.full_label(c)}" for c in x.candidates) for x in facilities.issues
            ],
        }
    )


def finite_count(values: pd.Series) -> int:
    return int(sum(1 for v in values if v is not None and not math.isnan(float(v))))
