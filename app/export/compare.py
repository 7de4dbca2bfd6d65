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
from app.core.compare import CompareData, axis_breaks, bivariate
from app.core.i18n import t
from app.core.mapdata import MapData
from app.core.palettes import NO_DATA_COLOUR, text_colour_on
from app.export.paper import PAPERS
from app.export.printmap import (
    FORMATS,
    PrintOptionError,
    PrintOptions,
    _wrap,
    draw_footer,
    draw_regions,
    heading,
    layer_sources,
    legend_handles,
    page,
)
from app.export.printmap import font as _font
from app.export.titles import COMPARE_PRINT_VIEWS as PRINT_VIEWS
from app.export.titles import compare_subtitle as default_subtitle
from app.export.titles import compare_title as default_title
from layers.bivariate import LEVEL_WORDS, N_CLASSES, Bivariate

DATA_FORMATS = ("csv",)


def compare_source_lines(data: CompareData) -> list[str]:
    """One line per layer, or one for both when they come from the same tables."""
    lang = data.view.lang
    a, b = layer_sources(data.layer_a, lang), layer_sources(data.layer_b, lang)
    if a == b:
        return [f"{t('print_sources_of', lang, which=t('print_a_and_b', lang))}: {a}"]
    return [f"{t('print_sources_of', lang, which='A')}: {a}", f"{t('print_sources_of', lang, which='B')}: {b}"]


def _header_footer(fig: Figure, data: CompareData, options: PrintOptions, view: str, scale: float) -> None:
    lang = data.view.lang
    title = default_title(data, view) if options.title is None else options.title
    subtitle = default_subtitle(data) if options.subtitle is None else options.subtitle
    heading(fig, title, subtitle, options, 15 * scale, 9.5 * scale)
    footer = compare_source_lines(data)
    missing = data.missing()
    if not missing.empty:
        footer.append(
            t("missing_regions", lang, n=len(missing))
            + "、".join(f"{r.label} ({r.adcode})" for r in missing.itertuples())
        )
    draw_footer(fig, footer, options, lang, scale)


def _square_legend(
    fig: Figure,
    rect: tuple[float, float, float, float],
    data: CompareData,
    biv: Bivariate,
    options: PrintOptions,
    scale: float,
) -> None:
    """3×3 squares, B rising upwards and A to the right, each counting its regions; each axis named by its layer
    with low and high at its ends; below, each layer's unit and class breaks (the screen legend's text)."""
    lang = data.view.lang
    low, _, high = LEVEL_WORDS["en" if lang == "en" else "zh"]
    ax = fig.add_axes(rect)
    ax.set_xlim(0, N_CLASSES)
    ax.set_ylim(0, N_CLASSES)
    ax.set_aspect("equal")
    counts = biv.counts()
    for i in range(N_CLASSES):
        for j in range(N_CLASSES):
            colour = biv.colour(i, j)
            ax.add_patch(Rectangle((i, j), 1, 1, facecolor=colour, edgecolor="white", linewidth=1))
            ax.text(
                i + 0.5,
                j + 0.5,
                str(counts[(i, j)]),
                ha="center",
                va="center",
                color=text_colour_on(colour),
                fontproperties=_font(8 * scale),
            )
    ax.set_xticks([0.5, N_CLASSES - 0.5], [low, high], fontproperties=_font(7.5 * scale))
    ax.set_yticks([0.5, N_CLASSES - 0.5], [low, high], fontproperties=_font(7.5 * scale))
    ax.tick_params(length=0, pad=2 * scale)
    for side in ax.spines.values():
        side.set_visible(False)
    ax.apply_aspect()
    box = ax.get_position()
    width_mm = PAPERS[options.paper][0] * (0.24 if PAPERS[options.paper][0] > PAPERS[options.paper][1] else 0.8)
    b_name = _wrap(f"B ↑ {data.layer_b.title(lang)}", width_mm, 8.5 * scale)
    fig.text(
        box.x0 - 0.03, box.y1 + 0.012, "\n".join(b_name), ha="left", va="bottom", fontproperties=_font(8.5 * scale)
    )
    texts = [
        *_wrap(f"A → {data.layer_a.title(lang)}", width_mm, 8.5 * scale),
        *_wrap(f"A  {axis_breaks(data.layer_a, biv.a.upper_bounds, biv.a.lower, lang)}", width_mm, 8 * scale),
        *_wrap(f"B  {axis_breaks(data.layer_b, biv.b.upper_bounds, biv.b.lower, lang)}", width_mm, 8 * scale),
    ]
    no_data = int(biv.table["cls_a"].isna().sum())
    if no_data:
        texts.append(f"{t('no_data', lang)}: {no_data}")
    fig.text(
        box.x0 - 0.03,
        box.y0 - 0.045,
        "\n".join(texts),
        ha="left",
        va="top",
        linespacing=1.5,
        fontproperties=_font(8 * scale),
    )


