"""Shared helpers for the export tests: the app's MapData for a view, boundaries, PNG pixels."""

from __future__ import annotations

import functools
import io

import numpy as np
from PIL import Image

from app.core import mapdata
from app.core.mapdata import MapData
from app.core.viewstate import ViewState
from geodata import load_boundaries
from layers import Registry, default_registry


@functools.cache
def registry() -> Registry:
    return default_registry()


@functools.cache
def boundaries(level: str):
    return load_boundaries(level, detail="web")


def data_for(view: ViewState) -> MapData:
    """Exactly what the page computes for ``view`` (the same two calls app/cache.py makes)."""
    return mapdata.map_data(mapdata.effective_layer(registry(), view), view)


def rgb(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def hex_rgb(colour: str) -> tuple[int, int, int]:
    c = colour.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def pixels_of(image: np.ndarray, colour: str) -> int:
    return int(np.all(image == np.array(hex_rgb(colour), dtype=image.dtype), axis=-1).sum())
