"""Compare mode's cost: building the compare page's map (side by side, bivariate) for the 183 counties, as a
ratio to building the single-layer map in the same run (target: at most 2.5×).

Each side is measured from the view state to the map's HTML, as the page and the HTML export do: MapData of
each layer (classification included), the joined table, the folium map(s), rendered. Boundaries (overview
detail, GCJ-02 as for the default Amap basemap) and the layer registry are loaded once, as the app holds
them; the sides are interleaved so a busy spell on the shared machine hits all of them alike.

Then the hot spots' LISA for the 183 counties (layers.hotspots.local_moran: queen contiguity on web-detail
boundaries, global Moran's I and Local Moran with 999 seeded permutations, without numba), univariate and
bivariate, as seconds (no baseline: the target is that a first click does not stall).

    python bench/compare.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.core import mapdata  # noqa: E402
from app.core.compare import compare_data  # noqa: E402
from app.core.viewstate import ViewState  # noqa: E402
from app.webmap import choropleth, compare  # noqa: E402
from geodata import load_boundaries  # noqa: E402
from layers import default_registry  # noqa: E402

TARGET = 2.5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    registry = default_registry()
    view = ViewState(mode="compare")
    shapes = load_boundaries("county", detail="overview", datum=mapdata.datum_for(view))

    def single() -> int:
        single_view = ViewState()
        data = mapdata.map_data(mapdata.effective_layer(registry, single_view), single_view)
        return len(choropleth.build_map(shapes, data).get_root().render())

    def side_by_side() -> int:
        data = compare_data(registry, view)
        return len(compare.side_by_side_map(shapes, data).get_root().render())

    def bivariate() -> int:
        data = compare_data(registry, view)
        return len(compare.bivariate_map(shapes, data, compare.bivariate(data)).get_root().render())

    sides: dict[str, Callable[[], int]] = {"single": single, "side_by_side": side_by_side, "bivariate": bivariate}
    for build in sides.values():  # warm: geometry as GeoJSON is computed once per boundaries object
        build()
    times: dict[str, list[float]] = {name: [] for name in sides}
    size: dict[str, int] = {}
    for _ in range(args.runs):
        for name, build in sides.items():
            start = time.perf_counter()
            size[name] = build()
            times[name].append(time.perf_counter() - start)
    base = statistics.median(times["single"])
    print(f"{'side':<14}{'median s':>10}{'min s':>9}{'HTML kB':>10}{'ratio':>8}")
    worst = 0.0
    for name in sides:
        med = statistics.median(times[name])
        ratio = med / base
        worst = max(worst, ratio)
        print(f"{name:<14}{med:>10.3f}{min(times[name]):>9.3f}{size[name] / 1000:>10.0f}{ratio:>8.2f}")
    print(f"target: compare views at most {TARGET}x the single map; worst {worst:.2f}x")
    lisa_times(registry, view, args.runs)
    return 0 if worst <= TARGET else 1


def lisa_times(registry, view: ViewState, runs: int) -> None:
    """Seconds for the LISA of the 183 counties (contiguity, global and local Moran, 999 permutations)."""
    from layers.hotspots import PERMUTATIONS, local_moran

    web = load_boundaries("county", detail="web", datum="wgs84")
    table = compare_data(registry, view).table.set_index("adcode")
    kinds = {"lisa A": None, "lisa A vs B": table["value_b"]}
    print(f"{'LISA (183 counties, ' + str(PERMUTATIONS) + ' permutations)':<48}{'median s':>10}{'min s':>9}")
    for name, b in kinds.items():
        spent = []
        for _ in range(runs):
            start = time.perf_counter()
            local_moran(web, table["value_a"], b)
            spent.append(time.perf_counter() - start)
        print(f"{name:<48}{statistics.median(spent):>10.3f}{min(spent):>9.3f}")


if __name__ == "__main__":
    raise SystemExit(main())
