"""Upload, step 2: the table's region column matched to today's codes, with the planner's answers to ambiguous
and unmatched references applied first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from geodata.matching import MatchReport, match_table, normalise_reference
from layers.facilities import guess_columns

# Headers of a region column in both languages, codes first (a code is never ambiguous).
REGION_COLUMN_NAMES = (
    "区划代码",
    "代码",
    "adcode",
    "code",
    "地区",
    "区县",
    "县",
    "市州",
    "地名",
    "名称",
    "region",
    "county",
    "prefecture",
    "name",
)


def guess_region_column(headers: Sequence[str]) -> str | None:
    """The column an uploaded table most likely names its regions in (by header), or None."""
    return guess_columns(headers, {"region": REGION_COLUMN_NAMES}).get("region")


LEAVE_OUT = ""  # the planner's answer "leave this row out" to an ambiguous or unmatched reference


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


def match_choices(
    frame: pd.DataFrame, region_column: str, value_columns: Sequence[str], level: str, choices: Mapping[str, str]
) -> MatchReport:
    table = apply_choices(frame, region_column, choices)
    return match_table(table, region_column, value_columns, level, row_numbers=[int(i) for i in frame.index])
