"""What compare mode's maps show (pure: no Streamlit), as panes of the page's live map (app/webmap/pagemap.py): the
two synchronised maps of side by side, and the bivariate map with its square legend. Everything shown is escaped
for HTML."""

from __future__ import annotations

import html

from app.core.compare import CompareData, axis_breaks, cell_names
from app.core.i18n import t
from app.core.mapdata import format_value
from app.core.palettes import NO_DATA_COLOUR, text_colour_on
from app.webmap.choropleth import (
    region_style,
    view_pane,
)
from layers.bivariate import LEVEL_WORDS, N_CLASSES, Bivariate, cell_label


def side_by_side_panes(data: CompareData) -> list[dict[str, object]]:
    """Layer A's pane (left) and layer B's (right) of the page's two synced maps: each exactly as its single view,
    with a compact legend (the sources go under the maps); the selected region is outlined on both."""
    return [view_pane(data.a, compact=True), view_pane(data.b, compact=True)]


def bivariate_tooltip(row: dict, data: CompareData, cell: str) -> str:
    lang, e = data.view.lang, html.escape
    a, b = data.layer_a, data.layer_b
    return "<br>".join(
        [
            f"<b>{e(str(row['label']))}</b> <span class='atlas-src'>{e(str(row['parent_name'] or ''))}</span>",
            f"A · {e(a.title(lang))}: <b>{e(format_value(row['value_a'], a, lang))}</b>",
            f"B · {e(b.title(lang))}: <b>{e(format_value(row['value_b'], b, lang))}</b>",
            f"<i>{e(cell)}</i>",
            f"<span class='atlas-src'>{e(t('year', lang))}: A {e(a.year_label(lang))} · "
            f"B {e(b.year_label(lang))}</span>",
            f"<span class='atlas-src'>{e(t('source', lang))}: {e(a.source_text(short=True, lang=lang))} · "
            f"{e(b.source_text(short=True, lang=lang))}</span>",
        ]
    )


LEGEND_CELL_PX = 34  # a cell of the square legend: room for a two-digit count at 12 px


def bivariate_legend_html(data: CompareData, biv: Bivariate) -> str:
    """The square legend: B rises upwards, A to the right, each axis named by its layer with low and high at
    its ends; every cell counts its regions; below, each layer's unit and class breaks, no data and sources."""
    lang, e = data.view.lang, html.escape
    low, _, high = LEVEL_WORDS["en" if lang == "en" else "zh"]
    counts = biv.counts()
    size = LEGEND_CELL_PX
    cells = []
    for j in reversed(range(N_CLASSES)):  # top row: high B
        for i in range(N_CLASSES):
            colour = biv.colour(i, j)
            tip = e(f"{cell_label(i, j, lang)} ({counts[(i, j)]})")
            cells.append(
                f"<div class='atlas-biv-cell' title='{tip}' style='width:{size}px;height:{size}px;"
                f"background:{colour};color:{text_colour_on(colour)};font:600 12px/{size}px sans-serif;"
                f"text-align:center'>{counts[(i, j)]}</div>"
            )
    no_data = int(biv.table["cls_a"].isna().sum())
    names = {"A": data.layer_a.title(lang), "B": data.layer_b.title(lang)}
    clamp = "display:-webkit-box;-webkit-line-clamp:3;-webkit-box-orient:vertical;overflow:hidden"
    tick = "font-size:11px;color:#333"
    grid_px = N_CLASSES * size + (N_CLASSES - 1)
    y_axis = (
        f"<div style='display:flex;flex-direction:column;justify-content:space-between;align-items:flex-end;"
        f"height:{grid_px}px;padding-right:4px;{tick}'><span>{e(high)}</span><span>↑</span><span>{e(low)}</span></div>"
    )
    x_axis = (
        f"<div style='display:flex;justify-content:space-between;width:{grid_px}px;{tick}'>"
        f"<span>{e(low)}</span><span>→</span><span>{e(high)}</span></div>"
    )
    grid = (
        f"<div class='atlas-biv-grid' style='display:grid;grid-template-columns:repeat({N_CLASSES},{size}px);"
        f"gap:1px'>{''.join(cells)}</div>"
    )
    tick_w = 30  # the y axis's low/high column, so the x axis's words sit under the grid
    breaks = [
        ("A", axis_breaks(data.layer_a, biv.a.upper_bounds, biv.a.lower, lang)),
        ("B", axis_breaks(data.layer_b, biv.b.upper_bounds, biv.b.lower, lang)),
    ]
    return (
        "<div class='atlas-legend atlas-bivariate-legend' style='width:236px;max-width:236px'>"
        f"<div class='atlas-biv-axis atlas-biv-axis-b' title='{e(names['B'])}' style='font-size:12px;{clamp}'>"
        f"<b>B ↑</b> {e(names['B'])}</div>"
        f"<div style='display:flex;align-items:stretch;margin-top:3px'>"
        f"<div style='width:{tick_w}px;flex:none;display:flex;justify-content:flex-end'>{y_axis}</div>{grid}</div>"
        f"<div style='margin-left:{tick_w}px'>{x_axis}</div>"
        f"<div class='atlas-biv-axis atlas-biv-axis-a' title='{e(names['A'])}' style='font-size:12px;{clamp}'>"
        f"<b>A →</b> {e(names['A'])}</div>"
        + "".join(
            f"<div class='atlas-legend-row' style='font-size:11px;color:#333'><b>{axis}</b>&nbsp;{e(text)}</div>"
            for axis, text in breaks
        )
        + (
            f"<div class='atlas-legend-row'><span class='atlas-swatch' style='background:repeating-linear-gradient("
            f"45deg,{NO_DATA_COLOUR},{NO_DATA_COLOUR} 3px,#fff 3px,#fff 6px);border:1px dashed #777'></span>"
            f"{e(t('no_data', lang))} ({no_data})</div>"
            if no_data
            else ""
        )
        + f"<div class='atlas-legend-source'>{e(t('source', lang))}: "
        f"A {e(data.layer_a.source_text(short=True, lang=lang))}; "
        f"B {e(data.layer_b.source_text(short=True, lang=lang))}</div></div>"
    )


def bivariate_pane(data: CompareData, biv: Bivariate, highlight: frozenset[str] = frozenset()) -> dict[str, object]:
    """The bivariate map's pane: the 3×3 class colour and tooltip of every shown region, and the square legend.
    ``highlight``: codes outlined (the scatter's selection), besides the selected region; the rest fade."""
    names = cell_names(data, biv)
    styles, tips = {}, {}
    for row, colour, cell in zip(data.table.to_dict("records"), biv.table["colour"], names, strict=True):
        status = "shown" if colour != NO_DATA_COLOUR else "no_data"
        style = region_style({"colour": colour, "status": status}, data.view.selected == row["adcode"])
        style["fillOpacity"] = 0.9 if status == "shown" else 0.6
        if row["adcode"] in highlight:
            style.update(color="#000000", weight=2.5)
        elif highlight:
            style["fillOpacity"] = 0.35  # the rest fades, so the selection stands out
        styles[row["adcode"]] = style
        tips[row["adcode"]] = bivariate_tooltip(row, data, cell)
    return {"styles": styles, "tips": tips, "legend": bivariate_legend_html(data, biv)}
