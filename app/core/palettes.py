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


def _luminance(colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (WCAG contrast): numbers on a legend's swatches."""
    lum = _luminance(background)
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#ffffff"
