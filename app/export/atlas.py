"""The batch atlas: every shipped layer at every level it has, as print maps.

``build_atlas(out_dir)`` writes ``atlas.pdf`` (a contents page, then one page per layer and level),
``png/<layer>_<level>.png`` and an ``index.html`` linking them. Each map is the layer's default view
(the page's defaults: quantiles, 5 classes, the layer's palette) drawn by :mod:`app.export.printmap`
from the same MapData the page would show. Layers that cannot be drawn are listed with the reason, in
the contents page, the index and the return value, never skipped silently.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import multiprocessing
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import matplotlib
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from pypdf import PdfReader, PdfWriter
from tqdm import tqdm

from app import mapbuild
from app.export import printmap
from app.export.fonts import font_family
from app.export.paper import MM_PER_INCH, PAPERS
from app.export.printmap import PrintOptions
from app.i18n import t
from app.mapbuild import MapData
from app.viewstate import ViewState, sanitise
from layers import Registry, default_registry

ATLAS_FORMATS = ("pdf", "png")
TEXT = {
    "atlas": ("四川民政服务覆盖图集", "Sichuan Coverage Atlas"),
    "contents": ("目录", "Contents"),
    "page": ("页", "page"),
    "not_drawn": ("未绘制的图层", "Layers not drawn"),
    "empty": ("没有任何区域有数据", "no region has a figure"),
    "no_colours": ("分类图层没有可用的颜色", "a categorical layer without colours"),
}


def _t(key: str, lang: str) -> str:
    zh, en = TEXT[key]
    return en if lang == "en" else zh


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
        return _t("empty", lang)
    if data.layer.is_categorical and not data.categories:
        return _t("no_colours", lang)
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
    fig.text(0.5, 0.95, _t("atlas", lang), ha="center", fontproperties=FontProperties(family=family, size=18 * scale))
    fig.text(
        0.5, 0.91, _t("contents", lang), ha="center", fontproperties=FontProperties(family=family, size=12 * scale)
    )
    lines = [
        f"{i + 2:>3}  {title} · {t(level, lang)}" for i, (_, level, title) in enumerate(report.maps)
    ]  # page 1 is this one
    if report.skipped:
        lines += ["", _t("not_drawn", lang) + ":"]
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


def _write(path: Path, produce: Callable[[Path], None]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(fd)
    try:
        produce(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class _Drawn:
    layer: str
    level: str
    title: str = ""
    reason: str | None = None
    png: bytes = b""
    pdf: bytes = b""


_WORKER: dict[str, Any] = {}  # what each drawing process needs: registry, boundaries, options, formats


def _init_worker(
    registry: Registry, shapes: dict[str, gpd.GeoDataFrame], options: PrintOptions, formats: tuple[str, ...]
) -> None:
    _WORKER.update(registry=registry, shapes=shapes, options=options, formats=formats)


def _draw(view: ViewState) -> _Drawn:
    """One map as PNG and single-page PDF bytes, or the reason it cannot be drawn."""
    registry, options, formats = _WORKER["registry"], _WORKER["options"], _WORKER["formats"]
    data = mapbuild.map_data(mapbuild.effective_layer(registry, view), view)
    reason = undrawable_reason(data)
    if reason is not None:
        return _Drawn(view.layer, view.level, reason=reason)
    fig = printmap.figure(_WORKER["shapes"][view.level], data, options)
    png, pdf = io.BytesIO(), io.BytesIO()
    if "png" in formats:
        fig.savefig(png, format="png", dpi=options.dpi, facecolor="white")
    if "pdf" in formats:
        with matplotlib.rc_context({"pdf.fonttype": 3}):
            fig.savefig(pdf, format="pdf", facecolor="white")
    return _Drawn(view.layer, view.level, printmap.default_title(data), None, png.getvalue(), pdf.getvalue())


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

    With ``workers > 1`` the maps are drawn in that many forked processes (each map is independent);
    the pages are then put together in order, so the result is the same as drawing them one by one.
    """
    if not set(formats) <= set(ATLAS_FORMATS) or not formats:
        raise AtlasError(f"formats {formats} are not among {', '.join(ATLAS_FORMATS)}")
    options = options or PrintOptions()
    registry = registry or default_registry()
    views = views if views is not None else atlas_views(registry, lang)
    if load is None:
        from geodata import load_boundaries

        def load(level: str) -> gpd.GeoDataFrame:
            return load_boundaries(level, detail="web", datum="wgs84")

    out_dir.mkdir(parents=True, exist_ok=True)
    if "png" in formats:
        (out_dir / "png").mkdir(exist_ok=True)
    report = AtlasReport()
    shapes = {level: load(level) for level in sorted({v.level for v in views})}
    init_args = (registry, shapes, options, tuple(formats))
    bar = tqdm(total=len(views), desc="atlas", unit="map", disable=not progress)
    if workers > 1 and len(views) > 1:
        # fork: the children inherit the loaded registry and boundaries instead of unpickling them
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=init_args) as pool:
            futures = [pool.submit(_draw, view) for view in views]
            for future in as_completed(futures):
                future.result()
                bar.update()
            drawn = [f.result() for f in futures]
    else:
        _init_worker(*init_args)
        drawn = []
        for view in views:
            drawn.append(_draw(view))
            bar.update()
    bar.close()
    pdf_pages: list[bytes] = []
    for d in drawn:
        if d.reason is not None:
            report.skipped.append((d.layer, d.level, d.reason))
            continue
        report.maps.append((d.layer, d.level, d.title))
        if "png" in formats:
            name = f"png/{d.layer}_{d.level}.png"

            def write_png(path: Path, png: bytes = d.png) -> None:
                path.write_bytes(png)

            _write(out_dir / name, write_png)
            report.files.append(name)
        pdf_pages.append(d.pdf)
    if "pdf" in formats:
        contents = io.BytesIO()
        with matplotlib.rc_context({"pdf.fonttype": 3}):
            _contents_page(report, options, lang).savefig(contents, format="pdf", facecolor="white")
        writer = PdfWriter()
        for page in (contents.getvalue(), *pdf_pages):
            writer.append(PdfReader(io.BytesIO(page)))
        writer.add_metadata({"/Title": _t("atlas", lang), "/Creator": "Sichuan Coverage Atlas"})

        def write_pdf(path: Path) -> None:
            with path.open("wb") as fh:
                writer.write(fh)

        _write(out_dir / "atlas.pdf", write_pdf)
        report.files.insert(0, "atlas.pdf")
        report.pages = len(pdf_pages) + 1
    else:
        report.pages = len(report.maps)
    index = index_html(report, lang, options.date)

    def write_index(path: Path) -> None:
        path.write_text(index, encoding="utf-8")

    _write(out_dir / "index.html", write_index)
    return report


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
        f"<title>{e(_t('atlas', lang))}</title></head><body>"
        f"<h1>{e(_t('atlas', lang))}</h1>{pdf}<ol>{''.join(items)}</ol>"
        + (f"<h2>{e(_t('not_drawn', lang))}</h2><ul>{skipped}</ul>" if skipped else "")
        + f"<p>{e(printmap.MAP_USE_NOTE['en' if lang == 'en' else 'zh'])} · {e(date.isoformat())}</p></body></html>"
    )


__all__ = ["ATLAS_FORMATS", "AtlasError", "AtlasReport", "atlas_views", "build_atlas", "undrawable_reason"]
