"""What the planner reads: ranking chart, table, CSV and legend (issue 8: items 2, 9, 6, 8).

Expected figures come from the shipped CSV files, read here with the csv module, never from the
code that builds the page.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from test_streamlit_app import run_app, unknown_elements

from app import mapbuild
from app.viewstate import ViewState
from layers import default_registry

REG = default_registry()

ROOT = Path(__file__).resolve().parents[1]
SHIZHONG = {"511002": "内江", "511102": "乐山"}  # two counties named 市中区


def census_county(indicator: str) -> dict[str, float]:
    with (ROOT / "data/census/census2020_sichuan.csv").open(encoding="utf-8") as f:
        return {
            r["adcode"]: float(r["value"])
            for r in csv.DictReader(f)
            if r["level"] == "county" and r["indicator"] == indicator
        }


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
    df = at.main.dataframe[-1].value
    rows = df.set_index("区划代码")
    for code, parent in SHIZHONG.items():
        assert rows.loc[code, "名称"] == f"市中区（{parent}）"
        assert rows.loc[code, "上级区划代码"] == code[:4] + "00"
        assert rows.loc[code, "上级区划"] == f"{parent}市"


def test_csv_rows_are_keyed_by_code_with_the_parent_prefecture():
    view = ViewState(layer="pop_total")
    data = mapbuild.map_data(mapbuild.effective_layer(REG, view), view)
    rows = list(csv.reader(io.StringIO(mapbuild.table_csv(data).decode("utf-8-sig"))))
    header = rows[0]
    by_code = {r[header.index("区划代码")]: r for r in rows[1:] if len(r) == len(header)}
    pop = census_county("pop_total")
    assert len(by_code) == len(pop) == 183  # one row per county (the census lists 会理 under its old code)
    for code, parent in SHIZHONG.items():
        r = by_code[code]
        assert r[header.index("名称")] == f"市中区（{parent}）"
        assert r[header.index("上级区划代码")] == code[:4] + "00"
        assert r[header.index("上级区划")] == f"{parent}市"
        assert int(r[header.index("排名")]) == expected_rank(pop, code)
