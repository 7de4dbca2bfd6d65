"""Tables and data files of compare mode (pure): the joined A/B table, the gap list, their CSVs."""

from __future__ import annotations

import csv
import io

import pandas as pd

from app.core.compare import CompareData
from app.core.i18n import t
from app.core.mapdata import value_decimals
from app.core.spreadsheet import neutral_frame, neutralise
from layers.bivariate import quadrant_members, threshold_value
from layers.model import Layer


def _column(layer: Layer, which: str, lang: str) -> str:
    unit = layer.unit(lang)
    return f"{which} · {layer.title(lang)}{f' ({unit})' if unit else ''}"


def _rounded(values: pd.Series, layer: Layer) -> pd.Series:
    if layer.is_categorical:  # side by side allows a categorical layer A
        return values
    digits = value_decimals(layer)
    out = values.astype(float).round(digits)
    return out.astype("Int64") if digits == 0 else out


def compare_table(data: CompareData, rows: pd.DataFrame | None = None, *, short: bool = False) -> pd.DataFrame:
    """Both values and ranks per region, keyed by code, with the parent prefecture; missing stays empty. ``short``:
    the columns headed just "A" and "B", for a table on screen whose caption (:func:`layer_captions`) names the
    layers with unit, year and source, so that both values fit a laptop's width."""
    lang = data.view.lang
    df = data.table if rows is None else rows
    head_a, head_b = ("A", "B") if short else (_column(data.layer_a, "A", lang), _column(data.layer_b, "B", lang))
    rank = t("rank", lang)
    return pd.DataFrame(
        {
            t("name", lang): df["label"].to_numpy(),
            t("code", lang): df["adcode"].astype(str).to_numpy(),
            head_a: _rounded(df["value_a"], data.layer_a).to_numpy(),
            f"A {rank}" if short else f"A · {rank}": df["rank_a"].astype("Int64").to_numpy(),
            head_b: _rounded(df["value_b"], data.layer_b).to_numpy(),
            f"B {rank}" if short else f"B · {rank}": df["rank_b"].astype("Int64").to_numpy(),
            t("parent_code", lang): df["parent_adcode"].astype(str).to_numpy(),
            t("parent_name", lang): df["parent_name"].to_numpy(),
        }
    )


def layer_captions(data: CompareData) -> list[str]:
    """One line per layer for under a table with short headers: "A: title · unit: … · year: … · source: …"."""
    lang = data.view.lang
    colon = "：" if lang == "zh" else ": "
    out = []
    for which, layer in (("A", data.layer_a), ("B", data.layer_b)):
        parts = [layer.title(lang)]
        if layer.unit(lang):
            parts.append(f"{t('unit', lang)}{colon}{layer.unit(lang)}")
        parts += [
            f"{t('year', lang)}{colon}{layer.year_label(lang)}",
            f"{t('source', lang)}{colon}{layer.source_text(short=True, lang=lang)}",
        ]
        out.append(f"{which}{colon}{' · '.join(parts)}")
    return out


def thresholds(data: CompareData) -> tuple[float, float]:
    """The gap list's thresholds as values (a percentile over the regions with both values)."""
    both = data.complete()
    return threshold_value(both["value_a"], data.view.thr_a), threshold_value(both["value_b"], data.view.thr_b)


def gap_rows(data: CompareData) -> pd.DataFrame:
    """Regions in the chosen quadrant, largest A first (the "where to act first" order)."""
    thr_a, thr_b = thresholds(data)
    members = quadrant_members(data.table["value_a"], data.table["value_b"], thr_a, thr_b, data.view.quadrant)
    return data.table[members.to_numpy()].sort_values("value_a", ascending=False, kind="stable")


def notes(data: CompareData) -> list[tuple[str, str]]:
    """(label, text) holding for every row: unit, year and source of A and B, the thresholds, the quadrant."""
    lang = data.view.lang
    out = []
    for which, layer in (("A", data.layer_a), ("B", data.layer_b)):
        out += [
            (f"{which} · {t('unit', lang)}", layer.unit(lang)),
            (f"{which} · {t('year', lang)}", layer.year_label(lang)),
            (f"{which} · {t('source', lang)}", layer.source_text(lang=lang)),
        ]
    return out


def gap_notes(data: CompareData) -> list[tuple[str, str]]:
    lang, view = data.view.lang, data.view
    thr_a, thr_b = thresholds(data)
    return [
        (t("quadrant", lang), t(f"quad_{view.quadrant}", lang)),
        (t("threshold", lang, axis="A"), f"{view.thr_a} = {thr_a:,.6g}"),
        (t("threshold", lang, axis="B"), f"{view.thr_b} = {thr_b:,.6g}"),
        *notes(data),
        (t("no_data", lang), t("gap_missing_note", lang, n=len(data.missing()))),
    ]


def _csv(table: pd.DataFrame, notes_rows: list[tuple[str, str]]) -> bytes:
    """UTF-8 with BOM, codes as text, cells a spreadsheet would run neutralised; notes after an empty line."""
    buf = io.StringIO()
    neutral_frame(table).to_csv(buf, index=False, lineterminator="\r\n")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([])
    for label, text in notes_rows:
        writer.writerow([neutralise(label), neutralise(text)])
    return buf.getvalue().encode("utf-8-sig")


def gap_csv(data: CompareData) -> bytes:
    return _csv(compare_table(data, gap_rows(data)), gap_notes(data))


def compare_csv(data: CompareData, rows: pd.DataFrame | None = None) -> bytes:
    return _csv(compare_table(data, rows), notes(data))
