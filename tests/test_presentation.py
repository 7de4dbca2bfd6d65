"""What the planner reads: ranking chart, table, CSV and legend (issue 8: items 2, 9, 6, 8).

Expected figures come from the shipped CSV files, read here with the csv module, never from the
code that builds the page.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from app.core import mapdata
from app.core.viewstate import ViewState
from layers import default_registry
from tests.support.apptest import run_app, table, unknown_elements

REG = default_registry()

ROOT = Path(__file__).resolve().parents[1]
SHIZHONG = {"511002": "内江", "511102": "乐山"}  # two counties named 市中区


# Statistical zones without an outline and the district whose outline holds them (issue 10; checked against
# the code lists in tests/test_zones.py): a district's figure is its own plus its zone's.
ZONE_DISTRICT = {"511071": "511002", "511771": "511703", "511971": "511902"}


def census_county(indicator: str) -> dict[str, float]:
    with (ROOT / "data/census/census2020_sichuan.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["indicator"] == indicator]
    values = {r["adcode"]: float(r["value"]) for r in rows if r["level"] == "county"}
    for r in rows:
        if r["adcode"] in ZONE_DISTRICT:
            values[ZONE_DISTRICT[r["adcode"]]] += float(r["value"])
    return values


def expected_rank(values: dict[str, float], code: str) -> int:
    """Rank 1 = largest; ties share the better rank."""
    return 1 + sum(v > values[code] for v in values.values())


def chart(at):
    charts = unknown_elements(at, "vega_lite_chart") + unknown_elements(at, "arrow_vega_lite_chart")
    assert len(charts) == 1
    proto = charts[0].proto
    spec = json.loads(proto.spec)
    (dataset,) = proto.datasets
    return spec, convert_arrow_bytes_to_pandas_df(dataset.data.data)


def bar_order(spec: dict, df: pd.DataFrame) -> list[str]:
    """The bars from top to bottom as Vega-Lite draws them: one bar per distinct y value, in the spec's sort."""
    y = spec["encoding"]["y"]
    sort = y["sort"]
    assert sort["field"] == spec["encoding"]["x"]["field"] and sort["order"] == "descending", sort
    assert df[y["field"]].is_unique, "two rows share a bar: the chart would stack them"
    return df.sort_values(sort["field"], ascending=False, kind="stable")[y["field"]].tolist()


def test_ranking_chart_has_one_bar_per_county_even_for_same_names():
    at = run_app({"layer": "pop_total"})
    spec, df = chart(at)
    pop = census_county("pop_total")
    assert len(pop) == 183 and len(df) == 183
    order = bar_order(spec, df)
    for code, parent in SHIZHONG.items():
        row = df[df["adcode"] == code]
        assert len(row) == 1
        label = row[spec["encoding"]["y"]["field"]].iloc[0]
        assert label == f"市中区（{parent}）"
        assert order.index(label) + 1 == expected_rank(pop, code)
    assert expected_rank(pop, "511002") != expected_rank(pop, "511102")


def test_table_and_csv_are_keyed_by_code_and_carry_the_parent_prefecture():
    at = run_app({"layer": "pop_total"})
    rows = table(at).set_index("adcode")
    for code, parent in SHIZHONG.items():
        assert rows.loc[code, "名称"] == f"市中区（{parent}）"
        assert rows.loc[code, "上级区划代码"] == code[:4] + "00"
        assert rows.loc[code, "上级区划"] == f"{parent}市"


def test_csv_rows_are_keyed_by_code_with_the_parent_prefecture():
    view = ViewState(layer="pop_total")
    data = mapdata.map_data(mapdata.effective_layer(REG, view), view)
    rows = list(csv.reader(io.StringIO(mapdata.table_csv(data).decode("utf-8-sig"))))
    header = rows[0]
    by_code = {
        r[header.index("区划代码")]: r
        for r in rows[1:]
        if len(r) == len(header) and r[header.index("区划代码")] not in ZONE_DISTRICT  # zone rows: no outline
    }
    pop = census_county("pop_total")
    assert len(by_code) == len(pop) == 183  # one row per county (the census lists 会理 under its old code)
    for code, parent in SHIZHONG.items():
        r = by_code[code]
        assert r[header.index("名称")] == f"市中区（{parent}）"
        assert r[header.index("上级区划代码")] == code[:4] + "00"
        assert r[header.index("上级区划")] == f"{parent}市"
        assert int(r[header.index("排名")]) == expected_rank(pop, code)


