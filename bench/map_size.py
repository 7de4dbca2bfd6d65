"""County-level map page: our builder vs the naive route, in one process.

Naive: ``GeoDataFrame.explore()`` on the full-detail county polygons (what a first version would do).
Ours:  ``app.webmap.choropleth.build_map`` (the standalone map the exports use) on the ``overview`` detail
       the province-wide page draws (coverage-simplified at ~700 m, coordinates to 3 decimals).
Both render the same layer with the same classification to HTML. Prints HTML bytes, median
build+render time, and the two ratios.

    python bench/map_size.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core import mapdata
from app.core.viewstate import ViewState
from app.webmap import choropleth, templating
from geodata import load_boundaries
from layers import default_registry


def naive(full, layer) -> str:
    templating.uninstall()  # plain folium/branca, as a first version would run
    try:
        return _naive(full, layer)
    finally:
        templating.install()


def _naive(full, layer) -> str:
    gdf = full.merge(layer.frame("county")[["adcode", "value"]], on="adcode")
    m = gdf.explore(column="value", scheme="quantiles", k=5, cmap="OrRd", legend=True, tooltip=["name", "value"])
    return m.get_root().render()


def ours(shapes, layer, view) -> str:
    return choropleth.build_map(shapes, mapdata.map_data(layer, view)).get_root().render()


def timed(fn, repeat: int) -> tuple[float, str]:
    times, html = [], ""
    for _ in range(repeat):
        start = time.perf_counter()
        html = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), html


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    view = ViewState(level="county")
    layer = mapdata.effective_layer(default_registry(), view)
    layer.frame("county")  # warm the layer tables so both sides measure map building only
    full = load_boundaries("county", detail="full")
    shapes = load_boundaries("county", detail=mapdata.boundary_detail(view), datum=mapdata.datum_for(view))

    t_naive, html_naive = timed(lambda: naive(full, layer), args.repeat)
    t_ours, html_ours = timed(lambda: ours(shapes, layer, view), args.repeat)
    b_naive, b_ours = len(html_naive.encode()), len(html_ours.encode())
    print(f"layer {layer.id}, {len(shapes)} counties, median of {args.repeat} runs")
    print(f"geometry detail: naive 'full' ({len(full)} shapes), atlas {mapdata.boundary_detail(view)!r}")
    print(f"{'':<28}{'HTML bytes':>14}{'build+render s':>16}")
    print(f"{'naive GeoDataFrame.explore()':<28}{b_naive:>14,}{t_naive:>16.3f}")
    print(f"{'app.mapbuild':<28}{b_ours:>14,}{t_ours:>16.3f}")
    print(f"ratio: {b_naive / b_ours:.1f}x smaller, {t_naive / t_ours:.1f}x faster (targets: 15x, 20x)")


if __name__ == "__main__":
    main()
