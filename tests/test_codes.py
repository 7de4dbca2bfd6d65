import csv
from pathlib import Path

import pytest

from geodata import AmbiguousRegionError, NoBoundaryError, UnknownRegionError, gazetteer, resolve

ROOT = Path(__file__).resolve().parents[1]


def test_current_code_sets_have_official_counts():
    g = gazetteer()
    assert [d.adcode for d in g.current("province")] == ["510000"]
    assert len(g.current("prefecture")) == 21
    assert len(g.current("county")) == 183


def test_every_county_parent_is_one_of_the_21_prefectures():
    g = gazetteer()
    prefectures = {d.adcode for d in g.current("prefecture")}
    for county in g.current("county"):
        assert county.parent_adcode in prefectures, county
        assert county.adcode[:4] == county.parent_adcode[:4]


@pytest.mark.parametrize(
    "query,code",
    [
        ("成都", "510100"),
        ("成都市", "510100"),
        ("凉山", "513400"),
        ("凉山州", "513400"),
        ("凉山彝族自治州", "513400"),
        ("阿坝州", "513200"),
        ("阿坝藏族羌族自治州", "513200"),
        ("甘孜州", "513300"),
        ("阿坝县", "513231"),
        ("甘孜县", "513328"),  # the county, not its prefecture
        ("广安", "511600"),
        ("广安区", "511602"),
        ("北川县", "510726"),
        ("北川羌族自治县", "510726"),
        ("会理市", "513402"),
        (513402, "513402"),
    ],
)
def test_aliases_resolve_to_current_codes(query, code):
    assert resolve(query) == code


@pytest.mark.parametrize(
    "old,new",
    [
        ("510922", "510981"),
        ("射洪县", "510981"),  # 2019
        ("510132", "510118"),
        ("新津县", "510118"),  # 2020
        ("513425", "513402"),
        ("会理县", "513402"),  # 2021
    ],
)
def test_crosswalk_maps_historical_codes_and_names(old, new):
    assert resolve(old) == new


def test_crosswalk_table_holds_the_three_known_changes_with_dates():
    with (ROOT / "data/gazetteer/crosswalk.csv").open(encoding="utf-8") as f:
        rows = {r["old_adcode"]: r for r in csv.DictReader(f)}
    assert rows["510922"]["new_adcode"] == "510981" and rows["510922"]["first_listed_new"].startswith("2019")
    assert rows["510132"]["new_adcode"] == "510118" and rows["510132"]["first_listed_new"].startswith("2020")
    assert rows["513425"]["new_adcode"] == "513402" and rows["513425"]["first_listed_new"].startswith("2021")


@pytest.mark.parametrize(
    "query,code",
    [
        ("市中区(内江)", "511002"),
        ("市中区（乐山市）", "511102"),
        ("内江市市中区", "511002"),
        ("仪陇县(南充市)", "511324"),
    ],
)
def test_prefecture_qualified_names(query, code):
    assert resolve(query) == code


def test_ambiguous_name_lists_candidates():
    with pytest.raises(AmbiguousRegionError) as err:
        resolve("市中区")
    assert set(err.value.candidates) == {"511002", "511102"}
    assert "市中区" in str(err.value) and "内江" in str(err.value) and "乐山" in str(err.value)


@pytest.mark.parametrize("query", ["火星县", "999999", "510199", ""])
def test_unknown_name_or_code_is_named_in_the_error(query):
    with pytest.raises(UnknownRegionError) as err:
        resolve(query)
    assert err.value.query == query


@pytest.mark.parametrize(
    "query,parent",
    [
        ("511071", "511000"),
        ("内江经济开发区", "511000"),
        ("511771", "511700"),
        ("巴中经济开发区", "511900"),
    ],
)
def test_development_zones_answer_no_boundary(query, parent):
    with pytest.raises(NoBoundaryError) as err:
        resolve(query)
    assert err.value.zone.parent_adcode == parent
    assert "no boundary" in str(err.value)


def test_a_zone_message_names_its_district_as_a_person_reads_it():
    with pytest.raises(NoBoundaryError) as err:
        resolve("511071")
    message = str(err.value)
    assert "市中区（内江） 511002" in message and "内江市 511000" in message
    assert "CONTAINING_DISTRICT" not in message and "layers." not in message


def test_label_tells_apart_the_two_shizhong_districts():
    from geodata.codes import gazetteer

    gaz = gazetteer()
    assert gaz.label("511002") == "市中区（内江）" and gaz.label("511102") == "市中区（乐山）"
    assert gaz.label("510104") == "锦江区" and gaz.label("513400") == "凉山彝族自治州"
    labels = [gaz.label(d.adcode) for d in gaz.current("county")]
    assert len(set(labels)) == len(labels) == 183


def test_level_filter():
    assert resolve("广安", level="county") == "511602"
    with pytest.raises(UnknownRegionError):
        resolve("510100", level="county")


def test_short_names_and_ethnic_flags():
    g = gazetteer()
    assert g.get("513400").short_name == "凉山州"
    assert g.get("513200").short_name == "阿坝州"
    assert g.get("510100").short_name == "成都市"
    assert g.get("513422").short_name == "木里县"
    ethnic = [d.adcode for d in g.current("prefecture") if d.is_ethnic_autonomous]
    assert ethnic == ["513200", "513300", "513400"]