def _csv(view: ViewState) -> tuple[list[str], list[list[str]], list[list[str]]]:
    """(header, data rows, note rows) of the CSV download for ``view``."""
    data = mapdata.map_data(mapdata.effective_layer(REG, view), view)
    text = mapdata.table_csv(data).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    blank = rows.index([])
    return rows[0], rows[1:blank], rows[blank + 1 :]


def test_csv_figures_are_rounded_numbers_and_source_is_given_once():
    header, rows, notes = _csv(ViewState())  # people aged 60+ per township: a rate, to 0.1
    value_col = header.index("每个乡镇（街道）的60岁及以上人口（合并后） (人/乡镇)")
    cells = [r[value_col] for r in rows]
    assert len(rows) == 183 and all(c for c in cells)  # a zone's own figure is in a column of its own
    assert all(len(c.partition(".")[2]) <= 1 for c in cells), [c for c in cells if len(c.partition(".")[2]) > 1]
    assert all(float(c) == float(c) for c in cells)  # numbers, not text with units or separators
    flat = "\n".join(",".join(r) for r in rows)
    assert "True" not in flat and "False" not in flat
    assert "人口普查" not in flat  # the source is not repeated on every row …
    source = {n[0]: n[1] for n in notes if len(n) == 2}["来源"]
    assert "国家统计局 第七次全国人口普查分县资料（2020）" in source  # … but given once below the table

    header, rows, _ = _csv(ViewState(layer="pop_total"))
    pop = census_county("pop_total")
    got = {r[header.index("区划代码")]: r[header.index("常住人口 (人)")] for r in rows}
    assert got["511002"] == str(int(pop["511002"])) and got["510104"] == str(int(pop["510104"]))


def test_table_on_the_page_shows_rounded_figures():
    at = run_app()
    df = table(at)
    values = df["数值"].astype(float)  # a rate: to 0.1 (the header is short; the layer is in the heading)
    assert (values.round(1) == values).all() and not (values.round(0) == values).all()
    assert pd.api.types.is_string_dtype(df["adcode"]) or df["adcode"].map(type).eq(str).all()


def test_legend_counts_regions_outside_the_value_range_separately():
    pop = census_county("pop_total")
    cut = 500_000
    view = ViewState(layer="pop_total", vmax=cut)
    data = mapdata.map_data(mapdata.effective_layer(REG, view), view)
    entries = [label for _, label, _ in mapdata.legend_entries(data)]
    outside = sum(v > cut for v in pop.values())
    assert outside > 0
    (filtered,) = [e for e in entries if e.startswith("不在所选范围")]
    assert filtered.endswith(f"({outside})")
    class_counts = [int(e.rsplit("(", 1)[1].rstrip(")")) for e in entries if e[0].isdigit()]
    assert sum(class_counts) == 183 - outside


# --- item 6: one language at a time ----------------------------------------------------------
RAW_COLUMNS = {"adcode", "parent_adcode", "layer_id", "sum_of_counties", "county_adcode", "title_zh", "gap_pct"}


def all_text(at) -> str:
    parts = [m.value for m in at.main.markdown] + [c.value for c in at.main.caption]
    return "\n".join(parts)


