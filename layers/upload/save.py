"""Upload, step 4: from a checked report (or a located facility list) and the planner's metadata to the layers
the store saves.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from geodata.matching import MatchReport
from layers.facilities import PER_CAPITA, FacilityList, aggregate, per_capita
from layers.registry import Registry
from layers.userstore import NewLayer, StoreError, normalise_year

META_FIELDS: dict[str, tuple[str, str]] = {
    "title": ("标题", "title"),
    "unit": ("单位", "unit"),
    "year": ("年份", "year"),
    "source": ("来源", "source"),
}

SAVE_TEXT: dict[str, tuple[str, str]] = {
    "missing": ("{where}缺少{fields}", "{where}{fields} missing"),
    "negative": ("{where}第 {rows} 行的数值为负数", "{where}negative figures in rows {rows}"),
    "no_figure": ("{where}匹配的行中没有任何数值", "{where}no figure in any matched row"),
    "region_as_value": ("{where}是地区列，不能同时作为数值列", "{where}the region column cannot be a value column"),
    "none_located": ("没有一个机构能定位到县", "no facility could be located"),
    "capacity_unit": ("缺少容量单位", "capacity unit missing"),
}


class SaveProblem(ValueError):
    """Why layers cannot be made from an upload, in English (``str``) and Chinese (:meth:`text`)."""

    def __init__(self, kind: str, column: str | None = None, **args: str):
        self.kind, self.column, self.params = kind, column, args
        super().__init__(self.text("en"))

    def text(self, lang: str = "zh") -> str:
        zh, en = SAVE_TEXT[self.kind]
        where = "" if self.column is None else (f"{self.column}: " if lang == "en" else f"“{self.column}”")
        args = dict(self.params)
        if "fields" in args:  # keys of META_FIELDS, named in the language asked for
            words = [META_FIELDS[k][1 if lang == "en" else 0] for k in args["fields"].split(", ")]
            args["fields"] = (", " if lang == "en" else "、").join(words)
        return (en if lang == "en" else zh).format(where=where, **args)


@dataclass(frozen=True)
class LayerMeta:
    title: str
    unit: str
    year: str
    source: str

    def missing(self) -> list[str]:
        return [k for k in META_FIELDS if not str(getattr(self, k)).strip()]

    def missing_text(self, lang: str = "zh") -> str:
        """The missing fields in words: "标题、来源" / "title, source"."""
        words = [META_FIELDS[k][1 if lang == "en" else 0] for k in self.missing()]
        return (", " if lang == "en" else "、").join(words)

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


def table_layers(report: MatchReport, metas: Mapping[str, LayerMeta], kind: str) -> list[tuple[NewLayer, pd.Series]]:
    """One new layer per value column from the matched rows. Raises ``ValueError`` naming what is missing:
    metadata, or duplicates (which row counts is the planner's decision, made in the file). A negative
    figure is refused: these layers are counts, rates and shares."""
    out = []
    for column in report.value_columns:
        meta = metas[column]
        if meta.missing():
            raise SaveProblem("missing", column, fields=", ".join(meta.missing()))
        if column == report.region_column:
            raise SaveProblem("region_as_value", column)
        if report.problems(column, "negative"):
            rows = ", ".join(str(p.row) for p in report.problems(column, "negative"))
            raise SaveProblem("negative", column, rows=rows)
        values = report.layer_values(column)  # raises on duplicates
        if values.notna().sum() == 0:
            raise SaveProblem("no_figure", column)
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
        raise SaveProblem("missing", fields=", ".join(meta.missing()))
    if facilities.located.empty:
        raise SaveProblem("none_located")
    out: list[tuple[NewLayer, pd.Series]] = []
    en = lang == "en"
    count_unit = "sites" if en else "个"
    for level in ("county", "prefecture"):
        table = aggregate(facilities, level, covered_prefectures=covered_prefectures)
        suffix = {"county": ("（县级）", " (counties)"), "prefecture": ("（市州级）", " (prefectures)")}[level][en]
        pieces = [("count", "数量" if not en else "count", count_unit, table["count"])]
        if facilities.has_capacity:
            if not capacity_unit.strip():
                raise SaveProblem("capacity_unit")
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
                            f"{meta.source.strip()}; {base.source_text(short=True, lang=lang)}",
                            level,
                            "rate",
                        ),
                        rate,
                    )
                )
    return out


def finite_count(values: pd.Series) -> int:
    return int(sum(1 for v in values if v is not None and not math.isnan(float(v))))
