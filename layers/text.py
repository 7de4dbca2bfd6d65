"""Text typed by people (uploads, titles, sources, addresses): what must go before it is stored or echoed."""

from __future__ import annotations

import functools
import unicodedata


@functools.cache
def _format_controls() -> dict[int, None]:
    return {c: None for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf"}  # built once, 0.1 s


def strip_format_controls(text: str) -> str:
    """``text`` without Unicode format characters (category Cf: the bidi override U+202E, zero-width spaces, soft
    hyphens, a stray BOM …): invisible, they reorder or hide what is shown wherever the text is echoed."""
    return text if text.isascii() else str(text.translate(_format_controls()))
