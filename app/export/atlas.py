"""The batch atlas: every shipped layer at every level it has, as print maps.

``build_atlas(out_dir)`` writes ``atlas.pdf`` (a contents page, then one page per layer and level),
``png/<layer>_<level>.png`` and an ``index.html`` linking them. Each map is the layer's default view
(the page's defaults: quantiles, 5 classes, the layer's palette) drawn by :mod:`app.export.printmap`
from the same MapData the page would show. Layers that cannot be drawn are listed with the reason, in
the contents page, the index and the return value, never skipped silently.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import html
import io
import multiprocessing
import tempfile
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import matplotlib
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from pypdf import PdfReader, PdfWriter
from tqdm import tqdm

from app.core import mapdata
from app.core.i18n import t
from app.core.mapdata import MapData
from app.core.viewstate import ViewState, sanitise
from app.export import printmap
from app.export.fonts import font_family
from app.export.paper import MM_PER_INCH, PAPERS, PrintOptions
from geodata.files import write_atomically, write_bytes_atomically
from layers import Registry, default_registry

ATLAS_FORMATS = ("pdf", "png")


class AtlasError(ValueError):
    pass


@dataclass
class AtlasReport:
    pages: int = 0
    maps: list[tuple[str, str, str]] = field(default_factory=list)  # layer id, level, title
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # layer id, level, reason
    files: list[str] = field(default_factory=list)


def undrawable_reason(data: MapData) -> str | None:
    """Why a view cannot be drawn as a choropleth, or None."""
    lang = data.view.lang
    if data.error:
        return data.error
    if data.table["value"].notna().sum() == 0:
        return t("atlas_empty", lang)
    if data.layer.is_categorical and not data.categories:
        return t("atlas_no_colours", lang)
    return None


def atlas_views(registry: Registry, lang: str) -> list[ViewState]:
    return [
        sanitise(ViewState(lang=lang, layer=layer.id, level=level), registry)
        for layer in registry.list_layers()
        for level in layer.levels
    ]


def _contents_page(report: AtlasReport, options: PrintOptions, lang: str) -> Figure:
    w, h = PAPERS[options.paper]
    fig = Figure(figsize=(w / MM_PER_INCH, h / MM_PER_INCH), dpi=options.dpi)
    family = [font_family(), "DejaVu Sans"]
    scale = min(w, h) / 210
    fig.text(
        0.5, 0.95, t("atlas_title", lang), ha="center", fontproperties=FontProperties(family=family, size=18 * scale)
    )
    fig.text(
        0.5, 0.91, t("atlas_contents", lang), ha="center", fontproperties=FontProperties(family=family, size=12 * scale)
    )
    lines = [
        f"{i + 2:>3}  {title} · {t(level, lang)}" for i, (_, level, title) in enumerate(report.maps)
    ]  # page 1 is this one
    if report.skipped:
        lines += ["", t("atlas_not_drawn", lang) + ":"]
        lines += [f"      {layer_id} · {t(level, lang)}: {reason}" for layer_id, level, reason in report.skipped]
    lines += ["", f"{printmap.MAP_USE_NOTE['en' if lang == 'en' else 'zh']} · {options.date.isoformat()}"]
    per_column = 40
    size = 7.5 * scale if len(lines) <= per_column else 6 * scale
    for col in range(0, len(lines), per_column):
        chunk = lines[col : col + per_column]
        x = 0.05 + 0.48 * (col // per_column)
        for j, line in enumerate(chunk):
            fig.text(
                x, 0.87 - j * 0.021, line, ha="left", va="top", fontproperties=FontProperties(family=family, size=size)
            )
    return fig


@dataclass(frozen=True)
class _Drawn:
    layer: str
    level: str
    title: str = ""
    reason: str | None = None
    part: int = 0  # which worker's PDF holds the page
    page: int = -1  # its page there


_WORKER: dict[str, Any] = {}  # what each drawing process needs: registry, boundaries, options, formats, ticks


def _init_worker(
    registry: Registry,
    shapes: dict[str, gpd.GeoDataFrame],
    options: PrintOptions,
    formats: tuple[str, ...],
    tick: Callable[[], None],
) -> None:
    _WORKER.update(registry=registry, shapes=shapes, options=options, formats=formats, tick=tick)


def _draw_part(part: int, views: list[ViewState], png_dir: Path | None, pdf_path: Path | None) -> list[_Drawn]:
    """Draw ``views`` in order: each PNG written as soon as it is drawn, each page appended to this part's PDF.

    One multi-page PDF per part rather than one file per map: the CJK glyphs (Type 3, one compressed stream
    per glyph) are embedded once per part instead of once per page, which was most of a page's cost.
    """
    registry, options, formats = _WORKER["registry"], _WORKER["options"], _WORKER["formats"]
    drawn: list[_Drawn] = []
    pages = 0
    with contextlib.ExitStack() as stack:
        stack.enter_context(matplotlib.rc_context({"pdf.fonttype": 3}))
        pdf = stack.enter_context(PdfPages(pdf_path)) if pdf_path is not None and "pdf" in formats else None
        for view in views:
            data = mapdata.map_data(mapdata.effective_layer(registry, view), view)
            reason = undrawable_reason(data)
            if reason is not None:
                drawn.append(_Drawn(view.layer, view.level, reason=reason))
                _WORKER["tick"]()
                continue
            fig = printmap.figure(_WORKER["shapes"][view.level], data, options)
            if png_dir is not None and "png" in formats:
                png = printmap.png_bytes(fig, options.dpi, {"Title": printmap.default_title(data)})
                write_bytes_atomically(png_dir / _png_name(view), png)
            page = -1
            if pdf is not None:
                pdf.savefig(fig, facecolor="white")
                page, pages = pages, pages + 1
            drawn.append(_Drawn(view.layer, view.level, printmap.default_title(data), None, part, page))
            _WORKER["tick"]()
    return drawn


def _png_name(view: ViewState) -> str:
    return f"{view.layer}_{view.level}.png"


def build_atlas(
    out_dir: Path,
    *,
    formats: tuple[str, ...] = ATLAS_FORMATS,
    lang: str = "zh",
    options: PrintOptions | None = None,
    registry: Registry | None = None,
    views: list[ViewState] | None = None,
    load: Callable[[str], gpd.GeoDataFrame] | None = None,
    progress: bool = False,
    workers: int = 1,
) -> AtlasReport:
    """Draw every view (default: every layer × level) into ``out_dir``; return what was drawn and skipped.

    With ``workers > 1`` the views are dealt out to that many forked processes (they inherit the loaded
    registry and boundaries); each writes its own PDF part, and the pages are then put together in the
    views' order, so the result is the same as drawing them one by one.
    """
    if not set(formats) <= set(ATLAS_FORMATS) or not formats:
        raise AtlasError(f"formats {formats} are not among {', '.join(ATLAS_FORMATS)}")
    options = options or PrintOptions()
    registry = registry or default_registry()
    views = views if views is not None else atlas_views(registry, lang)
    if load is None:
        from geodata.boundaries import load_boundaries

        def load(level: str) -> gpd.GeoDataFrame:
            return load_boundaries(level, detail="web", datum="wgs84")

    out_dir.mkdir(parents=True, exist_ok=True)
    png_dir = out_dir / "png" if "png" in formats else None
    if png_dir is not None:
        png_dir.mkdir(exist_ok=True)
    shapes = {level: load(level) for level in sorted({v.level for v in views})}
    for level_shapes in shapes.values():
        printmap.prepare(level_shapes, options)  # once per level, before the workers fork
    workers = max(1, min(workers, len(views)))
    parts = [views[i::workers] for i in range(workers)]  # dealt round-robin: each part gets both levels
    report = AtlasReport()
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".atlas-") as tmp:
        pdf_paths = [Path(tmp) / f"part{i}.pdf" for i in range(workers)]
        with tqdm(total=len(views), desc="atlas", unit="map", disable=not progress) as bar:
            if workers == 1:
                _init_worker(registry, shapes, options, tuple(formats), bar.update)
                results = [_draw_part(0, views, png_dir, pdf_paths[0])]
            else:
                results = _draw_parallel(parts, png_dir, pdf_paths, (registry, shapes, options, tuple(formats)), bar)
        drawn: list[_Drawn] = [results[i % workers][i // workers] for i in range(len(views))]  # dealt back
        for d in drawn:
            if d.reason is not None:
                report.skipped.append((d.layer, d.level, d.reason))
                continue
            report.maps.append((d.layer, d.level, d.title))
            if png_dir is not None:
                report.files.append(f"png/{d.layer}_{d.level}.png")
        if "pdf" in formats:
            _assemble_pdf(out_dir / "atlas.pdf", report, options, lang, drawn, pdf_paths)
            report.files.insert(0, "atlas.pdf")
            report.pages = len(report.maps) + 1
        else:
            report.pages = len(report.maps)
    index = index_html(report, lang, options.date)
    write_atomically(out_dir / "index.html", lambda path: path.write_text(index, encoding="utf-8"))
    return report


def _draw_parallel(
    parts: list[list[ViewState]],
    png_dir: Path | None,
    pdf_paths: list[Path],
    init: tuple[Registry, dict[str, gpd.GeoDataFrame], PrintOptions, tuple[str, ...]],
    bar: tqdm,
) -> list[list[_Drawn]]:
    # fork: the children inherit the loaded registry and boundaries (and the queue) instead of unpickling them
    context = multiprocessing.get_context("fork")
    ticks = context.SimpleQueue()
    with ProcessPoolExecutor(
        len(parts), mp_context=context, initializer=_init_worker, initargs=(*init, functools.partial(ticks.put, 1))
    ) as pool:
        futures = [pool.submit(_draw_part, i, part, png_dir, pdf_paths[i]) for i, part in enumerate(parts)]
        while not all(f.done() for f in futures) or not ticks.empty():
            if ticks.empty():
                wait(futures, timeout=0.2, return_when=FIRST_COMPLETED)
            else:
                bar.update(ticks.get())
        return [f.result() for f in futures]


def _assemble_pdf(
    path: Path, report: AtlasReport, options: PrintOptions, lang: str, drawn: list[_Drawn], parts: list[Path]
) -> None:
    contents = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": 3}):
        _contents_page(report, options, lang).savefig(contents, format="pdf", facecolor="white")
    writer = PdfWriter()
    writer.append(PdfReader(contents))
    readers = [PdfReader(p) if p.exists() else None for p in parts]
    for d in drawn:
        reader = readers[d.part]
        if d.reason is None and reader is not None:
            writer.add_page(reader.pages[d.page])  # pypdf copies a part's shared fonts once
    writer.add_metadata({"/Title": t("atlas_title", lang), "/Creator": "Sichuan Coverage Atlas"})

    def write_pdf(target: Path) -> None:
        with target.open("wb") as fh:
            writer.write(fh)

    write_atomically(path, write_pdf)


def index_html(report: AtlasReport, lang: str, date: dt.date) -> str:
    e = html.escape
    items = []
    for layer_id, level, title in report.maps:
        png = f"png/{layer_id}_{level}.png"
        link = f"<a href='{e(png)}'>{e(title)}</a>" if png in report.files else e(title)
        items.append(f"<li>{link} · {e(t(level, lang))} <code>{e(layer_id)}</code></li>")
    skipped = "".join(
        f"<li><code>{e(layer_id)}</code> · {e(t(level, lang))}: {e(reason)}</li>"
        for layer_id, level, reason in report.skipped
    )
    pdf = "<p><a href='atlas.pdf'>atlas.pdf</a></p>" if "atlas.pdf" in report.files else ""
    return (
        f"<!DOCTYPE html><html lang='{'en' if lang == 'en' else 'zh-CN'}'><head><meta charset='utf-8'>"
        f"<title>{e(t('atlas_title', lang))}</title></head><body>"
        f"<h1>{e(t('atlas_title', lang))}</h1>{pdf}<ol>{''.join(items)}</ol>"
        + (f"<h2>{e(t('atlas_not_drawn', lang))}</h2><ul>{skipped}</ul>" if skipped else "")
        + f"<p>{e(printmap.MAP_USE_NOTE['en' if lang == 'en' else 'zh'])} · {e(date.isoformat())}</p></body></html>"
    )


__all__ = ["ATLAS_FORMATS", "AtlasError", "AtlasReport", "atlas_views", "build_atlas", "undrawable_reason"]
