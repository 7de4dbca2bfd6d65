"""Print maps (PNG, SVG, PDF) of exactly the current view, drawn on the server with matplotlib.

``render(boundaries, data, options, fmt) -> bytes`` is a pure function of the boundaries, the
app's :class:`~app.core.mapdata.MapData` (classes, colours, statuses: never recomputed here) and the
print options. The map is in an Albers equal-area projection on CGCS2000 with central meridian
105°E; it carries title, subtitle, legend (the screen's :func:`~app.core.mapdata.legend_entries`),
scale bar, north arrow, optional labels, sources, export date and a map-use note.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Callable
from typing import Any

import geopandas as gpd
import matplotlib
import numpy as np
import pyproj
import shapely
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.offsetbox import AnchoredOffsetbox, DrawingArea, TextArea, VPacker
from matplotlib.patches import Patch, Polygon
from matplotlib.transforms import Bbox, Transform
from matplotlib_scalebar.scalebar import ScaleBar
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from app.core.i18n import t
from app.core.mapdata import REGION_WEIGHT, SELECTED_OUTLINE, MapData, legend_entries
from app.core.names_en import english_short
from app.core.palettes import PRINT_BACKGROUND
from app.core.viewstate import ViewState
from app.export.fonts import font_family
from app.export.paper import (
    DPI_PRESETS,
    FORMATS,
    MAP_USE_NOTE,
    MM_PER_INCH,
    PAPERS,
    PrintOptionError,
    PrintOptions,
    pixel_size,
)
from app.export.titles import default_subtitle, default_title, print_area
from layers.model import Layer

# CGCS2000 (GRS80 ellipsoid) Albers equal-area, standard parallels 25°/47°N, central meridian 105°E.
# The boundaries are WGS84; WGS84 and CGCS2000 differ by centimetres, far below a map's line width.
ALBERS_CGCS2000 = pyproj.CRS.from_proj4("+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +ellps=GRS80 +units=m")

NO_DATA_STYLE: dict[str, Any] = {"hatch": "////", "hatchcolor": "#ffffff", "edgecolor": "#888888", "linestyle": "--"}
# The clicked region: the screen's outline colour, at the screen's width relative to the other regions' lines.
SELECTED_EDGE = str(SELECTED_OUTLINE["color"])
SELECTED_WEIGHT = float(SELECTED_OUTLINE["weight"]) / REGION_WEIGHT


def layer_sources(layer: Layer, lang: str) -> str:
    """A layer's sources as a reader needs them on the page: the short names (publisher, table, year); where the
    data came from in detail (repositories, commits, scripts) stays in data/README.md and datapackage.json."""
    return layer.source_text(short=True, lang=lang)


def source_lines(data: MapData) -> list[str]:
    """The layer's sources in plain words in the map's language (normalised layers carry both sources)."""
    lang = data.view.lang
    return [f"{t('source', lang)}: {data.layer.source_text(lang=lang)}"]


def _wrap(text: str, width_mm: float, size_pt: float) -> list[str]:
    # Chinese glyphs are one em wide; Latin ones about half. Wrap on the wider measure.
    em_mm = size_pt * MM_PER_INCH / 72
    cjk = sum(1 for ch in text if ord(ch) > 0x2E80)
    ems_per_char = (cjk + 0.55 * (len(text) - cjk)) / max(len(text), 1)
    return textwrap.wrap(text, max(20, int(width_mm / (em_mm * ems_per_char)))) or [""]


_PROJECTED: dict[tuple[int, float], tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]] = {}
MIN_TOLERANCE_M = 50.0  # below this the web boundaries are already as fine as the print needs


def _projected(boundaries: gpd.GeoDataFrame, tolerance: float = 0.0) -> gpd.GeoDataFrame:
    """The boundaries in the print projection, simplified to ``tolerance`` metres as one coverage (shared
    borders stay shared: no gaps or slivers); once per boundaries object and tolerance (the atlas draws each
    level dozens of times, and prepares them before its worker processes fork)."""
    key = (id(boundaries), tolerance)
    hit = _PROJECTED.get(key)
    if hit is not None and hit[0] is boundaries:
        return hit[1]
    if tolerance > 0:
        base = _projected(boundaries)
        geometry = shapely.coverage_simplify(np.asarray(base.geometry.values), tolerance)
        projected = base.set_geometry(gpd.GeoSeries(geometry, index=base.index, crs=base.crs))
    else:
        projected = boundaries[["adcode", "short_name", "geometry"]].to_crs(ALBERS_CGCS2000)
    if len(_PROJECTED) > 16:
        _PROJECTED.clear()
    _PROJECTED[key] = (boundaries, projected)  # kept alive so its id is not reused
    return projected


def print_tolerance(bounds: tuple[float, float, float, float], axes_px: tuple[float, float]) -> float:
    """Half a pixel of the printed map in metres, rounded down to a power of √2 (so that views of about the
    same extent share one simplification); 0 when the boundaries are fine enough as they are."""
    minx, miny, maxx, maxy = bounds
    metres_per_px = max((maxx - minx) * 1.06 / axes_px[0], (maxy - miny) * 1.06 / axes_px[1])  # 3 % pad each side
    half_px = metres_per_px / 2
    if half_px < MIN_TOLERANCE_M:
        return 0.0
    return float(2 ** (math.floor(math.log2(half_px) * 2) / 2))


def prepare(boundaries: gpd.GeoDataFrame, options: PrintOptions) -> None:
    """Project and simplify a level's boundaries for whole-province maps at ``options`` ahead of drawing."""
    full = _projected(boundaries)
    _projected(boundaries, print_tolerance(tuple(full.total_bounds), _axes_px(options)))