def bivariate_figure(boundaries: gpd.GeoDataFrame, data: CompareData, options: PrintOptions) -> Figure:
    biv = bivariate(data)
    status = ["shown" if c != NO_DATA_COLOUR else "no_data" for c in biv.table["colour"]]
    table = data.table[["adcode"]].assign(colour=biv.table["colour"].to_numpy(), status=status)
    coloured = replace(data.a, table=table, classification=None, categories=())
    fig, scale, landscape = page(options)
    ax = fig.add_axes((0.02, 0.14, 0.66, 0.74) if landscape else (0.03, 0.36, 0.94, 0.52))
    draw_regions(ax, boundaries, coloured, options, scale)
    _square_legend(fig, (0.75, 0.56, 0.13, 0.2) if landscape else (0.1, 0.17, 0.16, 0.11), data, biv, options, scale)
    _header_footer(fig, data, options, "bivariate", scale)
    return fig


def _legend(fig: Figure, part: MapData, anchor: tuple[float, float], scale: float, label: str, landscape: bool) -> None:
    lang = part.view.lang
    handles = legend_handles(part, scale)
    unit = part.layer.unit(lang)
    title = "\n".join(
        [
            *_wrap(f"{label}\u00a0·\u00a0{part.layer.title(lang)}", 110 if landscape else 60, 8.5 * scale),
            f"{t('unit', lang)}: {unit}" if unit else "",
        ]
    ).strip()
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=anchor,
        ncol=2 if len(handles) > 4 and landscape else 1,
        frameon=False,
        title=title,
        alignment="left",
        prop=_font(7.5 * scale),
        title_fontproperties=_font(8.5 * scale),
    )


def side_by_side_figure(boundaries: gpd.GeoDataFrame, data: CompareData, options: PrintOptions) -> Figure:
    """Two panels on one page, A left and B right, each with its own legend below it."""
    fig, scale, landscape = page(options)
    rects = (
        ((0.01, 0.30, 0.48, 0.58), (0.51, 0.30, 0.48, 0.58))
        if landscape
        else ((0.02, 0.54, 0.64, 0.35), (0.02, 0.18, 0.64, 0.35))
    )
    anchors = ((0.03, 0.30), (0.53, 0.30)) if landscape else ((0.67, 0.88), (0.67, 0.52))
    for rect, anchor, part, label in zip(rects, anchors, (data.a, data.b), ("A", "B"), strict=True):
        ax = fig.add_axes(rect)
        draw_regions(ax, boundaries, part, options, scale)
        _legend(fig, part, anchor, scale, label, landscape)
    _header_footer(fig, data, options, "side_by_side", scale)
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
        title = default_title(data, view) if options.title is None else options.title
        fig.savefig(buf, format=fmt, dpi=options.dpi, metadata={"Title": title}, facecolor="white")
    return buf.getvalue()


def data_file(data: CompareData, view: str) -> bytes:
    """The compare view's data as CSV: the gap list for the gap view, else every region with both values."""
    return comparetables.gap_csv(data) if view == "gaps" else comparetables.compare_csv(data)
