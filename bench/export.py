"""Exports against the screenshot route, as ratios measured in one run.

Screenshot route (what one reaches for first): the folium page of the view (the app's own map, its
assets inlined so it loads from disk) opened in headless Debian Chromium, launched per capture, and
captured at print resolution (A4 landscape viewport, ``device_scale_factor = dpi / 96``).
Export route: :mod:`app.export` (matplotlib on the server; no browser).

Reported, wall-clock seconds and screenshot/export ratios (>1: the export is faster):
county PNG at 150 and 300 dpi, the PDF, the HTML export, and (``--atlas``) the whole atlas, against
both the screenshot route (one capture per map) and a naive loop measured in the same run (``naive_atlas``).

    python bench/export.py [--repeat N] [--atlas]
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pypdf import PdfReader, PdfWriter

from app.core import mapdata
from app.core.viewstate import ViewState
from app.export import htmlexport, printmap
from app.export.atlas import atlas_views, build_atlas, undrawable_reason
from app.export.printmap import PrintOptions
from geodata import load_boundaries
from layers import Registry, default_registry

CHROMIUM = "/usr/bin/chromium"
A4_LANDSCAPE_CSS_PX = (1123, 794)  # 297 × 210 mm at 96 CSS px per inch


def timed(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def screenshot(page_file: Path, dpi: int) -> bytes:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        w, h = A4_LANDSCAPE_CSS_PX
        page = browser.new_page(viewport={"width": w, "height": h}, device_scale_factor=dpi / 96)
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
        page.goto(page_file.as_uri())
        page.locator("path.leaflet-interactive").first.wait_for()
        png = page.screenshot(full_page=True)
        browser.close()
    return png


def naive_atlas(views: list[ViewState], registry: Registry) -> bytes:
    """The loop one writes first: per view, a PNG and a one-page PDF rendered on their own (each with its own
    figure and its own embedded glyphs), in one process, the pages merged at the end."""
    shapes = {level: load_boundaries(level, detail="web") for level in ("prefecture", "county")}
    writer = PdfWriter()
    for view in views:
        data = mapdata.map_data(mapdata.effective_layer(registry, view), view)
        if undrawable_reason(data) is not None:
            continue
        printmap.render(shapes[view.level], data, PrintOptions(), "png")
        writer.append(PdfReader(io.BytesIO(printmap.render(shapes[view.level], data, PrintOptions(), "pdf"))))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def cpu_seconds() -> float:
    """User + system CPU of this process and its finished children (the atlas workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--atlas", action="store_true", help="also time the whole atlas (PDF + PNG, 150 dpi)")
    args = ap.parse_args()
    load_before = os.getloadavg()

    registry = default_registry()
    view = ViewState(level="county", basemap="none")
    data = mapdata.map_data(mapdata.effective_layer(registry, view), view)
    web = load_boundaries("county", detail="web")
    screen = load_boundaries("county", detail=mapdata.boundary_detail(view))
    printmap.render(web, data, PrintOptions(dpi=50), "png")  # font registration and projection, once
    printmap.render(web, data, PrintOptions(dpi=300), "png")  # and the 300-dpi simplification

    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "map.html"
        page.write_bytes(htmlexport.html_bytes(screen, data))
        rows = []
        for dpi in (150, 300):
            shot = timed(lambda dpi=dpi: screenshot(page, dpi), args.repeat)
            export = timed(lambda dpi=dpi: printmap.render(web, data, PrintOptions(dpi=dpi), "png"), args.repeat)
            rows.append((f"county PNG {dpi} dpi", shot, export))
        shot300 = rows[1][1]
        rows.append(
            (
                "county PDF (vector)",
                shot300,
                timed(lambda: printmap.render(web, data, PrintOptions(), "pdf"), args.repeat),
            )
        )
        rows.append(("county HTML (offline)", shot300, timed(lambda: htmlexport.html_bytes(screen, data), args.repeat)))
        if args.atlas:
            views = atlas_views(registry, "zh")
            n = len(views)
            workers = os.cpu_count() or 1
            cpu = [cpu_seconds()]
            atlas = timed(lambda: build_atlas(Path(tmp) / "atlas", registry=registry, workers=workers), 1)
            cpu.append(cpu_seconds())
            naive = timed(lambda: naive_atlas(views, registry), 1)
            cpu.append(cpu_seconds())
            # CPU seconds depend far less on the machine's load than wall-clock ones
            atlas_cpu, naive_cpu = cpu[1] - cpu[0], cpu[2] - cpu[1]
            rows.append((f"atlas: {n} maps, PDF + PNG", shot300 * n, atlas))
            rows.append(("atlas vs naive loop", naive, atlas))

    print(f"{'':28} {'screenshot s':>13} {'export s':>9} {'ratio':>7}")
    for name, shot, export in rows:
        print(f"{name:28} {shot:13.2f} {export:9.2f} {shot / export:6.1f}x")
    print("screenshot: Chromium launch + load + capture at the same paper size; atlas row: per-map screenshot × maps;")
    print(f"atlas vs naive loop: first column the naive loop (naive_atlas); atlas with {os.cpu_count()} workers")
    if args.atlas:
        print(f"atlas CPU: {atlas_cpu:.1f} s (workers included); naive loop CPU: {naive_cpu:.1f} s")
    print(f"load average before: {load_before[0]:.1f}, after: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
