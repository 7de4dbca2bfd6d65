"""Paper sizes, resolutions and the default map-use note: constants the CLI needs without importing matplotlib."""

from __future__ import annotations

PAPERS: dict[str, tuple[float, float]] = {  # name -> (width, height) in mm, ISO 216
    "a4-landscape": (297.0, 210.0),
    "a4-portrait": (210.0, 297.0),
    "a3-landscape": (420.0, 297.0),
    "a3-portrait": (297.0, 420.0),
}
DPI_PRESETS = (150, 300, 600)  # screen, print, poster
MIN_DPI, MAX_DPI = 50, 600
MM_PER_INCH = 25.4
MAP_USE_NOTE = {
    "zh": "内部工作用图，不作为国界、行政区域界线依据",
    "en": "Internal working map; not a basis for national or administrative boundaries",
}
