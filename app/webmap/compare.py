"""Folium maps of compare mode (pure: no Streamlit): two synchronised maps, and the bivariate map with its
square legend. Everything shown is escaped for HTML; Leaflet and Leaflet.Sync come from static/vendor."""

from __future__ import annotations

import html

import folium
import geopandas as gpd
import pandas as pd
from folium.plugins import DualMap

from app.core.basemaps import BASEMAPS
from app.core.compare import CompareData, axis_breaks, cell_names
from app.core.i18n import t
from app.core.mapdata import format_value
from app.core.palettes import NO_DATA_COLOUR, text_colour_on
from app.webmap.assets import localize
from app.webmap.choropleth import (
    FocusWithoutScroll,
    Legend,
    PlainControls,
    feature_collection,
    geometry_dicts,
    legend_html,
    region_style,
)
from layers.bivariate import LEVEL_WORDS, N_CLASSES, Bivariate, cell_label


def _tiles(m: folium.Map, basemap_id: str, lang: str) -> None:
    basemap = BASEMAPS.get(basemap_id, BASEMAPS["none"])
    if basemap.provider is not None:
        p = basemap.provider
        folium.TileLayer(
            tiles=basemap.tile_url(), attr=p.html_attribution, name=basemap.label(lang), max_zoom=p.get("max_zoom", 18)
        ).add_to(m)


def _bounds(boundaries: gpd.GeoDataFrame, codes: pd.Series) -> list[list[float]]:
    minx, miny, maxx, maxy = boundaries[boundaries["adcode"].isin(codes)].total_bounds
    return [[miny, minx], [maxy, maxx]]


def _geojson(collection: dict, name: str) -> folium.GeoJson:
    return folium.GeoJson(
        collection,
        name=name,
        style_function=lambda f: f["properties"]["style"],
        highlight_function=lambda f: {"weight": 2.5, "color": "#222222"},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True, direction="auto"),
        zoom_on_click=False,
    )


def side_by_side_map(boundaries: gpd.GeoDataFrame, data: CompareData, *, height: int = 560) -> DualMap:
    """Layer A left, layer B right, panning and zooming together (Leaflet.Sync); each map its own legend; the
    selected region outlined on both."""
    lang = data.view.lang
    bounds = _bounds(boundaries, data.table["adcode"])
    centre = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
    dual = DualMap(location=centre, zoom_start=6, tiles=None, zoom_snap=0.25, zoom_delta=0.5, control_scale=False)
    for m, part in ((dual.m1, data.a), (dual.m2, data.b)):
        m.options["preferCanvas"] = False
        _tiles(m, data.view.basemap, lang)
        _geojson(feature_collection(boundaries, part), part.layer.title(lang)).add_to(m)
        m.add_child(Legend(legend_html(part)))
        m.add_child(PlainControls())
        m.fit_bounds(bounds, padding_top_left=(10, 10), padding_bottom_right=(190, 40))
    return localize(dual)


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


def bivariate_features(
    boundaries: gpd.GeoDataFrame, data: CompareData, biv: Bivariate, highlight: frozenset[str] = frozenset()
) -> dict:
    """``highlight``: codes outlined (the scatter's selection), besides the selected region."""
    geometries = geometry_dicts(boundaries)
    names = cell_names(data, biv)
    features = []
    for row, colour, cell in zip(data.table.to_dict("records"), biv.table["colour"], names, strict=True):
        if row["adcode"] not in geometries:
            continue
        status = "shown" if colour != NO_DATA_COLOUR else "no_data"
        style = region_style({"colour": colour, "status": status}, data.view.selected == row["adcode"])
        style["fillOpacity"] = 0.9 if status == "shown" else 0.6
        if row["adcode"] in highlight:
            style.update(color="#000000", weight=2.5)
        elif highlight:
            style["fillOpacity"] = 0.35  # the rest fades, so the selection stands out
        features.append(
            {
                "type": "Feature",
                "geometry": geometries[row["adcode"]],
                "properties": {"adcode": row["adcode"], "tip": bivariate_tooltip(row, data, cell), "style": style},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def bivariate_map(
    boundaries: gpd.GeoDataFrame,
    data: CompareData,
    biv: Bivariate,
    *,
    highlight: frozenset[str] = frozenset(),
    height: int = 620,
) -> folium.Map:
    bounds = _bounds(boundaries, data.table["adcode"])
    m = folium.Map(
        location=[(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2],
        zoom_start=6,
        tiles=None,
        zoom_snap=0.25,
        zoom_delta=0.5,
        control_scale=False,
        height=height,
    )
    _tiles(m, data.view.basemap, data.view.lang)
    _geojson(bivariate_features(boundaries, data, biv, highlight), "bivariate").add_to(m)
    m.add_child(Legend(bivariate_legend_html(data, biv)))
    m.add_child(FocusWithoutScroll())
    m.add_child(PlainControls())
    m.fit_bounds(bounds, padding_top_left=(10, 10), padding_bottom_right=(230, 60))
    return localize(m)