def _axes_rect(paper: str) -> tuple[float, float, float, float]:
    paper_w, paper_h = PAPERS[paper]
    return (0.02, 0.14, 0.68, 0.74) if paper_w > paper_h else (0.03, 0.33, 0.94, 0.55)


def axes_px(rect: tuple[float, float, float, float], options: PrintOptions) -> tuple[float, float]:
    """The pixel size of axes placed at ``rect`` (figure fractions) on the page of ``options``."""
    px_w, px_h = pixel_size(options.paper, options.dpi)
    return rect[2] * px_w, rect[3] * px_h


def _axes_px(options: PrintOptions) -> tuple[float, float]:
    return axes_px(_axes_rect(options.paper), options)


def font(size: float) -> FontProperties:
    """The bundled CJK font at ``size`` points (DejaVu for the few glyphs it lacks)."""
    return FontProperties(family=[font_family(), "DejaVu Sans"], size=size)


def page(options: PrintOptions) -> tuple[Figure, float, bool]:
    """A white page of the paper and resolution of ``options``: (figure, text/line scale, landscape)."""
    paper_w, paper_h = PAPERS[options.paper]
    px_w, px_h = pixel_size(options.paper, options.dpi)
    # A hair over the exact size: Agg truncates the canvas size to whole pixels.
    fig = Figure(figsize=((px_w + 0.01) / options.dpi, (px_h + 0.01) / options.dpi), dpi=options.dpi)
    canvas = FigureCanvasAgg(fig)
    # GeoDataFrame.plot() ends with draw_idle(), a full render of the figure each time; the file is rendered
    # once, when saved.
    canvas.draw_idle = lambda *args, **kwargs: None  # type: ignore[method-assign]
    fig.patch.set_facecolor("white")
    return fig, min(paper_w, paper_h) / 210.0, paper_w > paper_h  # text and lines grow with the paper


