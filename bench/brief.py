"""The brief per prefecture against a naive build of the same pages, as ratios measured in one run.

Brief route: :func:`app.export.brief.build_brief` (tables as one text per column, every page into one PDF so the
CJK glyphs are embedded once). Naive route, what one writes first: the same pages with one text object per table
cell, each page saved as a PDF of its own (its glyphs embedded again) and the pages put together with pypdf.

Reported: wall-clock and CPU seconds (median of ``--repeat`` runs, after one warm-up run that computes the layers'
figures), pages, bytes, and naive/brief ratios (>1: the brief is faster). The target is under 10 s wall-clock on a
quiet machine; CPU seconds are the figure to read on a busy one (wall-clock there waits for the other processes).

    python bench/brief.py [--repeat N] [--area 513400] [--lang zh]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

os.environ.setdefault("COVERAGE_ATLAS_STORE", str(Path(tempfile.mkdtemp(prefix="bench-brief-")) / "store.sqlite"))

import matplotlib
from matplotlib.figure import Figure
from pypdf import PdfReader, PdfWriter

from app.core.plan import plan_data
from app.core.viewstate import ViewState
from app.export import brief
from app.export.printmap import font
from geodata import load_boundaries
from layers.norms import shipped_norms
from layers.userstore import open_store
from tests.support.plan import save_supply

SITES = [
    ("甲站", "西昌市", "川兴镇"),
    ("乙站", "西昌市", "礼州镇"),
    ("丙站", "昭觉县", "四开镇"),
    ("丁站", "会理市", ""),
]


def naive_table(fig: Figure, top: float, columns, rows, size: float = 8.0) -> float:
    """One text object per cell, as a table is usually drawn."""
    line = size * brief.LINE_SPACING / 72 * 25.4 / 297
    for heading, x, align in columns:
        fig.text(x, top, heading, ha="left" if align == "l" else "right", va="top", fontproperties=font(size))
    y = top - line * 1.3
    for row in rows:
        for (_, x, align), cell in zip(columns, row, strict=True):
            fig.text(x, y, cell, ha="left" if align == "l" else "right", va="top", fontproperties=font(size))
        y -= line
    return y


def naive_brief(request, registry, catalogue, sets, counties) -> bytes:
    original = brief._table
    brief._table = naive_table
    try:
        pages = brief._Brief(request)
        view = replace(request.plan, lang=request.lang, level="county", area=request.area, mode="plan")
        plan = plan_data(view, registry, catalogue, sets)
        shapes = brief.labelled(counties, request.lang)
        brief._cover(pages, registry, plan)
        drawn = brief._maps(pages, registry, shapes)
        brief._rankings(pages, registry, drawn)
        brief._merger(pages, registry)
        brief._plan_pages(pages, plan, shapes)
        writer = PdfWriter()
        for fig in pages.finish():
            buf = io.BytesIO()
            with matplotlib.rc_context({"pdf.fonttype": 3}):
                fig.savefig(buf, format="pdf", facecolor="white")
            writer.append(PdfReader(buf))
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    finally:
        brief._table = original


def measure(fn: Callable[[], bytes], repeat: int) -> tuple[float, float, bytes]:
    walls, cpus, result = [], [], b""
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--area", default="513400")
    parser.add_argument("--lang", default="zh", choices=["zh", "en"])
    args = parser.parse_args()
    store = open_store()
    layer_id, registry, sets = save_supply(store, SITES, covered_prefectures={"513400"})
    catalogue = shipped_norms()
    counties = load_boundaries("county", detail="web", datum="wgs84")
    request = brief.BriefRequest(args.area, lang=args.lang, plan=ViewState(mode="plan", plan_supply=layer_id))
    print(f"load average before: {os.getloadavg()[0]:.2f}, CPUs: {os.cpu_count()}")
    brief.build_brief(request, registry, catalogue, sets, counties)  # warm-up: the layers' figures, the fonts
    runs = {
        "brief": lambda: brief.build_brief(request, registry, catalogue, sets, counties),
        "naive": lambda: naive_brief(request, registry, catalogue, sets, counties),
    }
    results = {name: measure(fn, args.repeat) for name, fn in runs.items()}
    for name, (wall, cpu, pdf) in results.items():
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(f"{name:>6}: {wall:6.2f} s wall, {cpu:6.2f} s CPU, {pages} pages, {len(pdf) / 1e6:.2f} MB")
    (bw, bc, _), (nw, nc, _) = results["brief"], results["naive"]
    print(f"naive / brief: {nw / bw:.2f}x wall, {nc / bc:.2f}x CPU")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
