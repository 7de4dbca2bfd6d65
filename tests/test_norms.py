"""Norms as data (data/norms.toml, layers/norms.py) and planners' own norms (layers/planstore.py)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest

from layers import default_registry
from layers.norms import NormError, load_norms, planner_norm, required_per_county, shipped_norms
from layers.planstore import NewNorm, add_norms, delete_norm, norms_from_table, planner_norms
from layers.userstore import UserStore

ROOT = Path(__file__).resolve().parents[1]
SEED = (ROOT / "data" / "seed" / "sichuan_civil_affairs_2021_review.txt").read_text(encoding="utf-8")
LAYOUT = "按照“一机构、一站、一家、一点”的思路,在县、乡、村、组四级构建布局未成年人保护阵地"


def test_every_shipped_norm_quotes_the_article_word_for_word():
    catalogue = shipped_norms()
    assert catalogue.norms
    for norm in catalogue.norms.values():
        assert norm.quote in SEED.replace("体球网", "关于"), norm.id
        assert "中国社会报 2021-12-27" in norm.source("zh") and "2021-12-27" in norm.source("en")
        # The English page shows the atlas's translation of the quotation: there is one, in English only.
        assert norm.quote_en and not re.search(r"[\u4e00-\u9fff]", norm.quote_en), norm.id
        assert norm.quotation("en") == norm.quote_en and norm.quotation("zh") == norm.quote
    assert LAYOUT in SEED


def test_the_child_protection_layout_pairs_one_each_with_county_township_village_group():
    catalogue = shipped_norms()
    layout = [n for n in catalogue.list(theme="child_protection") if n.quote == LAYOUT]
    assert [(n.per, n.required, n.computable) for n in layout] == [
        ("county", 1.0, True),
        ("township", 1.0, True),
        ("village", 1.0, True),
        ("group", 1.0, False),  # no group counts in the NBS lists: said, not estimated
    ]
    assert "村民小组" in layout[-1].reason("zh") and "group" in layout[-1].reason("en")


def test_nothing_is_pre_filled_for_elderly_care():
    elderly = shipped_norms().list(theme="elderly_care")
    assert {n.quote for n in elderly} >= {"推进农村三级养老服务网络建设"}
    assert all(n.required is None and not n.computable and n.reason("zh") for n in elderly)
    with pytest.raises(NormError, match="cannot be computed"):
        required_per_county(elderly[0], 2023, default_registry())


def test_a_norm_whose_quote_is_not_in_its_source_is_refused(tmp_path):
    text = (ROOT / "data" / "norms.toml").read_text(encoding="utf-8")
    bad = text.replace('quote = "推进农村三级养老服务网络建设"', 'quote = "每个乡镇建设1个养老服务中心"')
    (tmp_path / "norms.toml").write_text(bad, encoding="utf-8")
    with pytest.raises(NormError, match=r"elderly_rural_three_level_network.*not in data/seed"):
        load_norms(tmp_path / "norms.toml")


def test_required_per_county_for_people_rounds_up_and_keeps_missing_missing():
    registry = default_registry()
    norm = planner_norm(
        1,
        title="床位",
        per="people",
        facility_type="rural_care_home",
        required=35,
        people=1000,
        age_group="pop_60plus",
        source="某市“十四五”养老服务规划",
    )
    required = required_per_county(norm, 2023, registry)
    pop = registry.get("pop_60plus").frame("county").set_index("adcode")["value"]
    for code in ("510104", "513401", "511002"):
        assert required[code] == math.ceil(pop[code] * 35 / 1000)
    assert len(required) == 183


def test_a_planners_norm_needs_its_source_and_a_number(tmp_path):
    with pytest.raises(NormError, match="source"):
        planner_norm(1, title="每乡镇1个", per="township", facility_type="x", required=1, source=" ")
    with pytest.raises(NormError, match="positive"):
        planner_norm(1, title="每乡镇", per="township", facility_type="x", required=0, source="本地规划")
    with pytest.raises(NormError, match="per-people"):
        planner_norm(1, title="每乡镇", per="people", facility_type="x", required=1, source="本地规划")
    store = UserStore(f"sqlite:///{tmp_path / 'n.sqlite'}")
    before = store.revision()
    saved = add_norms(
        store, [NewNorm("每个乡镇1个敬老院", "township", "rural_care_home", 1, "某县十四五规划（2021）")], "me"
    )
    assert saved[0].id == "user_norm_1" and saved[0].planner and store.revision() > before
    catalogue = shipped_norms().with_planner_norms(planner_norms(store))
    assert catalogue.get("user_norm_1").source("en") == "某县十四五规划（2021）"
    assert [e.action for e in store.audit()][:1] == ["norm_create"]
    delete_norm(store, 1, "me")
    assert planner_norms(store) == [] and store.audit()[0].action == "norm_delete"
    store.engine.dispose()


def test_norms_from_a_file_name_each_problem_by_row():
    frame = pd.DataFrame(
        [
            ["每村1个儿童之家（本地）", "村", "children_home", "1", "某州规划"],
            ["每千名老人床位", "人口", "rural_care_home", "35", "某州规划"],  # no 人数 / 年龄组
            ["每乡镇一个", "乡镇", "child_protection_station", "一", "某州规划"],
            ["无出处", "县", "child_protection_institution", "1", ""],
        ],
        columns=["标题", "单位", "设施类型", "每单位数量", "来源"],
        index=pd.Index([2, 3, 4, 5], name="row"),
    )
    norms, problems = norms_from_table(frame, "规范.csv")
    assert [n.title for n in norms] == ["每村1个儿童之家（本地）"]
    assert [p.split(",")[0].split(": ")[1] for p in problems] == ["row 3", "row 4", "row 5"]
    assert "not a whole number" in problems[0] and "not a number" in problems[1] and "source" in problems[2]
    assert norms_from_table(frame.drop(columns="来源"), "规范.csv") == ([], ["规范.csv: missing column(s) 来源/source"])


def test_the_english_texts_are_english():
    """Titles, readings and reasons in English carry no Chinese (the quotation and the article's title stay as
    printed: they are what is cited)."""
    import re

    catalogue = shipped_norms()
    cjk = re.compile(r"[\u4e00-\u9fff]")
    texts = [text for n in catalogue.norms.values() for text in (n.title_en, n.reading_en, n.reason_en)]
    texts += [f.title_en for f in catalogue.facility_types.values()]
    assert [x for x in texts if cjk.search(x)] == []
