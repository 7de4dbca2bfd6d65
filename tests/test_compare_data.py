"""Compare mode's pure parts on real layers: the joined table, missing values, the gap CSV, the bivariate
map's features and the scatter's selection (issue 13)."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import replace

import pandas as pd
import pytest

from app.core import comparetables
from app.core.compare import CompareData, bivariate, compare_data, join
from app.core.scatter import scatter_figure
from app.core.viewstate import ViewState
from app.ui.compare.scatter_view import selected_codes
from app.webmap import compare
from layers import default_registry
from layers.bivariate import correlation

REG = default_registry()
SHIZHONG = ("511002", "511102")  # two counties named 市中区 (内江, 乐山)


@pytest.fixture(scope="module")
def county() -> CompareData:
    return compare_data(REG, ViewState(mode="compare"))


def with_missing_b(data: CompareData, code: str) -> CompareData:
    b_table = data.b.table.copy()
    b_table.loc[b_table["adcode"] == code, "value"] = math.nan
    b = replace(data.b, table=b_table)
    return CompareData(data.view, data.a, b, join(data.a, b))


def test_the_join_is_by_code_and_keeps_both_shizhong(county):
    assert len(county.table) == 183 and county.table["adcode"].is_unique
    labels = county.table.set_index("adcode").loc[list(SHIZHONG), "label"]
    assert labels.nunique() == 2
    a = REG.get("elderly_per_township_2021").frame("county").set_index("adcode")["value"]
    assert county.table.set_index("adcode")["value_a"].to_dict() == pytest.approx(a.astype(float).to_dict())


def test_a_region_missing_b_is_listed_not_dropped_and_not_zero(county):
    data = with_missing_b(county, SHIZHONG[1])
    assert list(data.missing()["adcode"]) == [SHIZHONG[1]]
    assert correlation(data.table["value_a"], data.table["value_b"]).n == 182
    biv = bivariate(data)
    assert sum(biv.counts().values()) == 182
    tip = compare.bivariate_pane(data, biv)["tips"][SHIZHONG[1]]
    assert "无数据" in tip and "0 %" not in tip
    # the gap list never counts a missing value as below the threshold
    assert SHIZHONG[1] not in set(
        comparetables.gap_rows(replace(data, view=replace(data.view, quadrant="lo_lo")))["adcode"]
    )


def test_gap_csv_has_bom_codes_as_text_sources_and_neutralised_cells(county):
    table = county.table.copy()
    table.loc[0, "label"] = "=HYPERLINK(1)"
    data = replace(county, table=table, view=replace(county.view, quadrant="hi_hi", thr_a="0", thr_b="0"))
    raw = comparetables.gap_csv(data)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, body = rows[0], rows[1 : rows.index([])]
    assert len(body) == 183  # every region is above 0 on both
    assert "'=HYPERLINK(1)" in [r[0] for r in body] and "=HYPERLINK(1)" not in [r[0] for r in body]
    codes = [r[header.index("区划代码")] for r in body]
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    notes = dict(r for r in rows[rows.index([]) + 1 :] if len(r) == 2)
    assert notes["A · 来源"] == REG.get("elderly_per_township_2021").source_text()
    assert notes["B · 单位"] == REG.get("pop_65plus_share").unit("zh")
    assert notes["象限"] == "A、B 都高于阈值"


def test_bivariate_tooltip_names_both_values_and_the_cell(county):
    biv = bivariate(county)
    pane = compare.bivariate_pane(county, biv)
    row = county.table.set_index("adcode").loc["510104"]
    tip = pane["tips"]["510104"]
    assert f"{row['value_a']:,.1f}" in tip and "A ·" in tip and "B ·" in tip  # a rate, to 0.1 as in the table
    assert any(word in tip for word in ("高A / ", "中A / ", "低A / "))
    assert pane["styles"]["510104"]["fillColor"] == biv.table.loc[county.table["adcode"] == "510104", "colour"].iloc[0]


def test_scatter_selection_is_read_by_code_and_outlined_on_the_map(county):
    class Event:
        selection = type("S", (), {"points": [{"customdata": SHIZHONG[0]}, {"customdata": [SHIZHONG[1]]}]})()

    chosen = selected_codes(Event())
    assert chosen == frozenset(SHIZHONG)
    styles = compare.bivariate_pane(county, bivariate(county), chosen)["styles"]
    outlined = {code for code, style in styles.items() if style.get("weight") == 2.5}
    assert outlined == set(SHIZHONG)
    assert all(style["fillOpacity"] < 0.5 for code, style in styles.items() if code not in SHIZHONG)  # the rest fade
    fig = scatter_figure(county, correlation(county.table["value_a"], county.table["value_b"]), chosen)
    points = fig.data[0]
    assert {points.customdata[i] for i in points.selectedpoints} == set(SHIZHONG)  # drawn as the chart's selection
    plain = scatter_figure(county, correlation(county.table["value_a"], county.table["value_b"])).data[0]
    assert plain.selectedpoints is None
    hover = dict(zip(points.customdata, points.hovertext, strict=True))
    assert "内江" in hover[SHIZHONG[0]] and "乐山" in hover[SHIZHONG[1]]


def test_compare_table_rounds_to_layer_precision_and_keeps_ranks(county):
    out = comparetables.compare_table(county)
    assert list(out.columns[:2]) == ["名称", "区划代码"]
    assert out.iloc[:, 3].min() == 1 and out.iloc[:, 5].min() == 1
    assert isinstance(out.iloc[0, 1], str)
    assert pd.api.types.is_float_dtype(out.iloc[:, 4])
