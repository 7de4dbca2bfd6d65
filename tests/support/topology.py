"""A small reference TopoJSON decoder for the tests, written from the specification
(https://github.com/topojson/topojson-specification), independent of app/topology.py: quantised arcs
are delta-coded from the transform's origin, a ring is its arcs joined end to start (``~i`` is arc ``i``
reversed), the point where two arcs meet given once."""

from __future__ import annotations

import itertools


def arc_points(topology: dict) -> list[list[tuple[float, float]]]:
    """Every arc as absolute [lon, lat] points."""
    transform = topology.get("transform")
    out = []
    for arc in topology["arcs"]:
        if transform is None:
            out.append([(float(x), float(y)) for x, y in arc])
            continue
        (kx, ky), (tx, ty) = transform["scale"], transform["translate"]
        xs = itertools.accumulate(p[0] for p in arc)
        ys = itertools.accumulate(p[1] for p in arc)
        out.append([(x * kx + tx, y * ky + ty) for x, y in zip(xs, ys, strict=True)])
    return out


def ring(arcs: list[list[tuple[float, float]]], refs: list[int]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for ref in refs:
        arc = arcs[ref] if ref >= 0 else arcs[~ref][::-1]
        if points:
            assert points[-1] == arc[0], "consecutive arcs of a ring must meet"
            points.pop()
        points.extend(arc)
    assert points[0] == points[-1], "a ring must close"
    return points


def features(topology: dict, name: str) -> list[tuple[dict, list[list[list[tuple[float, float]]]]]]:
    """(properties, MultiPolygon coordinates) of every geometry of object ``name``."""
    arcs = arc_points(topology)
    out = []
    for geometry in topology["objects"][name]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        out.append((geometry.get("properties", {}), [[ring(arcs, r) for r in polygon] for polygon in polygons]))
    return out


def same_ring(got: list[tuple[float, float]], expected: list[tuple[float, float]], tolerance: float) -> bool:
    """Two closed rings with the same vertices in the same direction, within ``tolerance`` per coordinate,
    whichever vertex each starts at."""
    a, b = got[:-1], expected[:-1]
    if len(a) != len(b):
        return False

    def close(p: tuple[float, float], q: tuple[float, float]) -> bool:
        return abs(p[0] - q[0]) <= tolerance and abs(p[1] - q[1]) <= tolerance

    for shift in (i for i, p in enumerate(a) if close(p, b[0])):
        if all(close(a[(shift + i) % len(a)], q) for i, q in enumerate(b)):
            return True
    return False
