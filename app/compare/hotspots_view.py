"""Compare view: hot spots, Local Moran's I of layer A (or bivariate, A against the neighbours' B) as a map of
LISA classes, with the global Moran's I, the permutations, the threshold and the caveats."""

from __future__ import annotations

import html

import folium
import geopandas as gpd
import streamlit as st

from app import cache, mapbuild
from app.assets import localize
from app.basemaps import BASEMAPS
from app.compare.data import CompareData
from app.compare.widgets import data_table, shapes, show_map
from app.i18n import t
from app.markup import escape
from app.palettes import NO_DATA_COLOUR
from app.viewstate import ViewState
from layers.hotspots import CLASSES, MIN_REGIONS, Hotspots, local_moran

# GeoDa's LISA cluster colours.
COLOURS = {
    "HH": "#e31a1c",
    "LL": "#1f4fd8",
    "HL": "#f4a6a0",
    "LH": "#a6b4f4",
    "ns": "#eeeeee",
    "island": "#bdbdbd",
    "no_data": NO_DATA_COLOUR,
}
LEGEND_ORDER = (*CLASSES, "island", "no_data")
PERMUTATIONS_WORD = {"zh": "次置换", "en": "permutations"}


def figures_key(view: ViewState) -> ViewState:
    """The part of a view the LISA depends on: both layers' figures over the shown regions and the test."""
    return ViewState(
        layer=view.layer,
        level=view.level,
        area=view.area,
        norm=view.norm,
        year=view.year,
        mode="compare",
        compare_view="hotspots",
        layer_b=view.layer_b,
        norm_b=view.norm_b,
        hs_kind=view.hs_kind,
        hs_p=view.hs_p,
    )


def compute(data: CompareData, weights_shapes: gpd.GeoDataFrame) -> Hotspots:
    """LISA of the shown regions: A alone, or A against B (``view.hs_kind == "ab"``)."""
    view = data.view
    geoms = weights_shapes.set_index("adcode").loc[data.table["adcode"]].reset_index()
    table = data.table.set_index("adcode")
    b = table["value_b"] if view.hs_kind == "ab" else None
    return local_moran(geoms, table["value_a"], b, threshold=view.hs_p)


def title(data: CompareData, hs: Hotspots) -> str:
    lang = data.view.lang
    if hs.bivariate:
        return t("hs_title_bv", lang, a=data.layer_a.title(lang), b=data.layer_b.title(lang))
    return t("hs_title", lang, layer=data.layer_a.title(lang))


def _fmt(x: float | None, digits: int = 3) -> str:
    return "—" if x is None or x != x else f"{x:.{digits}f}"


def tooltip(row: dict, data: CompareData, hs: Hotspots) -> str:
    """Escaped tooltip: the region, its class, its value(s) with unit, local I and p."""
    lang, e = data.view.lang, html.escape
    lines = [
        f"<b>{e(str(row['label']))}</b>",
        f"{e(t('hs_class', lang))}: <b>{e(t('hs_' + row['cls'], lang))}</b>",
        f"A · {e(data.layer_a.title(lang))}: {e(mapbuild.format_value(row['value_a'], data.layer_a, lang))}",
    ]
    if hs.bivariate:
        lines.append(
            f"B · {e(data.layer_b.title(lang))}: {e(mapbuild.format_value(row['value_b'], data.layer_b, lang))}"
        )
    if row["cls"] in CLASSES:
        lines.append(f"{e(t('hs_local_i', lang))}: {e(_fmt(row['local_i']))} · p = {e(_fmt(row['p']))}")
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
    sources = "; ".join(dict.fromkeys([data.layer_a.source_text(short=True), data.layer_b.source_text(short=True)]))
    if not hs.bivariate:
        sources = data.layer_a.source_text(short=True)
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
    geometries = mapbuild.geometry_dicts(boundaries)
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
        highlight_function=lambda f: mapbuild.REGION_HIGHLIGHT,
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True, direction="auto"),
        zoom_on_click=False,
    ).add_to(m)
    m.add_child(mapbuild.Legend(legend_html(data, hs)))
    m.add_child(mapbuild.PlainControls())
    m.fit_bounds([[miny, minx], [maxy, maxx]], padding_top_left=(10, 10), padding_bottom_right=(190, 40))
    return localize(m)


def summary_lines(data: CompareData, hs: Hotspots) -> list[str]:
    """Global I (or why there is none), what was left out and why, and the caveat; Markdown-escaped."""
    lang = data.view.lang
    out = []
    if hs.problem == "too_few":
        out.append(escape(t("hs_too_few", lang, n=hs.n, min=MIN_REGIONS)))
    elif hs.problem == "no_variation":
        out.append(escape(t("hs_no_variation", lang)))
    else:
        key = "hs_global_bv" if hs.bivariate else "hs_global"
        out.append(
            escape(
                t(
                    key,
                    lang,
                    i=_fmt(hs.global_i),
                    e=_fmt(hs.expected_i),
                    p=_fmt(hs.global_p),
                    n=hs.n,
                    perm=hs.permutations,
                    thr=f"{hs.threshold:g}",
                    seed=hs.seed,
                )
            )
        )
    labels = data.table.set_index("adcode")["label"]
    excluded = [(c, "hs_no_data") for c in hs.no_data] + [(c, "hs_island") for c in hs.islands]
    if excluded:
        items = "; ".join(f"{labels[c]}（{c}）: {t(reason, lang)}" for c, reason in excluded)
        out.append(escape(t("hs_excluded", lang, items=items)))
    out.append(escape(t("hs_caveat", lang, thr=f"{hs.threshold:.0%}")))
    return out


def render(data: CompareData, view: ViewState) -> None:
    hs = cache.hotspots(view)
    lang = view.lang
    st.markdown(f"**{escape(title(data, hs))}**")
    for line in summary_lines(data, hs)[:-1]:
        st.markdown(line)
    show_map(hotspot_map(shapes(view), data, hs), key="hotspots_map")
    st.caption(summary_lines(data, hs)[-1])
    table = data.table[["adcode", "label", "parent_name", "value_a", "value_b"]].merge(
        hs.table[["adcode", "local_i", "p", "cls"]], on="adcode"
    )
    if not hs.bivariate:
        table = table.drop(columns="value_b")
    table["cls"] = [t("hs_" + c, lang) for c in table["cls"]]
    data_table(
        table.rename(
            columns={
                "value_a": f"A ({data.layer_a.unit(lang)})",
                "value_b": f"B ({data.layer_b.unit(lang)})",
                "local_i": t("hs_local_i", lang),
                "cls": t("hs_class", lang),
            }
        )
    )


def weights_shapes(level: str) -> gpd.GeoDataFrame:
    """Contiguity is computed on one fixed geometry (web detail), whatever the basemap's datum or detail."""
    return cache.boundaries(level, "web", "wgs84")
