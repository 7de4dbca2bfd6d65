"""What compare mode's maps show (pure: no Streamlit), as panes of the page's live map (app/webmap/pagemap.py): the
two synchronised maps of side by side, and the bivariate map with its square legend. Everything shown is escaped
for HTML."""

from __future__ import annotations

import html

from app.core.compare import CompareData, axis_text, cell_names
from app.core.i18n import t
from app.core.mapdata import format_value
from app.core.palettes import NO_DATA_COLOUR
from app.webmap.choropleth import region_style, view_pane
from layers.bivariate import N_CLASSES, Bivariate, cell_label


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
            f"<span class='atlas-src'>{e(t('source', lang))}: {e(a.source_text(short=True))} · "
            f"{e(b.source_text(short=True))}</span>",
        ]
    )


def bivariate_legend_html(data: CompareData, biv: Bivariate) -> str:
    """The square legend: B rises upwards, A to the right; both axes named with unit and class breaks."""
    lang, e = data.view.lang, html.escape
    counts = biv.counts()
    cells = []
    for j in reversed(range(N_CLASSES)):  # top row: high B
        for i in range(N_CLASSES):
            tip = e(f"{cell_label(i, j, lang)} ({counts[(i, j)]})")
            cells.append(
                f"<div title='{tip}' style='width:22px;height:22px;background:{biv.colour(i, j)};"
                f"font:10px sans-serif;color:#222;text-align:center;line-height:22px'>{counts[(i, j)]}</div>"
            )
    no_data = int(biv.table["cls_a"].isna().sum())
    a_text = axis_text(data.layer_a, biv.a.upper_bounds, biv.a.lower, lang)
    b_text = axis_text(data.layer_b, biv.b.upper_bounds, biv.b.lower, lang)
    return (
        "<div class='atlas-legend atlas-bivariate-legend'>"
        f"<div style='display:flex;gap:6px;align-items:flex-end'>"
        f"<div style='writing-mode:vertical-rl;transform:rotate(180deg);font-size:11px'>B ↑</div>"
        f"<div style='display:grid;grid-template-columns:repeat(3,22px);gap:1px'>{''.join(cells)}</div></div>"
        f"<div style='font-size:11px'>A →</div>"
        f"<div class='atlas-legend-row'><b>A</b>&nbsp;{e(a_text)}</div>"
        f"<div class='atlas-legend-row'><b>B</b>&nbsp;{e(b_text)}</div>"
        + (
            f"<div class='atlas-legend-row'><span class='atlas-swatch' style='background:repeating-linear-gradient("
            f"45deg,{NO_DATA_COLOUR},{NO_DATA_COLOUR} 3px,#fff 3px,#fff 6px);border:1px dashed #777'></span>"
            f"{e(t('no_data', lang))} ({no_data})</div>"
            if no_data
            else ""
        )
        + f"<div class='atlas-legend-source'>{e(t('source', lang))}: A {e(data.layer_a.source_text(short=True))}; "
        f"B {e(data.layer_b.source_text(short=True))}</div></div>"
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
