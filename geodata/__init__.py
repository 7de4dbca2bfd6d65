"""Boundaries, division codes and groupings for Sichuan. No Streamlit here: caching is the UI's job."""

from __future__ import annotations

from typing import Any

from geodata.codes import (
    AmbiguousRegionError,
    NoBoundaryError,
    RegionLookupError,
    UnknownRegionError,
    gazetteer,
    resolve,
)
from geodata.regions import ECONOMIC_REGIONS, economic_region_of

__all__ = [
    "ECONOMIC_REGIONS",
    "AmbiguousRegionError",
    "NoBoundaryError",
    "RegionLookupError",
    "UnknownRegionError",
    "areas_km2",
    "economic_region_of",
    "gazetteer",
    "load_boundaries",
    "resolve",
]


def __getattr__(name: str) -> Any:
    # The boundaries need geopandas, pyproj and shapely (about a second to import); the gazetteer does not, so
    # ``import geodata`` stays light for name lookups (``coverage-atlas resolve``) and loads them on first use.
    if name in ("areas_km2", "load_boundaries"):
        from geodata import boundaries

        return getattr(boundaries, name)
    raise AttributeError(f"module 'geodata' has no attribute {name!r}")