def heading(fig: Figure, title: str, subtitle: str, options: PrintOptions, title_pt: float, subtitle_pt: float) -> None:
    """Title and subtitle centred at the top of the page, each on one line: a line too long for the page is set
    smaller (down to three quarters of its size), then wrapped onto a second line with the subtitle below it."""
    canvas = fig.canvas
    assert isinstance(canvas, FigureCanvasAgg)
    renderer = canvas.get_renderer()
    room = 0.94 * fig.bbox.width
    paper_w, paper_h = PAPERS[options.paper]
    top = 1 - 8 / paper_h  # 8 mm below the paper's edge
    for text, pt, colour in ((title, title_pt, "#000000"), (subtitle, subtitle_pt, "#333333")):
        label = fig.text(0.5, top, text, ha="center", va="top", color=colour, fontproperties=font(pt))
        for size in (pt * 0.9, pt * 0.8, pt * 0.75):
            if label.get_window_extent(renderer).width <= room:
                break
            label.set_fontproperties(font(size))
        if label.get_window_extent(renderer).width > room:
            label.set_text("\n".join(_wrap(text, paper_w * 0.94, float(label.get_fontsize()))))
        top -= label.get_window_extent(renderer).height / fig.bbox.height + 2.5 / paper_h


def draw_regions(
    ax: Axes, boundaries: gpd.GeoDataFrame, data: MapData, options: PrintOptions, scale: float
) -> gpd.GeoDataFrame:
    """The regions of ``data`` in its colours and statuses, the rest of the province as context, the clicked
    region outlined, and a scale bar; simplified to half a pixel of these axes. Returns the drawn regions
    (projected), for labels. Every print map (single, bivariate, side by side) draws its regions here."""
    ax.set_axis_off()
    ax.set_aspect("equal")
    table = data.table[["adcode", "colour", "status"]]
    full = _projected(boundaries)
    extent = tuple(full[full["adcode"].isin(table["adcode"])].total_bounds)
    box = ax.get_position()
    shapes = _projected(boundaries, print_tolerance(extent, axes_px(box.bounds, options)))  # nothing finer than pixels
    shown = shapes.merge(table, on="adcode", how="inner")
    context = shapes[~shapes["adcode"].isin(table["adcode"])]
    lw = 0.35 * scale
    if not context.empty:  # the rest of the province, for orientation, clearly not part of the view
        context.plot(ax=ax, facecolor=PRINT_BACKGROUND, edgecolor="#c8c8c8", linewidth=lw)
    styles: tuple[tuple[str, dict[str, Any]], ...] = (
        ("shown", {"edgecolor": "#555555"}),
        ("filtered", {"edgecolor": "#bbbbbb"}),
        ("no_data", NO_DATA_STYLE),
    )
    for status, style in styles:
        part = shown[shown["status"] == status]
        if not part.empty:
            part.plot(ax=ax, color=list(part["colour"]), linewidth=lw, **{**style, "facecolor": list(part["colour"])})
    selected = shown[shown["adcode"] == data.view.selected]
    if not selected.empty:  # the clicked region, outlined as on screen (black, five times a region's line), on top
        selected.plot(ax=ax, facecolor="none", edgecolor=SELECTED_EDGE, linewidth=lw * SELECTED_WEIGHT, zorder=3)
    minx, miny, maxx, maxy = shown.total_bounds
    pad = 0.03 * max(maxx - minx, maxy - miny)
    ax.set_xlim(minx - pad, maxx + pad)
    ax.set_ylim(miny - pad, maxy + pad)
    ax.apply_aspect()  # lay the axes out now: furniture and labels are placed in display coordinates
    canvas = ax.figure.canvas
    assert isinstance(canvas, FigureCanvasAgg)
    drawn = shapes if context.empty else shapes[shapes.intersects(shapely.box(*ax.viewLim.extents))]
    furniture = draw_furniture(canvas, ax, drawn, shown, data.view.lang, scale)
    if wants_labels(data.view, options):
        _labels(canvas, ax, shown, data.view.lang, font(7.5 * scale), furniture)
    return shown


def wants_labels(view: ViewState, options: PrintOptions) -> bool:
    """Region names: the 21 prefectures, or the counties of one chosen prefecture (183 county names province-wide
    would be noise)."""
    return options.labels and (view.level == "prefecture" or bool(view.prefecture_filter))