def test_chinese_page_has_no_raw_column_names_licence_lines_or_report_ids():
    at = run_app({"layer": "elderly_per_township_2021", "level": "prefecture", "sel": "511100"})  # 乐山市
    for df in (d.value for d in at.main.dataframe):
        assert not RAW_COLUMNS & set(map(str, df.columns)), list(df.columns)
        booleans = df.map(lambda x: isinstance(x, (bool, np.bool_)) or str(x) in ("True", "False"))
        assert not booleans.any().any(), list(df.columns)
    text = all_text(at)
    assert "elderly_beds" not in text and " beds" not in text  # cited local figure in Chinese
    assert "养老机构床位数" in text
    assert "Licence" not in text


def test_english_page_shows_english_names_and_no_bare_chinese_units():
    at = run_app({"lang": "en", "layer": "pop_total"})
    df = table(at).set_index("adcode")
    assert df.loc["513400" if "513400" in df.index else "513401", "Name"] == "Xichang City"
    assert df.loc["511002", "Name"] == "Shizhong District (Neijiang)"
    assert df.loc["511002", "Parent"] == "Neijiang"
    at.session_state["all_figures"] = True  # the table of all figures is built once its expander is opened
    at.run()
    summary = next(d.value for d in at.main.dataframe if "Figure" in d.value.columns)
    assert not summary["Figure"].str.contains("个").any()
    assert summary["Figure"].str.contains("more than 1,000").any()


def test_area_search_finds_prefectures_by_code_and_english_name():
    at = run_app()
    options = at.sidebar.selectbox(key="w_area").options
    assert any("凉山彝族自治州" in o and "513400" in o for o in options), options
    at.sidebar.radio(key="w_lang").set_value("en")
    at.run()
    options = at.sidebar.selectbox(key="w_area").options
    assert any(o.startswith("Liangshan") and "513400" in o for o in options), options


def test_english_names_file_covers_every_region_and_is_rebuilt_by_its_script(tmp_path):
    import shutil
    import subprocess
    import sys

    with (ROOT / "data/gazetteer/names_en.csv").open(encoding="utf-8") as f:
        names = {r["adcode"]: r for r in csv.DictReader(f)}
    with (ROOT / "data/gazetteer/sichuan_divisions.csv").open(encoding="utf-8") as f:
        current = [r for r in csv.DictReader(f) if "2023" in r["listed_years"].split(";")]
    assert sum(r["level"] == "prefecture" for r in current) == 21
    assert sum(r["level"] == "county" for r in current) == 183
    assert {r["adcode"] for r in current} <= set(names)
    assert names["513400"]["name_en"] == "Liangshan Yi Autonomous Prefecture"
    assert names["511123"]["name_en"] == "Qianwei County"  # toponymic reading, not "Jianwei"
    assert names["511800"]["short_en"] == "Ya'an"
    assert all(n["method"].startswith("pinyin") for n in names.values())
    pytest.importorskip("pypinyin")
    shutil.copy(ROOT / "data/gazetteer/sichuan_divisions.csv", tmp_path)
    subprocess.run([sys.executable, str(ROOT / "scripts/build_names_en.py"), str(tmp_path)], check=True)
    assert (tmp_path / "names_en.csv").read_bytes() == (ROOT / "data/gazetteer/names_en.csv").read_bytes()


# --- item 8: nothing cut off ---------------------------------------------------------------------
def test_ranking_chart_labels_every_region_and_keeps_its_axis_title_short():
    at = run_app()
    spec, df = chart(at)
    axis = spec["encoding"]["y"]["axis"]
    assert axis["labelOverlap"] is False  # Vega-Lite would otherwise drop every second label
    assert spec["height"] == {"step": 18} and len(df) == 183  # room for each label (11 px font) of every region
    assert len(spec["encoding"]["x"]["title"]) <= 40, spec["encoding"]["x"]["title"]


def test_details_figures_table_has_room_for_the_source_column():
    at = run_app({"sel": "511100", "level": "prefecture"})
    figures = next(d for d in at.main.dataframe if "来源" in d.value.columns and "图层" in d.value.columns)
    config = json.loads(figures.proto.columns)
    assert config["来源"]["width"] == "large" or config["来源"].get("width", 0) >= 300, config
