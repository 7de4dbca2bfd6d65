"""layers/facilities.py on the real full-detail county boundaries."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from geodata.boundaries import load_boundaries
from layers.facilities import FacilityColumns, aggregate, county_of_points, locate_facilities, per_capita
from layers.upload.read import read_table

# Sites a few hundred metres inside a county border, as Amap (GCJ-02) gives them: taken inside the county on
# the WGS84 boundaries, then moved to GCJ-02. Read as WGS84 they fall across the border into the neighbour.
BORDER_SITES = [
    # GCJ-02 lon, lat, true county, the neighbour it lands in without conversion
    (104.122303, 30.56226, "510104", "510116"),  # 锦江区 | 双流区, 350 m from the border
    (105.100741, 29.535934, "511002", "511011"),  # 内江 市中区 | 东兴区, 170 m
    (103.631381, 30.766699, "510181", "510184"),  # 都江堰市 | 崇州市, 120 m
    (102.234501, 27.549915, "513401", "513424"),  # 西昌市 | 德昌县, 340 m
    (105.211293, 31.432596, "510722", "510723"),  # 三台县 | 盐亭县, 100 m
]


@pytest.fixture(scope="module")
def counties():
    return load_boundaries("county", detail="full", datum="wgs84")


def _csv(rows: list[str]) -> pd.DataFrame:
    text = "机构名称,类型,床位数,经度,纬度,所在县\n" + "\n".join(rows) + "\n"
    return read_table(text.encode("gbk"), name="机构.csv").frame


COLUMNS = FacilityColumns(name="机构名称", type="类型", capacity="床位数", lon="经度", lat="纬度", region="所在县")


def test_gcj02_sites_near_borders_land_in_the_right_county_only_after_conversion(counties):
    frame = _csv([f"院{i},养老院,10,{lon},{lat}," for i, (lon, lat, _, _) in enumerate(BORDER_SITES)])
    right = [true for *_, true, _ in BORDER_SITES]
    wrong = [neighbour for *_, neighbour in BORDER_SITES]
    as_gcj = locate_facilities(frame, COLUMNS, datum="gcj02", counties=counties)
    assert list(as_gcj.points["county"]) == right and not as_gcj.issues
    as_wgs = locate_facilities(frame, COLUMNS, datum="wgs84", counties=counties)
    assert list(as_wgs.points["county"]) == wrong
    # the marker layer for Amap tiles gives back the GCJ-02 input
    markers = as_gcj.marker_points("gcj02")
    assert np.allclose(markers["lon"], [s[0] for s in BORDER_SITES], atol=1e-7)
    assert np.allclose(markers["lat"], [s[1] for s in BORDER_SITES], atol=1e-7)


def test_impossible_and_outside_points_are_listed_with_row_numbers(counties):
    frame = _csv(
        [
            "甲,养老院,100,104.0657,30.6595,",  # row 2: 天府广场, 青羊区 (GCJ-02)
            "乙,养老院,20,30.6595,104.0657,",  # row 3: swapped
            "丙,养老院,20,204.1,30.6,",  # row 4: out of range
            "丁,养老院,20,,,",  # row 5: nothing
            "戊,养老院,20,106.5516,29.5630,",  # row 6: 重庆, outside Sichuan
            "己,养老院,二十,abc,30.6,内江市市中区",  # row 7: bad coordinate and capacity; the region locates it
            "庚,养老院,-3,,,市中区",  # row 8: ambiguous region, negative capacity
            "辛,儿童之家,,,,内江经济开发区",  # row 9: a development zone: its district
            "壬,儿童之家,5,,,成都市",  # row 10: a prefecture, not a county
            "癸,儿童之家,5,,,火星县",  # row 11: unknown
        ]
    )
    result = locate_facilities(frame, COLUMNS, datum="gcj02", counties=counties)
    issues = {(i.row, i.kind) for i in result.issues}
    assert issues == {
        (3, "coordinates_swapped"),
        (4, "coordinate_out_of_range"),
        (5, "no_location"),
        (6, "outside_sichuan"),
        (7, "capacity_not_a_number"),
        (8, "region_ambiguous"),
        (8, "capacity_negative"),
        (10, "region_not_county"),
        (11, "region_unmatched"),
    }
    ambiguous = next(i for i in result.issues if i.kind == "region_ambiguous")
    assert set(ambiguous.candidates) == {"511002", "511102"}
    pts = result.points
    assert pts.loc[2, "county"] == "510105" and pts.loc[2, "located_by"] == "point"
    assert pts.loc[7, "county"] == "511002" and pts.loc[7, "located_by"] == "region"
    assert pts.loc[9, "county"] == "511002"
    assert pts.loc[[3, 4, 5, 6, 8, 10, 11], "county"].isna().all()
    assert len(result.located) == 3  # rows 2, 7, 9; every other row is in the issues, none vanished


def test_aggregate_counts_capacity_and_no_data(counties):
    frame = _csv(
        [
            "甲,养老院,100,,,锦江区",
            "乙,养老院,50,,,锦江区",
            "丙,养老院,30,,,武侯区",
            "丁,养老院,,,,武侯区",  # capacity unknown: 武侯区's capacity is no data, its count is 2
            "戊,养老院,7,,,西昌市",
        ]
    )
    result = locate_facilities(frame, COLUMNS, datum="gcj02", counties=counties)
    county = aggregate(result, "county")
    assert len(county) == 183
    assert county.loc["510104"].tolist() == [2.0, 150.0]
    assert county.loc["510107", "count"] == 2 and math.isnan(county.loc["510107", "capacity"])
    assert county.loc["510105"].tolist() == [0.0, 0.0]  # 青羊区: covered, no site
    pref = aggregate(result, "prefecture")
    assert pref.loc["510100", "count"] == 4 and math.isnan(pref.loc["510100", "capacity"])
    assert pref.loc["513400"].tolist() == [1.0, 7.0]
    # a list that covers only the prefectures it names: elsewhere no data, never 0
    partial = aggregate(result, "county", covered_prefectures={"510100"})
    assert partial.loc["510105", "count"] == 0 and partial.loc[["513401", "511002"], "count"].isna().all()


def test_per_capita_only_where_the_denominator_exists():
    values = pd.Series([10.0, 5.0, 0.0, 3.0], index=["a", "b", "c", "d"])
    population = pd.Series([20000.0, np.nan, 1000.0, 0.0], index=["a", "b", "c", "d"])
    out = per_capita(values, population, 1000)
    assert out["a"] == 0.5 and out["c"] == 0.0
    assert math.isnan(out["b"]) and math.isnan(out["d"])


def test_county_of_points_vectorised_matches_a_per_point_loop(counties):
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(97.3, 108.6, 400), rng.uniform(26.0, 34.4, 400)
    fast = county_of_points(lon, lat, datum="wgs84", counties=counties)
    import shapely

    slow = []
    for x, y in zip(lon, lat, strict=True):
        hit = [
            c for c, g in zip(counties["adcode"], counties.geometry, strict=True) if g.intersects(shapely.Point(x, y))
        ]
        slow.append(hit[0] if hit else None)
    assert list(fast) == slow
    assert sum(c is not None for c in slow) > 100 and sum(c is None for c in slow) > 50
