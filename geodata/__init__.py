"""Boundaries, division codes and groupings for Sichuan. No Streamlit here: caching is the UI's job."""

from geodata.boundaries import areas_km2, load_boundaries
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