# Corners of the map's frame to try, in order: north arrow top right first, scale bar bottom left first.
NORTH_CORNERS = ("upper right", "upper left", "lower right", "lower left")
SCALE_CORNERS = ("lower left", "lower right", "upper left", "upper right")


def north_arrow(
    lang: str, scale: float, loc: str, frame: Bbox, figure_transform: Transform, boxed: bool
) -> AnchoredOffsetbox:
    """The letter for north over a filled arrowhead, anchored at corner ``loc`` of ``frame`` (figure fraction)."""
    w, h = 9 * scale, 15 * scale  # points
    head = DrawingArea(w, h)
    head.add_artist(
        Polygon([(0, 0), (w / 2, h), (w, 0), (w / 2, h * 0.32)], closed=True, facecolor="black", edgecolor="black")
    )
    letter = TextArea(t("print_north", lang), textprops={"fontproperties": font(9 * scale)})
    box = AnchoredOffsetbox(
        loc=loc,
        child=VPacker(children=[letter, head], align="center", pad=0, sep=1.5 * scale),
        pad=0.35,
        borderpad=0.6,
        frameon=boxed,
        bbox_to_anchor=frame,
        bbox_transform=figure_transform,
    )
    box.patch.set(facecolor=PRINT_BACKGROUND, edgecolor="#999999", linewidth=0.4 * scale)
    return box


def scale_bar(loc: str, frame: Bbox, figure_transform: Transform, scale: float, boxed: bool) -> ScaleBar:
    return ScaleBar(
        1,
        "m",
        location=loc,
        length_fraction=0.22,
        width_fraction=0.008,
        frameon=boxed,
        box_color=PRINT_BACKGROUND,
        box_alpha=1.0,
        border_pad=0.6,
        bbox_to_anchor=frame,
        bbox_transform=figure_transform,
        font_properties={"family": font_family(), "size": 7.5 * scale},
    )


def draw_furniture(
    canvas: FigureCanvasAgg, ax: Axes, drawn: gpd.GeoDataFrame, shown: gpd.GeoDataFrame, lang: str, scale: float
) -> list[Bbox]:
    """North arrow and scale bar, each in a corner of the map's frame where it covers no drawn shape (neither a
    region of the view nor the context around it), so it is never drawn over a boundary. The frame is the space
    the page gives the map; where the map is narrower or shorter than that, its corners are empty paper. Where no
    corner is clear, the item sits on a white box in the corner that hides least of the view. Returns their
    boxes (display coordinates), which labels keep clear of."""
    renderer = canvas.get_renderer()
    frame = ax.get_position(original=True)  # figure fraction: the anchors stay right when a PDF is drawn at 72 dpi
    axes_box = ax.get_window_extent(renderer)
    to_data = ax.transData.inverted()
    shapes, view_shapes = shapely.STRtree(drawn.geometry.values), shown.geometry.values

    def footprint(box: Bbox) -> shapely.Polygon | None:
        """The part of ``box`` over the axes, in map coordinates (outside the axes nothing is drawn)."""
        inside = Bbox.intersection(box, axes_box)
        if inside is None:
            return None
        (x0, y0), (x1, y1) = to_data.transform([[inside.x0, inside.y0], [inside.x1, inside.y1]])
        return shapely.box(x0, y0, x1, y1)

    def clear(box: Bbox) -> bool:
        area = footprint(box)
        return area is None or len(shapes.query(area, predicate="intersects")) == 0

    def hidden(box: Bbox) -> float:
        area = footprint(box)
        return 0.0 if area is None else float(shapely.area(shapely.intersection(view_shapes, area)).sum())

    def place(corners: tuple[str, ...], make: Callable[[str, bool], Artist], taken: str | None) -> tuple[str, Artist]:
        candidates = [c for c in corners if c != taken]
        boxes = {}
        for corner in candidates:
            artist = make(corner, False)
            boxes[corner] = extent(artist)
            if clear(boxes[corner]):
                return corner, artist
        corner = min(candidates, key=lambda c: hidden(boxes[c]))
        return corner, make(corner, True)

    def extent(artist: Artist) -> Bbox:
        artist.axes = ax
        artist.set_figure(ax.figure)
        if isinstance(artist, ScaleBar):
            artist.draw(renderer)  # the bar's length is chosen while drawing; the page is drawn anew when saved
            return artist.info.window_extent
        return artist.get_window_extent(renderer)

    to_page = ax.figure.transFigure
    north_corner, arrow = place(
        NORTH_CORNERS, lambda c, boxed: north_arrow(lang, scale, c, frame, to_page, boxed), None
    )
    _, bar = place(SCALE_CORNERS, lambda c, boxed: scale_bar(c, frame, to_page, scale, boxed), north_corner)
    ax.add_artist(arrow)
    ax.add_artist(bar)
    return [extent(arrow), extent(bar)]


