"""Facility lists: one row per site (name, type, capacity, coordinates or a region) → counts per region.

Coordinates are GCJ-02 (Amap/Gaode geocoding, the common case in China) or WGS84 (GPS), as the user says.
They are converted to the boundaries' datum (``geodata.datum``) and joined to the counties in one
vectorised ``geopandas.sjoin``. GCJ-02 is offset from WGS84 by a few hundred metres in Sichuan, enough to
put a site near a county border into the neighbour when the datum is ignored.

Nothing is dropped silently: a row without usable coordinates, with latitude and longitude swapped, out of
range or outside Sichuan is listed as a :class:`FacilityIssue` with its row number and not counted.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.boundaries import load_boundaries
from geodata.codes import AmbiguousRegionError, NoBoundaryError, RegionLookupError, gazetteer
from geodata.datum import gcj02_to_wgs84_lonlat, wgs84_to_gcj02_lonlat
from layers.zones import CONTAINING_DISTRICT

DATUMS = ("gcj02", "wgs84")
# Sichuan's extent with a margin; a point that only lands in it with lat/lon exchanged was typed swapped.
SICHUAN_LON = (97.0, 108.8)
SICHUAN_LAT = (25.8, 34.5)
# Per-capita versions against the census layers: (population layer, per how many people, zh, en).
PER_CAPITA: dict[str, tuple[int, str, str]] = {
    "pop_60plus": (1000, "每千名60岁及以上老人", "per 1,000 people aged 60+"),
    "pop_0_14": (10000, "每万名0–14岁儿童", "per 10,000 children aged 0–14"),
    "pop_total": (10000, "每万常住人口", "per 10,000 residents"),
}

ISSUE_TEXT: dict[str, tuple[str, str]] = {
    "no_location": ("没有坐标也没有地区", "no coordinates and no region"),
    "coordinate_not_a_number": ("坐标不是数字", "coordinate is not a number"),
    "coordinate_out_of_range": ("坐标超出范围（经度±180，纬度±90）", "coordinate out of range (lon ±180, lat ±90)"),
    "coordinates_swapped": ("经纬度疑似填反", "longitude and latitude look swapped"),
    "outside_sichuan": ("点位不在四川省内", "point is outside Sichuan"),
    "region_unmatched": ("地区无法识别", "region not recognised"),
    "region_ambiguous": ("地区名称有歧义，请加上所属市州", "ambiguous region name; add the prefecture"),
    "region_not_county": ("地区不是县级区划", "region is not a county-level division"),
    "capacity_not_a_number": (
        "容量不是数字（该地区容量记为无数据）",
        "capacity is not a number (region's capacity: no data)",
    ),
    "capacity_negative": ("容量为负数（该地区容量记为无数据）", "capacity is negative (region's capacity: no data)"),
}


# Column headers planners use, in both languages, most specific first: the upload form starts with these chosen.
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "name": ("名称", "机构名称", "单位名称", "站点名称", "机构", "name", "facility", "site"),
    "type": ("类型", "机构类型", "类别", "type", "category", "kind"),
    "capacity": ("床位数", "床位", "容量", "beds", "capacity"),
    "lon": ("经度", "lng", "lon", "long", "longitude"),
    "lat": ("纬度", "lat", "latitude"),
    "region": ("区划代码", "代码", "adcode", "code", "区县", "县区", "所在县", "县", "county", "district"),
    "township": ("乡镇", "乡镇（街道）", "乡镇街道", "所在乡镇", "街道", "township", "town"),  # the plan view's
}
_BRACKETED = re.compile(r"[（(][^）)]*[）)]")


def _header_key(header: str) -> str:
    """A header as compared with COLUMN_NAMES: no unit in brackets, spaces, underscores or case ("床位数（张）" →
    "床位数", "Longitude_WGS" → "longitudewgs")."""
    return re.sub(r"[\s_\-]+", "", _BRACKETED.sub("", header)).lower()


def guess_columns(headers: Iterable[str], names: Mapping[str, tuple[str, ...]] = COLUMN_NAMES) -> dict[str, str]:
    """Which upload column holds what, by its header: ``{role: header}`` for the roles found, each header used
    once. An exact name wins over a header that merely starts with one (``经度`` before ``经度（WGS84）``)."""
    keys = {header: _header_key(header) for header in headers}
    found: dict[str, str] = {}
    for exact in (True, False):
        for role, candidates in names.items():
            if role in found:
                continue
            for candidate in candidates:
                hits = [
                    h
                    for h, k in keys.items()
                    if h not in found.values() and (k == candidate if exact else k.startswith(candidate))
                ]
                if hits:
                    found[role] = hits[0]
                    break
    return found


@dataclass(frozen=True)
class FacilityColumns:
    """Which upload columns hold what; coordinates, a region, or both (coordinates win when usable)."""

    name: str | None = None
    type: str | None = None
    capacity: str | None = None
    lon: str | None = None
    lat: str | None = None
    region: str | None = None

    def __post_init__(self) -> None:
        if (self.lon is None) != (self.lat is None):
            raise ValueError("choose both a longitude and a latitude column, or neither")
        if self.lon is None and self.region is None:
            raise ValueError("choose longitude and latitude columns or a region column")


@dataclass(frozen=True)
class FacilityIssue:
    row: int  # the row number a spreadsheet shows
    kind: str  # a key of ISSUE_TEXT
    value: str  # the cell(s) as uploaded
    candidates: tuple[str, ...] = ()

    def text(self, lang: str = "zh") -> str:
        zh, en = ISSUE_TEXT[self.kind]
        return en if lang == "en" else zh


@dataclass(frozen=True)
class FacilityList:
    """Located facilities and what could not be located.

    ``points``: index = row number; columns name, type, capacity (float, NaN when empty or invalid),
    lon, lat (WGS84; NaN for a site located by its region), county, prefecture (codes; None when not
    located), located_by ("point", "region" or None).
    """

    points: pd.DataFrame
    issues: tuple[FacilityIssue, ...]
    datum: str
    has_capacity: bool

    @property
    def located(self) -> pd.DataFrame:
        return self.points[self.points["county"].notna()]

    def marker_points(self, datum: str) -> pd.DataFrame:
        """The sites with coordinates, in the map's datum (``gcj02`` for Amap tiles, ``wgs84`` otherwise)."""
        pts = self.located[self.located["located_by"] == "point"]
        lon, lat = pts["lon"].to_numpy(float), pts["lat"].to_numpy(float)
        if datum == "gcj02":
            lon, lat = wgs84_to_gcj02_lonlat(lon, lat)
        out = pts[["name", "type", "capacity", "county"]].copy()
        out["lon"], out["lat"] = lon, lat
        return out


