"""Compare mode's cost: building what the page sends for a compare view's map (side by side, bivariate) for the
183 counties, as a ratio to building it for the single-layer map in the same run (target: at most 2.5×).

Each side is measured from the view state to the map's style table as the page sends it (app/webmap/pagemap.py;
the frame and the geometry file are shared by every view and cached): MapData of each layer (classification
included), the joined table, the panes' styles, tooltips and legends, serialised for the page. The registry is
loaded once, as the app holds it; the sides are interleaved so a busy spell on the shared machine hits all of them
alike.

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
from app.core.compare import bivariate as bivariate_classes  # noqa: E402
from app.core.compare import compare_data  # noqa: E402
from app.core.viewstate import ViewState  # noqa: E402
from app.webmap import choropleth, compare, pagemap  # noqa: E402
from geodata import load_boundaries  # noqa: E402
from layers import default_registry  # noqa: E402

TARGET = 2.5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    registry = default_registry()
    view = ViewState(mode="compare")

    def sent(panes: list[dict[str, object]]) -> int:
        return len(pagemap.ViewStyle(pagemap.map_payload("/app/static/geo/county.json", None, panes)).payload_js)

    def single() -> int:
        single_view = ViewState()
        data = mapdata.map_data(mapdata.effective_layer(registry, single_view), single_view)
        return sent([choropleth.view_pane(data)])

    def side_by_side() -> int:
        return sent(compare.side_by_side_panes(compare_data(registry, view)))

    def bivariate() -> int:
        data = compare_data(registry, view)
        return sent([compare.bivariate_pane(data, bivariate_classes(data))])

    sides: dict[str, Callable[[], int]] = {"single": single, "side_by_side": side_by_side, "bivariate": bivariate}
    for build in sides.values():  # warm: the layers' tables are read once
        build()
    times: dict[str, list[float]] = {name: [] for name in sides}
    size: dict[str, int] = {}
    for _ in range(args.runs):
        for name, build in sides.items():
            start = time.perf_counter()
            size[name] = build()
            times[name].append(time.perf_counter() - start)
    base = statistics.median(times["single"])
    print(f"{'side':<14}{'median s':>10}{'min s':>9}{'sent kB':>10}{'ratio':>8}")
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