def legend_handles(data: MapData, scale: float) -> list[Patch]:
    """One swatch per entry of the screen's legend (the no-data swatch hatched as on the map)."""
    handles = []
    for colour, label, swatch in legend_entries(data):
        extra: dict[str, Any] = NO_DATA_STYLE if swatch == "hatch" else {"edgecolor": "#777777"}
        handles.append(Patch(label=label, linewidth=0.5 * scale, **{**extra, "facecolor": colour}))
    return handles


def figure(boundaries: gpd.GeoDataFrame, data: MapData, options: PrintOptions) -> Figure:
    """The print map as a matplotlib Figure (for :func:`render` and the multi-page atlas)."""
    lang = data.view.lang
    fig, scale, landscape = page(options)

    title = default_title(data) if options.title is None else options.title
    subtitle = default_subtitle(data) if options.subtitle is None else options.subtitle
    heading(fig, title, subtitle, options, 16 * scale, 10 * scale)

    ax = fig.add_axes(_axes_rect(options.paper))
    draw_regions(ax, boundaries, data, options, scale)

    handles = legend_handles(data, scale)
    unit = data.layer.unit(lang)
    legend_title = "\n".join(
        [
            *_wrap(data.layer.title(lang), 70 if landscape else 150, 9 * scale),
            f"{t('unit', lang)}: {unit}" if unit else "",
        ]
    ).strip()
    many = len(handles) > 6 and not landscape
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.72, 0.86) if landscape else (0.04, 0.31),
        ncol=2 if many else 1,
        frameon=False,
        title=legend_title,
        alignment="left",
        prop=font(8.5 * scale),
        title_fontproperties=font(9 * scale),
        handlelength=2.2,
        handleheight=1.3,
    )

    footer = [*source_lines(data)]
    if not data.unmapped.empty:
        footer.append(t("unmapped", lang) + "、".join(str(n) for n in data.unmapped["name"]))
    draw_footer(fig, footer, options, lang, scale)
    return fig


def draw_footer(fig: Figure, footer: list[str], options: PrintOptions, lang: str, scale: float) -> None:
    """``footer`` (sources, regions left out), the export date and projection and the map-use note, wrapped to the
    page's width and set upwards from its bottom edge."""
    paper_w, paper_h = PAPERS[options.paper]
    size = 6.5 * scale
    footer = [*footer, f"{t('print_date', lang)}: {options.date.isoformat()} · {t('print_projection', lang)}"]
    note = MAP_USE_NOTE["en" if lang == "en" else "zh"] if options.note is None else options.note
    lines = [w for line in footer for w in _wrap(line, paper_w * 0.94, size)]
    if note:
        lines += _wrap(note, paper_w * 0.94, size)
    line_h = size * 1.45 / 72 * MM_PER_INCH / paper_h  # in figure fraction
    for i, line in enumerate(reversed(lines)):
        fig.text(0.02, 0.018 + i * line_h, line, ha="left", va="bottom", color="#333333", fontproperties=font(size))


