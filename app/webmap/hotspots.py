"""What the hot-spot map shows: LISA classes with GeoDa's colours, escaped tooltips and legend."""

from __future__ import annotations

import html

from app.core import mapdata
from app.core.compare import CompareData
from app.core.hotspots import COLOURS, LEGEND_ORDER, PERMUTATIONS_WORD, fmt_stat, title
from app.core.i18n import t
from app.core.mapdata import SELECTED_OUTLINE
from app.core.palettes import NO_DATA_COLOUR
from layers.hotspots import CLASSES, Hotspots


def tooltip(row: dict, data: CompareData, hs: Hotspots) -> str:
    """Escaped tooltip: the region, its class, its value(s) with unit, local I and p."""
    lang, e = data.view.lang, html.escape
    lines = [
        f"<b>{e(str(row['label']))}</b>",
        f"{e(t('hs_class', lang))}: <b>{e(t('hs_' + row['cls'], lang))}</b>",
        f"A · {e(data.layer_a.title(lang))}: {e(mapdata.format_value(row['value_a'], data.layer_a, lang))}",
    ]
    if hs.bivariate:
        lines.append(
            f"B · {e(data.layer_b.title(lang))}: {e(mapdata.format_value(row['value_b'], data.layer_b, lang))}"
        )
    if row["cls"] in CLASSES:
        lines.append(f"{e(t('hs_local_i', lang))}: {e(fmt_stat(row['local_i']))} · p = {e(fmt_stat(row['p']))}")
    return "<br>".join(lines)


def legend_html(data: CompareData, hs: Hotspots) -> str:
    lang, e = data.view.lang, html.escape
    counts = hs.table["cls"].value_counts()
    rows = []
    for cls in LEGEND_ORDER:
        n = int(counts.get(cls, 0))
        if n == 0 and cls in ("island", "no_data"):
            continue
        swatch = (
            f"background:repeating-linear-gradient(45deg,{NO_DATA_COLOUR},{NO_DATA_COLOUR} 3px,#fff 3px,#fff 6px);"
            "border:1px dashed #777"
            if cls == "no_data"
            else f"background:{COLOURS[cls]};border:1px solid #777"
        )
        rows.append(
            f"<div class='atlas-legend-row'><span class='atlas-swatch' style='{swatch}'></span>"
            f"{e(t('hs_' + cls, lang))} ({n})</div>"
        )
    sources = "; ".join(
        dict.fromkeys(
            [data.layer_a.source_text(short=True, lang=lang), data.layer_b.source_text(short=True, lang=lang)]
        )
    )
    if not hs.bivariate:
        sources = data.layer_a.source_text(short=True, lang=lang)
    return (
        "<div class='atlas-legend'>"
        f"<div class='atlas-legend-title'>{e(title(data, hs))}</div>"
        f"<div>p &lt; {e(f'{hs.threshold:g}')} · {hs.permutations} {e(PERMUTATIONS_WORD[lang])}</div>"
        + "".join(rows)
        + f"<div class='atlas-legend-source'>{e(t('source', lang))}: {e(sources)}</div></div>"
    )


def hotspot_pane(data: CompareData, hs: Hotspots) -> dict[str, object]:
    """The hot-spot map's pane of the page's live map (app/webmap/pagemap.py): the LISA class colour and the
    escaped tooltip of every shown region, the selected one outlined, and the legend."""
    rows = data.table.merge(hs.table[["adcode", "local_i", "p", "cls"]], on="adcode").to_dict("records")
    styles, tips = {}, {}
    for row in rows:
        style = {"fillColor": COLOURS[row["cls"]], "color": "#555555", "weight": 0.6, "fillOpacity": 0.85}
        if row["cls"] == "no_data":
            style.update(dashArray="4 3", fillOpacity=0.6, color="#888888")
        if data.view.selected == row["adcode"]:
            style.update(SELECTED_OUTLINE)
        styles[row["adcode"]] = style
        tips[row["adcode"]] = tooltip(row, data, hs)
    return {"styles": styles, "tips": tips, "legend": legend_html(data, hs)}
