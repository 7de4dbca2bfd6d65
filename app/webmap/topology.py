"""Region outlines as TopoJSON: every border stored once, as an arc both neighbours refer to.

The page's geometry file is the largest thing a first load fetches. Adjacent counties share their
borders, so a per-ring file sends every inner border twice; a topology sends each shared stretch once
(an *arc*), quantised to integers on the coordinates' own grid and delta-coded, and each ring becomes a
list of arc indices (``~i`` for arc ``i`` walked backwards). The browser rebuilds GeoJSON with
topojson-client (https://github.com/topojson/topojson-specification).

Why written here rather than with the ``topojson`` package (2.2): measured on the county overview
(183 regions, 25 k vertices) it took 0.11–0.55 s of CPU per file plus 0.43 s to import, on the cold path
of a new server (``app.ui.cache.warm_first``), where this adds about 45 ms to the file (75 ms in all); and it
quantises both axes by one factor over the bounding box, so latitudes leave the 0.001° grid they are
rounded to (lossy, and a larger file). Arc extraction is short here because the outlines are a
coverage simplified as one (``coverage_simplify``): a border shared by two regions has the very same
vertices in both rings, so exact integer comparison finds it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Ring = Sequence[Sequence[float]]  # [[x, y], ...], closed (first == last), as in GeoJSON
Polygon = Sequence[Ring]  # exterior, then holes


def topology(regions: Sequence[tuple[str, Sequence[Polygon]]], scale: int, name: str = "regions") -> dict:
    """TopoJSON of ``regions`` ((adcode, MultiPolygon coordinates) in drawing order), one object ``name``.

    Coordinates are put on the integer grid ``round(x * scale)``, so with coordinates already rounded to
    ``1 / scale`` the file is lossless. Each geometry is a MultiPolygon with properties ``{"adcode": code}``;
    every ring decodes to the same closed sequence of vertices as its source, in the same direction,
    possibly starting at another of its vertices.
    """
    rings = [ring for _, polygons in regions for polygon in polygons for ring in polygon]
    lengths = np.array([len(ring) - 1 for ring in rings], dtype=np.int64)  # without the closing vertex
    if len(rings) and lengths.min() < 1:
        raise ValueError("a ring without vertices")
    if not rings:  # nothing to draw (an area without regions at this level): still a valid file
        empty = [{"type": "MultiPolygon", "arcs": [], "properties": {"adcode": code}} for code, _ in regions]
        return {"type": "Topology", "objects": {name: {"type": "GeometryCollection", "geometries": empty}}, "arcs": []}
    flat = np.asarray([p for ring in rings for p in ring[:-1]], dtype=np.float64)
    points = np.rint(flat * scale).astype(np.int64)
    origin = points.min(axis=0)
    points -= origin
    # One int64 key per point (x and y each far below 2**31 after the shift), and per occurrence the
    # unordered pair of its neighbours along its ring.
    keys = (points[:, 0] << 32) | points[:, 1]
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    first, size = np.repeat(starts, lengths), np.repeat(lengths, lengths)
    at = np.arange(len(keys)) - first
    prev, nxt = keys[first + (at - 1) % size], keys[first + (at + 1) % size]
    lo, hi = np.minimum(prev, nxt), np.maximum(prev, nxt)
    # A junction is a point met with two different neighbour pairs: where borders meet or part.
    order = np.lexsort((hi, lo, keys))
    k, lo, hi = keys[order], lo[order], hi[order]
    same_key = k[1:] == k[:-1]
    other_pair = same_key & ((lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1]))
    is_junction = np.isin(keys, k[1:][other_pair])

    arcs: list[np.ndarray] = []
    index: dict[bytes, int] = {}

    def arc_id(arc: np.ndarray) -> int:
        key = arc.tobytes()
        if key in index:
            return index[key]
        reverse = arc[::-1].tobytes()
        if reverse in index:
            return ~index[reverse]
        index[key] = len(arcs)
        arcs.append(arc)
        return len(arcs) - 1

    ring_arcs: list[list[int]] = []
    for start, n in zip(starts.tolist(), lengths.tolist(), strict=True):
        ring = points[start : start + n]
        cuts = np.flatnonzero(is_junction[start : start + n]).tolist()
        if not cuts:  # a ring touching no other, or an enclave's outline shared whole: start at its
            cuts = [int(np.argmin(keys[start : start + n]))]  # smallest point, so both copies cut alike
        ends = [*cuts[1:], cuts[0] + n]
        ring_arcs.append([arc_id(ring[np.arange(a, b + 1) % n]) for a, b in zip(cuts, ends, strict=True)])

    geometries = []
    it = iter(ring_arcs)
    for code, polygons in regions:
        geometries.append(
            {
                "type": "MultiPolygon",
                "arcs": [[next(it) for _ in polygon] for polygon in polygons],
                "properties": {"adcode": code},
            }
        )
    # Delta-coded: each arc's first point from the origin (translate), every other from the one before.
    encoded = [np.concatenate([arc[:1], np.diff(arc, axis=0)]).tolist() for arc in arcs]
    return {
        "type": "Topology",
        "transform": {"scale": [1 / scale, 1 / scale], "translate": [int(origin[0]) / scale, int(origin[1]) / scale]},
        "objects": {name: {"type": "GeometryCollection", "geometries": geometries}},
        "arcs": encoded,
    }


__all__ = ["topology"]
