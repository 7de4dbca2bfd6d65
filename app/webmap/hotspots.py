"""The hot-spot map (folium): LISA classes with GeoDa's colours, escaped tooltips and legend."""

from __future__ import annotations

import html

import folium
import geopandas as gpd

from app.core import mapdata
from app.core.basemaps import BASEMAPS
from app.core.compare import CompareData
from app.core.hotspots import COLOURS, LEGEND_ORDER, PERMUTATIONS_WORD, fmt_stat, title
from app.core.i18n import t
from app.core.palettes import NO_DATA_COLOUR
from app.webmap import choropleth
from app.webmap.assets import localize
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


def hotspot_map(boundaries: gpd.GeoDataFrame, data: CompareData, hs: Hotspots, *, height: int = 560) -> folium.Map:
    """The LISA class map (boundaries already in the basemap's datum); tooltips and legend escaped."""
    view = data.view
    rows = data.table.merge(hs.table[["adcode", "local_i", "p", "cls"]], on="adcode").to_dict("records")
    shown = boundaries[boundaries["adcode"].isin(data.table["adcode"])]
    minx, miny, maxx, maxy = shown.total_bounds
    m = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        zoom_start=6,
        tiles=None,
        zoom_snap=0.25,
        control_scale=False,
        height=height,
    )
    basemap = BASEMAPS.get(view.basemap, BASEMAPS["none"])
    if basemap.provider is not None:
        p = basemap.provider
        folium.TileLayer(tiles=basemap.tile_url(), attr=p.html_attribution, max_zoom=p.get("max_zoom", 18)).add_to(m)
    geometries = choropleth.geometry_dicts(boundaries)
    features = []
    for row in rows:
        style = {"fillColor": COLOURS[row["cls"]], "color": "#555555", "weight": 0.6, "fillOpacity": 0.85}
        if row["cls"] == "no_data":
            style.update(dashArray="4 3", fillOpacity=0.6, color="#888888")
        if view.selected == row["adcode"]:
            style.update(color="#000000", weight=3)
        features.append(
            {
                "type": "Feature",
                "geometry": geometries[row["adcode"]],
                "properties": {"adcode": row["adcode"], "tip": tooltip(row, data, hs), "style": style},
            }
        )
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        style_function=lambda f: f["properties"]["style"],
        highlight_function=lambda f: choropleth.REGION_HIGHLIGHT,
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True, direction="auto"),
        zoom_on_click=False,
    ).add_to(m)
    m.add_child(choropleth.Legend(legend_html(data, hs)))
    m.add_child(choropleth.PlainControls())
    m.fit_bounds([[miny, minx], [maxy, maxx]], padding_top_left=(10, 10), padding_bottom_right=(190, 40))
    return localize(m)
