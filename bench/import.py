"""Importing planners' tables, one run: matching a 5,000-row table to regions, and joining a facility list to
the counties, each against a naive per-row / per-point loop.

Matching — ours: ``geodata.matching.match_table`` resolves each *distinct* reference once through the
gazetteer and maps the answers back with pandas; values are parsed column-wise. Naive:
``geodata.matching.match_table_naive``, one gazetteer lookup (and one value parse) per row, as a first
version would loop. The table: 5,000 rows drawn (fixed seed) from every spelling a planner uses — current
and old codes, full and short names, ``内江市市中区``, ``市中区(内江)`` — with 2 % misspelt names and 1 % empty
cells, and one value column with a few non-numeric cells. The naive loop runs on every ``--match-sample``-th
row and its time is scaled to the table; both give the same status and code for every sampled row (checked).

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
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import prcoords
import shapely

from geodata import gazetteer, load_boundaries
from geodata.matching import match_reference, match_table, match_table_naive
from layers.facilities import county_of_points


def naive(lon: np.ndarray, lat: np.ndarray, counties) -> list[str | None]:
    out: list[str | None] = []
    polygons = list(zip(counties["adcode"], counties.geometry, strict=True))
    for x, y in zip(lon, lat, strict=True):
        w = prcoords.gcj_wgs_bored(prcoords.Coords(y, x))
        point = shapely.Point(w.lon, w.lat)
        out.append(next((code for code, poly in polygons if poly.contains(point)), None))
    return out


def matching_table(rows: int) -> pd.DataFrame:
    """``rows`` region references as planners write them (fixed seed), with a value column."""
    gaz = gazetteer()
    counties = gaz.current("county")
    spellings: list[str] = []
    for d in counties:
        parent = gaz.by_code[d.parent_adcode]
        spellings += [d.adcode, d.name, gaz.full_label(d.adcode), f"{d.name}({parent.short_name})"]
        if d.short_name != d.name:
            spellings.append(d.short_name)
    spellings += [c.old_adcode for c in gaz.crosswalk.values()]
    rng = np.random.default_rng(5000)
    refs = [spellings[i] for i in rng.integers(0, len(spellings), rows)]
    for i in rng.choice(rows, rows // 50, replace=False):
        refs[i] = refs[i][:-1] + "县区"  # a misspelling: unmatched, with the closest names
    for i in rng.choice(rows, rows // 100, replace=False):
        refs[i] = ""
    values = [str(v) for v in rng.integers(0, 500, rows)]
    for i in rng.choice(rows, rows // 200, replace=False):
        values[i] = "约" + values[i]
    return pd.DataFrame({"地区": refs, "床位": values})


def bench_matching(rows: int, sample: int) -> bool:
    table = matching_table(rows)
    match_reference("锦江区", "county")  # the gazetteer is loaded before timing, as in the app
    start, cpu = time.perf_counter(), time.process_time()
    report = match_table(table, "地区", ["床位"], "county")
    t_ours, c_ours = time.perf_counter() - start, time.process_time() - cpu
    start, cpu = time.perf_counter(), time.process_time()
    slow = match_table_naive(table.iloc[::sample], "地区", ["床位"], "county")
    scale = rows / len(slow)
    t_naive, c_naive = (time.perf_counter() - start) * scale, (time.process_time() - cpu) * scale
    sampled = report.rows[::sample]
    disagree = sum((r.status, r.code) != (s, c) for r, (_, s, c) in zip(sampled, slow, strict=True))
    counts = report.counts()
    print(
        f"{rows:,}-row table → county codes ({counts['matched']:,} matched, {counts['unmatched']} unmatched, "
        f"{counts['ambiguous']} ambiguous, {counts['empty']} empty; {len(report.value_problems)} value problems)"
    )
    print(f"  ours  (distinct references once, pandas): {t_ours:6.2f} s wall, {c_ours:6.2f} s CPU")
    print(
        f"  naive (per-row lookup):                   {t_naive:6.2f} s wall, {c_naive:6.2f} s CPU "
        f"(measured on {len(slow):,} rows, scaled)"
    )
    print(
        f"  ratio naive/ours: {t_naive / t_ours:.0f}x wall, {c_naive / c_ours:.0f}x CPU; "
        f"sampled rows that disagree: {disagree}"
    )
    return disagree == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=50_000)
    parser.add_argument("--sample", type=int, default=50, help="the naive loop runs on every N-th point")
    parser.add_argument("--rows", type=int, default=5_000, help="rows of the table to match")
    parser.add_argument("--match-sample", type=int, default=10, help="the naive matcher runs on every N-th row")
    args = parser.parse_args(argv)

    matching_ok = bench_matching(args.rows, args.match_sample)

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
    return 0 if disagree == 0 and matching_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
