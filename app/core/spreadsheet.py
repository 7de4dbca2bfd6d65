"""Cells a spreadsheet would run as formulas, neutralised: every CSV and XLSX the atlas writes goes through here."""

from __future__ import annotations

from typing import Any

import pandas as pd

from app.core.markup import strip_format_controls

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text value loses its format characters (a bidi override would reorder it, and hide a leading "="), and
    gets a leading apostrophe if a spreadsheet would evaluate it; anything else is unchanged."""
    if isinstance(value, str):
        value = strip_format_controls(value)
        if value.startswith(FORMULA_TRIGGERS):
            return "'" + value
    return value


def neutral_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    return out