def _labels(
    canvas: FigureCanvasAgg, ax: Axes, shown: gpd.GeoDataFrame, lang: str, font: FontProperties, keep_clear: list[Bbox]
) -> None:
    """Region names in the print's language, largest regions first; a label that would overlap one already
    placed, or the north arrow or scale bar (``keep_clear``), is left out."""
    renderer = canvas.get_renderer()
    size = font.get_size_in_points()
    ax_box = ax.get_window_extent(renderer)
    placed: list[Bbox] = list(keep_clear)
    order = shown.assign(_area=shown.geometry.area).sort_values("_area", ascending=False)
    names = (
        order["short_name"]
        if lang != "en"
        else [english_short(c) or n for c, n in zip(order["adcode"], order["short_name"], strict=True)]
    )
    for name, point in zip(names, order.geometry.representative_point(), strict=True):
        text = ax.text(point.x, point.y, name, ha="center", va="center", color="#111111", zorder=5, fontproperties=font)
        text.set_path_effects([patheffects.withStroke(linewidth=size * 0.25, foreground="white")])
        box = text.get_window_extent(renderer).expanded(1.08, 1.15)
        if not ax_box.contains(box.x0, box.y0) or not ax_box.contains(box.x1, box.y1) or box.count_overlaps(placed):
            text.remove()
            continue
        placed.append(box)


def png_bytes(fig: Figure, dpi: int, metadata: dict[str, str] | None = None) -> bytes:
    """The figure as an RGB PNG. The page is opaque white, so the alpha channel matplotlib writes carries
    nothing; without it, and at zlib level 3 instead of 6, encoding takes about a third of the time for
    files about 5 % larger."""
    canvas = fig.canvas
    assert isinstance(canvas, FigureCanvasAgg)
    canvas.draw()
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    info = PngInfo()
    for key, value in (metadata or {}).items():
        info.add_text(key, value)
    buf = io.BytesIO()
    image.convert("RGB").save(buf, format="png", pnginfo=info, dpi=(dpi, dpi), compress_level=3)
    return buf.getvalue()


def render(boundaries: gpd.GeoDataFrame, data: MapData, options: PrintOptions, fmt: str) -> bytes:
    """The print map as PNG, SVG or PDF bytes. Fonts: embedded as Type 3 in PDF, outlines in SVG."""
    if fmt not in FORMATS:
        raise PrintOptionError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    fig = figure(boundaries, data, options)
    title = default_title(data) if options.title is None else options.title
    metadata = {
        "png": {"Title": title, "Software": "Sichuan Coverage Atlas"},
        "svg": {"Title": title, "Creator": "Sichuan Coverage Atlas"},
        "pdf": {"Title": title, "Creator": "Sichuan Coverage Atlas"},
    }[fmt]
    if fmt == "png":
        return png_bytes(fig, options.dpi, metadata)
    buf = io.BytesIO()
    # Noto CJK is CFF-flavoured: Type 42 gives readers a font-type mismatch, Type 3 embeds cleanly.
    # SVG glyphs as paths make the file self-contained (no font needed where it is opened).
    with matplotlib.rc_context({"pdf.fonttype": 3, "svg.fonttype": "path", "svg.hashsalt": "coverage-atlas"}):
        fig.savefig(buf, format=fmt, dpi=options.dpi, metadata=metadata, facecolor="white")
    return buf.getvalue()


__all__ = [
    "ALBERS_CGCS2000",
    "DPI_PRESETS",
    "FORMATS",
    "MAP_USE_NOTE",
    "PAPERS",
    "PrintOptionError",
    "PrintOptions",
    "default_subtitle",
    "default_title",
    "figure",
    "layer_sources",
    "pixel_size",
    "png_bytes",
    "prepare",
    "print_area",
    "print_tolerance",
    "render",
    "source_lines",
    "wants_labels",
]
