"""The print options: paper sizes, resolutions, the map-use note.

What the CLI and the page need to offer a print without importing matplotlib (app/export/printmap.py draws) or
pandas (a command's help and its errors come first).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from app.core.markup import strip_format_controls

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

FORMATS = ("png", "svg", "pdf")


class PrintOptionError(ValueError):
    """An option outside its valid choices; the message names them."""


@dataclass(frozen=True)
class PrintOptions:
    title: str | None = None  # None: the layer title
    subtitle: str | None = None  # None: year · level · area
    note: str | None = None  # None: MAP_USE_NOTE in the view's language
    paper: str = "a4-landscape"
    dpi: int = 150
    labels: bool = True
    date: dt.date = field(default_factory=dt.date.today)

    def __post_init__(self) -> None:
        for name in ("title", "subtitle", "note"):  # typed text: no bidi overrides or other format characters
            if getattr(self, name) is not None:
                object.__setattr__(self, name, strip_format_controls(getattr(self, name)))
        if self.paper not in PAPERS:
            raise PrintOptionError(f"paper {self.paper!r} is not one of {', '.join(PAPERS)}")
        if not MIN_DPI <= int(self.dpi) <= MAX_DPI:
            raise PrintOptionError(f"dpi {self.dpi} is outside {MIN_DPI}–{MAX_DPI} (150 screen, 300 print, 600 poster)")


def pixel_size(paper: str, dpi: int) -> tuple[int, int]:
    """The PNG size in pixels for a paper and resolution (each side rounded to the nearest pixel)."""
    w, h = PAPERS[paper]
    return round(w / MM_PER_INCH * dpi), round(h / MM_PER_INCH * dpi)
