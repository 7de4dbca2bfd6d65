"""The plan view on the real page (AppTest): a facility list with a township column uploaded and saved, then
planned; the table, the map's tooltips and the township list are the plan's figures; the address; both languages;
a planner's norm added on the page."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from app.core.plan import plan_data
from app.core.viewstate import ViewState
from layers.norms import shipped_norms
from layers.planstore import facility_sets_of, planner_norms
from layers.userlayers import with_user_layers
from layers.userstore import UserStore
from tests.support.apptest import params, rerun, run_app, view_table
from tests.support.plan import save_supply

SITES = [("甲站", "西昌市", "川兴镇"), ("乙站", "西昌市", "普诗乡"), ("丙站", "昭觉县", "四开镇")]
FACILITY_CSV = (
    "名称,区县,乡镇\n甲站,西昌市,川兴镇\n乙站,长宁县,下长镇\n丙站,西昌市,龙舟路街道\n丁站,锦江区,龙舟路街道办事处\n"
)


@pytest.fixture
def store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    monkeypatch.setenv("COVERAGE_ATLAS_STORE", url)
    monkeypatch.delenv("COVERAGE_ATLAS_EDITOR_PASSWORD", raising=False)
    s = UserStore(url)
    yield s
    s.engine.dispose()


def frame_with(at: AppTest, column: str):
    for df in at.dataframe:
        if column in df.value.columns:
            return df.value
    raise AssertionError([list(d.value.columns) for d in at.dataframe])


def test_plan_page_shows_the_plans_figures_in_both_languages(store):
    layer_id, registry, sets = save_supply(store, SITES, covered_prefectures={"513400"})
    at = run_app({"mode": "plan", "psupply": layer_id, "area": "513400"})
    assert at.sidebar.radio(key="w_mode").value == "plan"
    assert "“一站”" in at.subheader[0].value
    plan = plan_data(ViewState(mode="plan", plan_supply=layer_id, area="513400"), registry, shipped_norms(), sets)
    shown = frame_with(at, "上级区划").set_index("区划代码")
    for code in ("513401", "513431", "513402"):
        assert shown.at[code, "应建"] == plan.counties.at[code, "required"]
        assert shown.at[code, "现有"] == plan.counties.at[code, "existing"]
        assert shown.at[code, "缺口"] == plan.counties.at[code, "shortfall"]
    assert shown.at["513401", "现有"] == 2  # 川兴镇, and 普诗乡 (merged into 川兴镇)
    tip = view_table(at)["tips"]["513401"]
    assert "应建: 25 个" in tip and "缺口: <b>23 个</b>" in tip and "中国社会报" in tip
    listed = frame_with(at, "乡镇代码")
    assert "513401103" not in set(listed["乡镇代码"]) and "513401101" in set(listed["乡镇代码"])

    at.sidebar.radio(key="w_lang").set_value("en")
    rerun(at)
    assert "“One station”" in at.subheader[0].value
    norm_box = next(m.value for m in at.markdown if "Source text" in m.value).replace("\\", "")  # Markdown-escaped
    assert "one institution, one station" in norm_box and "Looking back on 2021" in norm_box, norm_box
    assert not re.search(r"[\u4e00-\u9fff]", norm_box), norm_box  # the quotation and its source in English too
    listed = frame_with(at, "Township code")
    assert not listed["Township"].str.contains(r"[\u4e00-\u9fff]").any()
    assert frame_with(at, "Parent").set_index("Code").at["513401", "Shortfall"] == 23

    at.sidebar.selectbox(key="w_pnorm").set_value("cp_home_per_village")
    rerun(at)
    assert params(at)["pnorm"] == "cp_home_per_village" and params(at)["lang"] == "en"
    # A list of workstations is no supply of children's homes: it is not offered, and the map shows what is required.
    assert "psupply" not in params(at) and layer_id not in at.sidebar.selectbox(key="w_psupply").options
    assert any("No supply chosen" in i.value for i in at.info)


def test_a_norm_that_cannot_be_computed_says_why(store):
    at = run_app({"mode": "plan", "pnorm": "elderly_rural_three_level_network"})
    assert any("推进农村三级养老服务网络建设" in m.value for m in at.markdown)
    assert any("没有给出每县、每乡或每村应建几处" in i.value for i in at.info)
    assert not list(at.get("component_instance"))  # no map for a norm without numbers


def test_back_to_the_single_map_keeps_its_layer(store):
    at = run_app({"layer": "pop_65plus_share"})
    at.sidebar.radio(key="w_mode").set_value("plan")
    rerun(at)
    assert params(at)["mode"] == "plan" and params(at)["layer"] == "pop_65plus_share"  # kept for the way back
    at.sidebar.radio(key="w_mode").set_value("single")
    rerun(at)
    assert at.sidebar.radio(key="w_layer").value == "pop_65plus_share"
    assert params(at)["layer"] == "pop_65plus_share"


def test_upload_a_facility_list_with_townships_and_plan_it(store):
    at = run_app({"mode": "plan"})
    assert any("尚未选择现有设施" in i.value for i in at.info)
    at.radio(key="atlas_upload_mode").set_value("facilities")
    rerun(at)
    at.file_uploader(key="atlas_upload_file").set_value(("站点.csv", FACILITY_CSV.encode("gbk"), "text/csv"))
    rerun(at)
    for key, column in (("name", "名称"), ("region", "区县"), ("township", "乡镇")):
        at.selectbox(key=f"uf_{key}").set_value(column)
    rerun(at)
    at.selectbox(key="uf_facility_type").set_value("child_protection_station")
    rerun(at)
    at.radio(key="uf_township_year").set_value(2021)
    rerun(at)
    summary = " ".join(i.value for i in at.info)
    assert "4 个已定位机构中：2 个对应到乡镇（其中 1 个按区划调整归并），2 个未对应" in summary
    assert any("下长镇 已划归 江安县 511523" in c.value for c in at.caption)
    rows = frame_with(at, "候选")
    assert rows.iloc[:, 0].tolist() == [4, 5]  # 龙舟路街道 is no township of 西昌市; 锦江区's was split
    assert "510104018 东湖街道" in rows.iloc[1, 4] and "510104026 牛市口街道" in rows.iloc[1, 4]
    ask = next(s for s in at.selectbox if s.key and s.key.startswith("uf_township_ask_1_510104"))
    ask.set_value("510104026")  # the planner knows: 牛市口街道
    rerun(at)
    assert "3 个对应到乡镇" in " ".join(i.value for i in at.info)
    for key, value in (("title", "保护工作站"), ("unit", "个"), ("year", "2024"), ("source", "县民政局名单")):
        at.text_input(key=f"uf_meta_{key}").set_value(value)
    rerun(at)
    at.checkbox(key="uf_accept").check()  # row 4 stays in its county, in no township
    rerun(at)
    at.button(key="uf_save").click()
    rerun(at)
    sets = facility_sets_of(store)
    (record,) = sets.values()
    assert record.facility_type == "child_protection_station" and record.township_year == 2021
    placed = dict(zip(record.townships["township"], record.townships["county"], strict=True))
    assert placed == {"513401103": "513401", "511523118": "511523", "": "513401", "510104026": "510104"}
    layer_id = f"user_{record.layer_id}"
    assert at.sidebar.selectbox(key="w_psupply").value == layer_id  # the list just saved is the plan's supply
    assert params(at)["psupply"] == layer_id and params(at)["mode"] == "plan"
    registry = with_user_layers(store)
    plan = plan_data(ViewState(mode="plan", plan_supply=layer_id), registry, shipped_norms(), sets)
    shown = frame_with(at, "上级区划").set_index("区划代码")
    assert shown.at["511523", "现有"] == plan.counties.at["511523", "existing"] == 1
    assert shown.at["511524", "现有"] == 0  # 长宁县: the site counts where its township went


def test_an_editor_adds_a_norm_of_their_own(store):
    at = run_app({"mode": "plan"})
    at.text_input(key="pn_title").set_value("每个乡镇1个区域性养老服务中心")
    at.selectbox(key="pn_per").set_value("township")
    at.selectbox(key="pn_type").set_value("rural_regional_care_centre")
    at.text_input(key="pn_source").set_value("某市“十四五”养老服务体系规划（2022）")
    at.button(key="FormSubmitter:plan_add_norm_form-保存规范").click()
    rerun(at)
    (norm,) = planner_norms(store)
    assert norm.id == "user_norm_1" and norm.source("zh") == "某市“十四五”养老服务体系规划（2022）"
    assert params(at)["pnorm"] == "user_norm_1"
    assert any("每个乡镇1个区域性养老服务中心" in s.value for s in at.subheader)


def test_an_unusable_norm_or_supply_in_the_address_gets_a_notice(store):
    at = run_app({"mode": "plan", "pnorm": "no_such_norm", "psupply": "user_99"})
    warning = " ".join(w.value for w in at.warning)
    assert "no\\_such\\_norm" in warning or "no_such_norm" in warning
    assert "user\\_99" in warning or "user_99" in warning
    assert params(at).get("pnorm") is None and "psupply" not in params(at)
