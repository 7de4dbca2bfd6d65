"""Joining a facility list to the counties: the vectorised route against a naive per-point loop, one run.

Ours:  ``layers.facilities.county_of_points``: GCJ-02 → WGS84 for all points at once (numpy, the
       formulas of prcoords) and one ``geopandas.sjoin`` against the 183 full-detail county polygons.
Naive: what a first version would write: per point, ``prcoords.gcj_wgs_bored`` and then a loop over the
       counties testing ``polygon.contains(point)`` until one holds it. It runs on a sample of the points
       (every ``--sample``-th) and its time is scaled to the whole list; both give the same county for
       every sampled point (checked).

Points: 50,000 GCJ-02 points drawn uniformly over Sichuan's bounding box (a fixed seed), so about 40 %
fall outside the province, as a list with bad rows would. The county boundaries are loaded (and cached)
before timing, as the app does once per process.

    python bench/import.py [--points 50000] [--sample 50]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import prcoords
import shapely

from geodata import load_boundaries
from layers.facilities import county_of_points


def naive(lon: np.ndarray, lat: np.ndarray, counties) -> list[str | None]:
    out: list[str | None] = []
    polygons = list(zip(counties["adcode"], counties.geometry, strict=True))
    for x, y in zip(lon, lat, strict=True):
        w = prcoords.gcj_wgs_bored(prcoords.Coords(y, x))
        point = shapely.Point(w.lon, w.lat)
        out.append(next((code for code, poly in polygons if poly.contains(point)), None))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=50_000)
    parser.add_argument("--sample", type=int, default=50, help="the naive loop runs on every N-th point")
    args = parser.parse_args(argv)

    counties = load_boundaries("county", detail="full", datum="wgs84")
    minx, miny, maxx, maxy = counties.total_bounds
    rng = np.random.default_rng(14)
    lon, lat = rng.uniform(minx, maxx, args.points), rng.uniform(miny, maxy, args.points)

    start, cpu = time.perf_counter(), time.process_time()
    ours = county_of_points(lon, lat, datum="gcj02", counties=counties)
    t_ours, c_ours = time.perf_counter() - start, time.process_time() - cpu

    sl = slice(None, None, args.sample)
    start, cpu = time.perf_counter(), time.process_time()
    slow = naive(lon[sl], lat[sl], counties)
    t_naive_sample, c_naive_sample = time.perf_counter() - start, time.process_time() - cpu
    scale = args.points / len(slow)
    t_naive, c_naive = t_naive_sample * scale, c_naive_sample * scale
    disagree = sum(a != b for a, b in zip(list(ours[sl]), slow, strict=True))

    inside = sum(c is not None for c in ours)
    print(f"{args.points:,} GCJ-02 points → 183 counties ({inside:,} inside Sichuan)")
    # Wall clock and CPU time: on a shared machine the wall clock includes waiting for a core.
    print(f"  ours  (vectorised conversion + sjoin): {t_ours:6.2f} s wall, {c_ours:6.2f} s CPU (target 2 s)")
    print(
        f"  naive (per-point loop):                {t_naive:6.2f} s wall, {c_naive:6.2f} s CPU "
        f"(measured on {len(slow):,} points, scaled)"
    )
    print(
        f"  ratio naive/ours: {t_naive / t_ours:.0f}x wall, {c_naive / c_ours:.0f}x CPU; "
        f"sampled points where the two disagree: {disagree}"
    )
    return 0 if disagree == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
