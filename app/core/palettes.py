"""ColorBrewer palettes (via branca) with the colour-blind-safe ones marked."""

from __future__ import annotations

from dataclasses import dataclass

from branca.utilities import color_brewer


@dataclass(frozen=True)
class Palette:
    name: str
    kind: str  # sequential | diverging | qualitative
    colourblind_safe: bool

    def colours(self, n: int, reverse: bool = False) -> list[str]:
        # ColorBrewer schemes start at 3 classes; take the first n of the 3-class scheme below that.
        cols = color_brewer(self.name, max(n, 3))[: max(n, 1)] if n < 3 else color_brewer(self.name, n)
        cols = cols[:n]
        return cols[::-1] if reverse else cols


# Colour-blind safety as marked on colorbrewer2.org.
PALETTES: dict[str, Palette] = {
    p.name: p
    for p in (
        *(
            Palette(n, "sequential", True)
            for n in (
                "YlGnBu",
                "YlOrRd",
                "OrRd",
                "PuBu",
                "Greens",
                "Blues",
                "Purples",
                "Oranges",
                "Reds",
                "Greys",
                "BuGn",
                "BuPu",
                "GnBu",
                "PuBuGn",
                "PuRd",
                "RdPu",
                "YlGn",
                "YlOrBr",
            )
        ),
        *(Palette(n, "diverging", True) for n in ("BrBG", "PiYG", "PRGn", "PuOr", "RdBu", "RdYlBu")),
        *(Palette(n, "diverging", False) for n in ("RdYlGn", "Spectral", "RdGy")),
        Palette("Set2", "qualitative", True),
        Palette("Dark2", "qualitative", True),
        Palette("Paired", "qualitative", True),
        Palette("Set3", "qualitative", False),
    )
}
NO_DATA_COLOUR = "#d9d9d9"
FILTERED_COLOUR = "#f2f2f2"
# What shows around the regions, which no class colour may be mistaken for: Leaflet's map background
# (`.leaflet-container` in the vendored leaflet.css), seen wherever no tile is drawn (basemap "none", tiles
# blocked), and the print maps' page, also the fill of the context regions around a view.
MAP_BACKGROUND = "#dddddd"
PRINT_BACKGROUND = "#ffffff"


def text_colour_on(background: str) -> str:
    """Black or white, whichever contrasts more with ``background`` (WCAG 2 relative luminance and ratio)."""
    channels = [int(background.lstrip("#")[k : k + 2], 16) / 255 for k in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#ffffff"
