"""Print exports of compare mode (PNG, SVG, PDF), drawn like the single print map (app/export/printmap.py):
the bivariate map with its square legend, and side by side as two panels (A left, B right, each with its
legend). Colours and classes are the screen's: the same MapData and the same bivariate classes
(:func:`app.core.compare.bivariate`), never reclassified here. Data exports: the compare table and gap list
as CSV (app/core/comparetables.py).
"""

from __future__ import annotations

import io
from dataclasses import replace

import geopandas as gpd
import matplotlib
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from app.core import comparetables
from app.core.compare import CompareData, axis_text, bivariate
from app.core.i18n import t
from app.core.mapdata import MapData
from app.core.palettes import NO_DATA_COLOUR
from app.core.viewstate import area_label
from app.export.paper import MAP_USE_NOTE, MM_PER_INCH, PAPERS
from app.export.printmap import (
    FORMATS,
    PrintOptionError,
    PrintOptions,
    _wrap,
    draw_north,
    draw_regions,
    legend_handles,
    page,
    source_lines,
)
from app.export.printmap import font as _font
from layers.bivariate import N_CLASSES, Bivariate

PRINT_VIEWS = ("bivariate", "side_by_side")
DATA_FORMATS = ("csv",)


def _header_footer(fig: Figure, data: CompareData, options: PrintOptions, title: str, scale: float) -> None:
    lang, view = data.view.lang, data.view
    paper_w, paper_h = PAPERS[options.paper]
    subtitle = (
        " · ".join(
            [
                f"A {t('year', lang)}: {data.layer_a.year_label(lang)}",
                f"B {t('year', lang)}: {data.layer_b.year_label(lang)}",
                t(view.level, lang),
                area_label(view.area, lang),
            ]
        )
        if options.subtitle is None
        else options.subtitle
    )
    fig.text(0.5, 0.955, options.title or title, ha="center", va="center", fontproperties=_font(15 * scale))
    fig.text(0.5, 0.918, subtitle, ha="center", va="center", color="#333333", fontproperties=_font(9.5 * scale))
    size = 6.5 * scale
    footer = [f"A · {line}" for line in source_lines(data.a)] + [f"B · {line}" for line in source_lines(data.b)]
    missing = data.missing()
    if not missing.empty:
        footer.append(
            t("missing_regions", lang, n=len(missing))
            + "、".join(f"{r.label} ({r.adcode})" for r in missing.itertuples())
        )
    footer.append(f"{t('print_date', lang)}: {options.date.isoformat()} · {t('print_projection', lang)}")
    note = MAP_USE_NOTE["en" if lang == "en" else "zh"] if options.note is None else options.note
    lines = [w for line in footer for w in _wrap(line, paper_w * 0.94, size)]
    if note:
        lines += _wrap(note, paper_w * 0.94, size)
    line_h = size * 1.45 / 72 * MM_PER_INCH / paper_h
    for i, line in enumerate(reversed(lines)):
        fig.text(0.02, 0.018 + i * line_h, line, ha="left", va="bottom", color="#333333", fontproperties=_font(size))


def _square_legend(fig: Figure, rect: tuple[float, float, float, float], data: CompareData, biv: Bivariate) -> None:
    """3×3 squares, B rising upwards and A to the right, each counting its regions; both axes named with
    unit and class breaks (the screen legend's text)."""
    lang = data.view.lang
    ax = fig.add_axes(rect)
    ax.set_xlim(0, N_CLASSES)
    ax.set_ylim(0, N_CLASSES)
    ax.set_aspect("equal")
    counts = biv.counts()
    for i in range(N_CLASSES):
        for j in range(N_CLASSES):
            ax.add_patch(Rectangle((i, j), 1, 1, facecolor=biv.colour(i, j), edgecolor="white", linewidth=1))
            ax.text(i + 0.5, j + 0.5, str(counts[(i, j)]), ha="center", va="center", fontproperties=_font(7))
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    ax.set_xlabel("A →", fontproperties=_font(7.5))
    ax.set_ylabel("B →", fontproperties=_font(7.5))
    x0, y0, _, _ = rect
    texts = [
        "A: " + axis_text(data.layer_a, biv.a.upper_bounds, biv.a.lower, lang),
        "B: " + axis_text(data.layer_b, biv.b.upper_bounds, biv.b.lower, lang),
    ]
    no_data = int(biv.table["cls_a"].isna().sum())
    if no_data:
        texts.append(f"{t('no_data', lang)}: {no_data}")
    y = y0 - 0.05
    for text in texts:
        for line in _wrap(text, 58, 8):
            fig.text(x0 - 0.02, y, line, ha="left", va="top", fontproperties=_font(8))
            y -= 0.028


