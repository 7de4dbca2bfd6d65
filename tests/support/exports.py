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


def furniture(fig) -> list[tuple[str, bool, bool]]:
    """(what, boxed, over a shape) for the north arrow and scale bar of every map on a drawn print page: "over a
    shape" when the item's box, where it lies over its map's axes, meets any region drawn there (the view's
    regions or the context around them); "boxed" when it sits on an opaque box of its own."""
    from matplotlib.offsetbox import AnchoredOffsetbox
    from matplotlib.transforms import Bbox
    from matplotlib_scalebar.scalebar import ScaleBar

    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    out = []
    for ax in fig.axes:
        for artist in ax.artists:
            if isinstance(artist, ScaleBar):
                what, box, boxed = "scale bar", artist.info.window_extent, bool(artist.frameon)
            elif isinstance(artist, AnchoredOffsetbox):
                what, box, boxed = "north arrow", artist.get_window_extent(renderer), artist.patch.get_visible()
            else:
                continue
            inside = Bbox.intersection(box, ax.get_window_extent(renderer))
            over = False
            if inside is not None:
                area = Bbox(ax.transData.inverted().transform(inside.get_points()))
                over = any(
                    path.intersects_bbox(area, filled=True) for coll in ax.collections for path in coll.get_paths()
                )
            out.append((what, boxed, over))
    return out