def _number(text: object) -> float | None:
    s = str(text).strip().replace(",", "").replace("，", "")
    if not s:
        return None
    try:
        value = float(s)
    except ValueError:
        return math.nan
    return value if math.isfinite(value) else math.nan


def to_wgs84(lon: np.ndarray, lat: np.ndarray, datum: str) -> tuple[np.ndarray, np.ndarray]:
    if datum not in DATUMS:
        raise ValueError(f"datum must be one of {DATUMS}, not {datum!r}")
    return gcj02_to_wgs84_lonlat(lon, lat) if datum == "gcj02" else (np.asarray(lon, float), np.asarray(lat, float))


def county_of_points(
    lon: np.ndarray, lat: np.ndarray, *, datum: str, counties: gpd.GeoDataFrame | None = None
) -> np.ndarray:
    """The county code containing each point (None outside every county): points converted from ``datum`` to
    WGS84 and joined in one vectorised ``sjoin`` to the full-detail WGS84 county boundaries (or ``counties``)."""
    w_lon, w_lat = to_wgs84(lon, lat, datum)
    if counties is None:
        counties = load_boundaries("county", detail="full", datum="wgs84")
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(w_lon, w_lat), crs=counties.crs)
    # Counties on the left: sjoin then queries a tree of the points with each (prepared) county polygon,
    # 183 queries instead of 50,000 — ten times faster than the other way round.
    joined = gpd.sjoin(counties[["adcode", "geometry"]].reset_index(drop=True), points, predicate="intersects")
    # A point exactly on a shared border touches two counties: keep the first county, deterministically.
    joined = joined.rename_axis("county_pos").reset_index().sort_values(["index_right", "county_pos"])
    joined = joined.drop_duplicates("index_right")
    codes = np.full(len(points), None, dtype=object)
    codes[joined["index_right"].to_numpy()] = joined["adcode"].to_numpy()
    return codes


def _locate_region(text: str, row: int) -> tuple[str | None, FacilityIssue | None]:
    try:
        return gazetteer().resolve(text, level="county"), None
    except NoBoundaryError as exc:  # a development zone: its land lies in one district
        return CONTAINING_DISTRICT[exc.zone.adcode], None
    except AmbiguousRegionError as exc:
        return None, FacilityIssue(row, "region_ambiguous", text, exc.candidates)
    except RegionLookupError:
        try:
            gazetteer().resolve(text)
        except RegionLookupError:
            return None, FacilityIssue(row, "region_unmatched", text)
        return None, FacilityIssue(row, "region_not_county", text)