def bivariate_figure(boundaries: gpd.GeoDataFrame, data: CompareData, options: PrintOptions) -> Figure:
    biv = bivariate(data)
    status = ["shown" if c != NO_DATA_COLOUR else "no_data" for c in biv.table["colour"]]
    table = data.table[["adcode"]].assign(colour=biv.table["colour"].to_numpy(), status=status)
    coloured = replace(data.a, table=table, classification=None, categories=())
    fig, scale, landscape = page(options)
    lang = data.view.lang
    ax = fig.add_axes((0.02, 0.14, 0.66, 0.74) if landscape else (0.03, 0.36, 0.94, 0.52))
    draw_regions(ax, boundaries, coloured, options, scale)
    draw_north(ax, lang, scale)
    _square_legend(fig, (0.74, 0.6, 0.16, 0.22) if landscape else (0.12, 0.2, 0.2, 0.12), data, biv)
    title = f"{data.layer_a.title(lang)} × {data.layer_b.title(lang)}"
    _header_footer(fig, data, options, title, scale)
    return fig


def _legend(fig: Figure, part: MapData, anchor: tuple[float, float], scale: float, label: str) -> None:
    lang = part.view.lang
    handles = legend_handles(part, scale)
    unit = part.layer.unit(lang)
    title = "\n".join(
        [*_wrap(f"{label} · {part.layer.title(lang)}", 110, 8.5 * scale), f"{t('unit', lang)}: {unit}" if unit else ""]
    ).strip()
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=anchor,
        ncol=2 if len(handles) > 4 else 1,
        frameon=False,
        title=title,
        alignment="left",
        prop=_font(7.5 * scale),
        title_fontproperties=_font(8.5 * scale),
    )


def side_by_side_figure(boundaries: gpd.GeoDataFrame, data: CompareData, options: PrintOptions) -> Figure:
    """Two panels on one page, A left and B right, each with its own legend below it."""
    fig, scale, landscape = page(options)
    lang = data.view.lang
    rects = (
        ((0.01, 0.30, 0.48, 0.58), (0.51, 0.30, 0.48, 0.58))
        if landscape
        else ((0.02, 0.55, 0.96, 0.34), (0.02, 0.20, 0.96, 0.34))
    )
    anchors = ((0.03, 0.30), (0.53, 0.30)) if landscape else ((0.62, 0.88), (0.62, 0.53))
    for rect, anchor, part, label in zip(rects, anchors, (data.a, data.b), ("A", "B"), strict=True):
        ax = fig.add_axes(rect)
        draw_regions(ax, boundaries, part, options, scale)
        draw_north(ax, lang, scale)
        _legend(fig, part, anchor, scale, label)
    title = f"{data.layer_a.title(lang)} | {data.layer_b.title(lang)}"
    _header_footer(fig, data, options, title, scale)
    return fig


def render(boundaries: gpd.GeoDataFrame, data: CompareData, options: PrintOptions, fmt: str, view: str) -> bytes:
    """A compare view as PNG, SVG or PDF bytes (``view``: "bivariate" or "side_by_side")."""
    if fmt not in FORMATS:
        raise PrintOptionError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    if view not in PRINT_VIEWS:
        raise PrintOptionError(f"compare view {view!r} has no print map; choose one of {', '.join(PRINT_VIEWS)}")
    fig = (bivariate_figure if view == "bivariate" else side_by_side_figure)(boundaries, data, options)
    buf = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": 3, "svg.fonttype": "path", "svg.hashsalt": "coverage-atlas"}):
        fig.savefig(buf, format=fmt, dpi=options.dpi, metadata={"Title": fig.texts[0].get_text()}, facecolor="white")
    return buf.getvalue()


def data_file(data: CompareData, view: str) -> bytes:
    """The compare view's data as CSV: the gap list for the gap view, else every region with both values."""
    return comparetables.gap_csv(data) if view == "gaps" else comparetables.compare_csv(data)
