"""geodata/matching.py: every row of a planner's table is matched, or reported with its file row number."""

import pandas as pd
import pytest

from geodata.matching import match_reference, match_table, normalise_reference


def _report(regions, values=None, level="county", **kw):
    table = pd.DataFrame({"地区": regions, "床位": values if values is not None else ["1"] * len(regions)})
    return match_table(table, "地区", ["床位"], level, **kw)


def test_historical_codes_follow_the_crosswalk_and_excel_number_codes_are_read():
    # 射洪县 510922 → 射洪市 510981; 新津县 510132 → 新津区 510118; Excel's 510132.0 and full-width digits too.
    report = _report(["510922", 510132.0, "５１０１３２", "新津县", "会理县"])
    assert [r.status for r in report.rows] == ["matched"] * 5
    assert [r.code for r in report.rows] == ["510981", "510118", "510118", "510118", "513402"]


def test_names_short_names_aliases_and_prefecture_prefixes():
    report = _report(["凉山州", "阿坝藏族羌族自治州", "成都", "攀枝花市"], level="prefecture")
    assert [r.code for r in report.rows] == ["513400", "513200", "510100", "510400"]
    report = _report(["内江市市中区", "市中区(乐山)", "市中区（内江）", "北川县", "锦江"])
    assert [r.code for r in report.rows] == ["511002", "511102", "511002", "510726", "510104"]


def test_ambiguous_shizhong_asks_for_the_prefecture_with_both_candidates():
    report = _report(["锦江区", "市中区"])
    row = report.rows[1]
    assert (row.row, row.status, row.code) == (3, "ambiguous", None)
    assert {c.code for c in row.candidates} == {"511002", "511102"}
    assert {c.label for c in row.candidates} == {"内江市市中区", "乐山市市中区"}
    assert "row 3:" in "\n".join(report.lines()) and "市中区(内江" in row.message


def test_unmatched_rows_get_row_numbers_and_closest_candidates():
    report = _report(["锦江区", "金牛去", "火星县", ""])
    unmatched = report.by_status("unmatched")
    assert [r.row for r in unmatched] == [3, 4]
    assert unmatched[0].candidates[0].code == "510106"  # 金牛区
    assert report.rows[3].status == "empty" and report.rows[3].row == 5
    assert not report.ok and len(report.not_matched) == 3


def test_other_level_and_development_zone_rows_are_reported_not_dropped():
    report = _report(["成都市", "内江经济开发区", "四川省"])
    assert [(r.status, r.code) for r in report.rows] == [
        ("other_level", "510100"),
        ("no_boundary", "511071"),
        ("other_level", "510000"),
    ]
    assert _report(["锦江区"], level="prefecture").rows[0].status == "other_level"


def test_duplicates_are_listed_with_their_rows_and_block_layer_values():
    report = _report(["锦江区", "510104", "青羊区", "锦江"], ["1", "2", "3", "4"])
    assert [(d.code, d.rows) for d in report.duplicates] == [("510104", (2, 3, 5))]
    with pytest.raises(ValueError, match=r"510104 成都市锦江区 \(rows 2, 3, 5\)"):
        report.layer_values("床位")


def test_non_numeric_negative_and_empty_cells_are_reported_by_row_and_column():
    report = _report(
        ["锦江区", "青羊区", "金牛区", "武侯区", "成华区", "龙泉驿区"], ["1,234", "约30", "-3", "", "12%", " ７ "]
    )
    got = [(p.row, p.column, p.raw, p.issue) for p in report.value_problems]
    assert got == [
        (3, "床位", "约30", "non_numeric"),
        (4, "床位", "-3", "negative"),
        (5, "床位", "", "empty"),
        (6, "床位", "12%", "non_numeric"),
    ]
    values = report.layer_values("床位")
    # 金牛区 510106 keeps its -3 (the planner decides); 青羊区, 武侯区, 成华区 have no figure.
    assert values["510104"] == 1234 and values["510112"] == 7 and values["510106"] == -3
    assert values[["510105", "510107", "510108"]].isna().all()
    assert not report.ok


def test_row_numbers_from_the_reader_are_kept():
    table = pd.DataFrame({"r": ["锦江区", "zzz"], "v": ["1", "2"]}, index=[2, 5])
    report = match_table(table, "r", ["v"], row_numbers=list(table.index))
    assert [r.row for r in report.rows] == [2, 5]
    assert report.lines()[1].startswith("row 5:")


def test_a_clean_table_is_ok_and_gives_one_value_per_code():
    report = _report(["锦江区", "青羊区"], ["10", "20"])
    assert report.ok
    assert report.layer_values("床位").to_dict() == {"510104": 10.0, "510105": 20.0}


def test_missing_columns_and_bad_levels_are_named():
    with pytest.raises(KeyError, match="人口"):
        match_table(pd.DataFrame({"地区": []}), "地区", ["人口"])
    with pytest.raises(ValueError, match="province"):
        match_reference("成都", "province")


def test_normalise_reference():
    assert normalise_reference(510104.0) == "510104"
    assert normalise_reference(None) == "" and normalise_reference(float("nan")) == ""
    assert normalise_reference("  市中区（内江） ") == "市中区(内江)"