def locate_facilities(
    frame: pd.DataFrame, columns: FacilityColumns, *, datum: str, counties: gpd.GeoDataFrame | None = None
) -> FacilityList:
    """Locate every row of an uploaded facility table (index = row numbers) in a county."""
    if datum not in DATUMS:
        raise ValueError(f"datum must be one of {DATUMS}, not {datum!r}")
    rows = [int(r) for r in frame.index]
    n = len(rows)
    issues: list[FacilityIssue] = []

    def col(name: str | None) -> list[str]:
        return [""] * n if name is None else [str(v) for v in frame[name].tolist()]

    names, types, caps = col(columns.name), col(columns.type), col(columns.capacity)
    lon_text, lat_text, regions = col(columns.lon), col(columns.lat), col(columns.region)
    lon = np.full(n, np.nan)
    lat = np.full(n, np.nan)
    pending: dict[int, FacilityIssue] = {}  # coordinate problems; a region column may still locate the row
    for i in range(n):
        if not lon_text[i].strip() and not lat_text[i].strip():
            continue
        x, y = _number(lon_text[i]), _number(lat_text[i])
        shown = f"{lon_text[i]}, {lat_text[i]}"
        if x is None or y is None or math.isnan(x) or math.isnan(y):
            pending[i] = FacilityIssue(rows[i], "coordinate_not_a_number", shown)
        elif SICHUAN_LAT[0] <= x <= SICHUAN_LAT[1] and SICHUAN_LON[0] <= y <= SICHUAN_LON[1]:
            pending[i] = FacilityIssue(rows[i], "coordinates_swapped", shown)
        elif not (-180 <= x <= 180 and -90 <= y <= 90):
            pending[i] = FacilityIssue(rows[i], "coordinate_out_of_range", shown)
        else:
            lon[i], lat[i] = x, y

    county = np.full(n, None, dtype=object)
    located_by = np.full(n, None, dtype=object)
    has_point = ~np.isnan(lon)
    if has_point.any():
        found = county_of_points(lon[has_point], lat[has_point], datum=datum, counties=counties)
        county[has_point] = found
        located_by[has_point] = ["point" if c is not None else None for c in found]
    w_lon, w_lat = to_wgs84(lon, lat, datum)
    for i in range(n):
        if county[i] is not None:
            continue
        if has_point[i]:
            pending[i] = FacilityIssue(rows[i], "outside_sichuan", f"{lon_text[i]}, {lat_text[i]}")
        if columns.region is not None and regions[i].strip():
            code, problem = _locate_region(regions[i], rows[i])
            if code is not None:
                county[i], located_by[i] = code, "region"
                w_lon[i] = w_lat[i] = np.nan
                pending.pop(i, None)
            elif problem is not None and i not in pending:
                pending[i] = problem
        elif i not in pending:
            pending[i] = FacilityIssue(rows[i], "no_location", "")
    issues.extend(pending[i] for i in sorted(pending))

    capacity = np.full(n, np.nan)
    if columns.capacity is not None:
        for i in range(n):
            value = _number(caps[i])
            if value is None:
                continue
            if math.isnan(value):
                issues.append(FacilityIssue(rows[i], "capacity_not_a_number", caps[i]))
            elif value < 0:
                issues.append(FacilityIssue(rows[i], "capacity_negative", caps[i]))
            else:
                capacity[i] = value
    gaz = gazetteer()
    points = pd.DataFrame(
        {
            "name": names,
            "type": types,
            "capacity": capacity,
            "capacity_text": caps,
            "lon": w_lon,
            "lat": w_lat,
            "county": county,
            "prefecture": [gaz.get(c).parent_adcode if c is not None else None for c in county],
            "located_by": located_by,
        },
        index=pd.Index(rows, name="row"),
    )
    issues.sort(key=lambda issue: issue.row)
    return FacilityList(points, tuple(issues), datum, columns.capacity is not None)


def aggregate(
    facilities: FacilityList, level: str, *, covered_prefectures: Iterable[str] | None = None
) -> pd.DataFrame:
    """Count and capacity per region of ``level`` (index: every current region, columns count, capacity).

    A region the list does not cover has no data (NaN), never 0: ``covered_prefectures=None`` means the
    list covers all of Sichuan (a county without a site counts 0); otherwise only regions in those
    prefectures count. A region's capacity is no data when any of its sites lacks a usable capacity (the
    sum would understate it), and when the list has no capacity column.
    """
    key = {"county": "county", "prefecture": "prefecture"}[level]
    regions = [d.adcode for d in gazetteer().current(level)]
    located = facilities.located
    count = located.groupby(key).size().reindex(regions, fill_value=0).astype(float)
    capacity = located.groupby(key)["capacity"].sum(min_count=1).reindex(regions)
    incomplete = located[located["capacity"].isna()][key].unique()
    capacity = capacity.fillna(0.0).where(~capacity.index.isin(incomplete))
    if not facilities.has_capacity:
        capacity[:] = np.nan
    if covered_prefectures is not None:
        covered = set(covered_prefectures)
        gaz = gazetteer()
        inside = np.array([(c if level == "prefecture" else gaz.get(c).parent_adcode) in covered for c in regions])
        count = count.where(inside)
        capacity = capacity.where(inside)
    return pd.DataFrame({"count": count, "capacity": capacity}, index=pd.Index(regions, name="adcode"))


def per_capita(values: pd.Series, population: pd.Series, per: float) -> pd.Series:
    """``values`` per ``per`` people; no data where the population is missing or zero (never 0)."""
    pop = population.reindex(values.index).astype(float)
    return values.astype(float) / pop.where(pop > 0) * per
