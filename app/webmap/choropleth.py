"""The web map (folium/Leaflet): the choropleth, the page's map frame and its per-view style table.

Everything here starts from :class:`app.core.mapdata.MapData`; every string from data is HTML-escaped
(tooltips, legend) or JSON-escaped for a <script> (:func:`script_json`).
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from urllib.parse import urlencode

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement, Template
from folium.elements import JSCSSMixin

from app.core.basemaps import BASEMAPS
from app.core.i18n import t
from app.core.mapdata import REGION_WEIGHT, SELECTED_OUTLINE, MapData, format_value, legend_entries
from app.webmap import templating
from app.webmap.assets import local_url, localize
from app.webmap.topology import topology

templating.install()


COORD_DECIMALS = 3  # ~100 m: finer than the ~350–700 m simplification, so nothing visible is lost


def tooltip_html(row: dict, data: MapData, shown: int | None = None) -> str:
    """Tooltip markup for one table row; every piece of data in it is escaped."""
    layer, lang = data.layer, data.view.lang
    e = html.escape
    shown = int(data.table["rank"].notna().sum()) if shown is None else shown
    lines = [
        f"<b>{e(str(row.get('label') or row['name']))}</b>",
        f"{e(layer.title(lang))}: <b>{e(format_value(row['value'], layer, lang))}</b>",
    ]
    if not layer.is_categorical and pd.notna(row.get("rank")):
        lines.append(f"{e(t('rank', lang))}: {int(row['rank'])} / {shown}")
    if row.get("status") == "filtered":
        lines.append(f"<i>{e(t('filtered_out', lang))}</i>")
    lines.append(f"{e(t('year', lang))}: {e(layer.year_label(lang))}")
    lines.append(
        f"<span class='atlas-src'>{e(t('source', lang))}: {e(layer.source_text(short=True, lang=lang))}</span>"
    )
    return "<br>".join(lines)


def legend_html(data: MapData) -> str:
    lang, layer = data.view.lang, data.layer
    e = html.escape
    items = []
    for colour, label, style in legend_entries(data):
        swatch = (
            f"background:repeating-linear-gradient(45deg,{colour},{colour} 3px,#ffffff 3px,#ffffff 6px);"
            "border:1px dashed #777"
            if style == "hatch"
            else f"background:{colour};border:1px solid #777"
        )
        items.append(
            f"<div class='atlas-legend-row'><span class='atlas-swatch' style='{swatch}'></span>{e(label)}</div>"
        )
    # A <details> the planner can fold (its title stays) to see the counties under it; open by default.
    return (
        "<details class='atlas-legend' open>"
        f"<summary class='atlas-legend-title'>{e(layer.title(lang))}</summary>"
        f"<div>{e(t('unit', lang))}: {e(layer.unit(lang))} · {e(t('year', lang))}: {e(layer.year_label(lang))}</div>"
        + "".join(items)
        + f"<div class='atlas-legend-source'>{e(t('source', lang))}: "
        f"{e(layer.source_text(short=True, lang=lang))}</div></details>"
    )


# Compact legend and tooltips: on a map a third of the page wide they covered the south-east counties and most of a
# prefecture. #map_div is streamlit-folium's map element: as tall as its frame, whose height the page sets from the
# window's (app/ui/panels.py PAGE_CSS); elsewhere (exports) the rule matches nothing.
_LEGEND_CSS = """
.atlas-legend{background:rgba(255,255,255,.93);padding:6px 8px;border-radius:4px;font:11px/1.3 sans-serif;
 max-width:210px;box-shadow:0 1px 4px rgba(0,0,0,.3);color:#222}
.atlas-legend-title{font-weight:bold;margin-bottom:2px;cursor:pointer}
.atlas-legend:not([open]) .atlas-legend-title{margin-bottom:0}
.atlas-legend-row{display:flex;align-items:center;gap:6px;margin:1px 0}
.atlas-swatch{display:inline-block;width:16px;height:11px;flex:none}
.atlas-legend-source{margin-top:3px;color:#444;font-size:10.5px}
.atlas-src{color:#444;font-size:11px}
.leaflet-tooltip{white-space:normal;max-width:230px;width:max-content;overflow-wrap:anywhere;font-size:12px;
 line-height:1.3;padding:4px 6px}
#map_div{height:100vh !important}
body:has(#map_div){margin:0;overflow:hidden}
"""


class FocusWithoutScroll(MacroElement):
    """Leaflet focuses the map on mousedown (for keyboard panning); in a page that is scrolled so the
    map is partly hidden, that focus scrolls the page and the click lands elsewhere. Focusing with
    ``preventScroll`` keeps keyboard panning and the click."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (c) { c.focus = function () { HTMLElement.prototype.focus.call(c, {preventScroll: true}); }; })(
            {{ this._parent.get_name() }}.getContainer());
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "FocusWithoutScroll"


NARROW_MAP_PX = 520  # a map narrower than this (a phone) folds its legend and fits the regions edge to edge


class RefitUntilMoved(MacroElement):
    """Fit the map to its regions again whenever its frame changes size, until the planner moves it. A session's
    first run draws the map before the sidebar (streamlit_app.py), so the frame is fitted wide and then narrowed
    when the sidebar arrives, and its height follows the window (app/ui/panels.py): without a new fit the west of
    the province was cut off."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map, bounds, options) {
            var moved = false, container = map.getContainer();
            ["mousedown", "touchstart", "wheel", "keydown"].forEach(function (name) {
                container.addEventListener(name, function () { moved = true; }, {passive: true});
            });
            // A phone's map is too narrow to keep the legend's corner clear: the legend starts folded there.
            function fit() {
                var narrow = map.getSize().x < {{ this.narrow }};
                map.fitBounds(bounds, narrow ? {paddingTopLeft: [6, 6], paddingBottomRight: [6, 34]} : options);
            }
            fit();
            map.on("resize", function () { if (!moved) { fit(); } });
        })({{ this._parent.get_name() }}, {{ this.bounds|tojson }}, {{ this.options|tojson }});
        {% endmacro %}
    """)

    def __init__(self, bounds: list[list[float]], options: Mapping[str, object]):
        super().__init__()
        self._name = "RefitUntilMoved"
        self.narrow = NARROW_MAP_PX
        self.bounds = bounds
        self.options = options


class PlainControls(MacroElement):
    """A metric-only scale bar, and Leaflet's attribution prefix as the plain word "Leaflet": Leaflet 1.9 puts a
    national flag before it, out of place on a map made for China (and an English tooltip on the Chinese page)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});
        {{ this._parent.get_name() }}.attributionControl.setPrefix(
            '<a href="https://leafletjs.com">Leaflet</a>');
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "PlainControls"


class Legend(MacroElement):
    """A fixed legend control; its HTML is built (and escaped) by :func:`legend_html`."""

    _template = Template("""
        {% macro header(this, kwargs) %}<style>{{ this.css }}</style>{% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: 'bottomright'});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create('div');
            div.innerHTML = {{ this.markup|tojson }};
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, markup: str):
        super().__init__()
        self._name = "AtlasLegend"
        self.markup = markup
        self.css = _LEGEND_CSS


# --- geometry ---------------------------------------------------------------------------------
_GEOMETRY_CACHE: dict[int, tuple[gpd.GeoDataFrame, dict[str, dict]]] = {}


def geometry_dicts(boundaries: gpd.GeoDataFrame) -> dict[str, dict]:
    """adcode -> rounded GeoJSON geometry, computed once per boundaries object.

    The UI edge and the benchmark hold their boundaries for the whole process, so keying on the
    object (and keeping it alive in the cache, so its id cannot be reused) turns every later map
    build into a dictionary lookup instead of re-serialising ~30 k vertices.
    """
    hit = _GEOMETRY_CACHE.get(id(boundaries))
    if hit is not None and hit[0] is boundaries:
        return hit[1]
    geoms = shapely.transform(np.asarray(boundaries.geometry.values), lambda c: np.round(c, COORD_DECIMALS))
    out = {code: json.loads(shapely.to_geojson(g)) for code, g in zip(boundaries["adcode"], geoms, strict=True)}
    if len(_GEOMETRY_CACHE) > 16:
        _GEOMETRY_CACHE.clear()
    _GEOMETRY_CACHE[id(boundaries)] = (boundaries, out)
    return out


def feature_collection(boundaries: gpd.GeoDataFrame, data: MapData) -> dict:
    """GeoJSON of the shown regions with only what the browser needs: code, style, tooltip."""
    rows = {r["adcode"]: r for r in data.table.to_dict("records")}
    n_ranked = int(data.table["rank"].notna().sum())
    geometries = geometry_dicts(boundaries)
    features = []
    for adcode in boundaries["adcode"]:
        if adcode not in rows:
            continue
        row = rows[adcode]
        features.append(
            {
                "type": "Feature",
                "geometry": geometries[adcode],
                "properties": {
                    "adcode": adcode,
                    "tip": tooltip_html(row, data, n_ranked),
                    "style": region_style(row, data.view.selected == adcode),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def region_style(row: dict, selected: bool) -> dict:
    style = {"fillColor": row["colour"], "color": "#555555", "weight": REGION_WEIGHT, "fillOpacity": 0.8}
    if row["status"] == "no_data":
        style.update(dashArray="4 3", fillOpacity=0.6, color="#888888")
    elif row["status"] == "filtered":
        style.update(fillOpacity=0.5, color="#bbbbbb")
    if selected:
        style.update(SELECTED_OUTLINE)
    return style


def base_map(
    boundaries: gpd.GeoDataFrame, codes: list[str] | pd.Series, basemap_id: str, lang: str = "zh", *, height: int = 620
) -> tuple[folium.Map, tuple[float, float, float, float]]:
    """The folium.Map both maps start from: centred on the regions ``codes``, fractional zoom, the
    basemap's tile layer (none for ``none``); returns it with the regions' bounds for the final fit."""
    basemap = BASEMAPS.get(basemap_id, BASEMAPS["none"])
    minx, miny, maxx, maxy = boundaries[boundaries["adcode"].isin(codes)].total_bounds
    # Fractional zoom lets the fit keep the legend corner clear without halving the scale.
    m = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        zoom_start=6,
        tiles=None,
        zoom_snap=0.25,
        zoom_delta=0.5,
        control_scale=False,  # PlainControls adds a metric-only one
        prefer_canvas=False,
        height=height,
    )
    if basemap.provider is not None:
        p = basemap.provider
        folium.TileLayer(
            tiles=basemap.tile_url(),
            attr=p.html_attribution,
            name=basemap.label(lang),
            max_zoom=p.get("max_zoom", 18),
        ).add_to(m)
    return m, (minx, miny, maxx, maxy)


FIT_PADDING = {"paddingTopLeft": [10, 10], "paddingBottomRight": [190, 40]}  # the legend's corner kept clear


def _fit(m: folium.Map, bounds: tuple[float, float, float, float]) -> None:
    """Fit to the regions, keeping the bottom-right corner, where the legend sits, clear of them."""
    minx, miny, maxx, maxy = bounds
    m.fit_bounds(
        [[miny, minx], [maxy, maxx]],
        padding_top_left=tuple(FIT_PADDING["paddingTopLeft"]),
        padding_bottom_right=tuple(FIT_PADDING["paddingBottomRight"]),
    )


def build_map(boundaries: gpd.GeoDataFrame, data: MapData, *, height: int = 620) -> folium.Map:
    """The choropleth. ``boundaries`` must already be in the basemap's datum and detail."""
    m, bounds = base_map(boundaries, data.table["adcode"], data.view.basemap, data.view.lang, height=height)
    folium.GeoJson(
        feature_collection(boundaries, data),
        name=data.layer.title(data.view.lang),
        style_function=lambda f: f["properties"]["style"],
        highlight_function=lambda f: {"weight": 2.5, "color": "#222222"},
        # "auto": left of the pointer on the map's right half, so a tooltip is not cut at the iframe's edge.
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True, direction="auto"),
        zoom_on_click=False,
    ).add_to(m)
    m.add_child(Legend(legend_html(data)))
    m.add_child(FocusWithoutScroll())
    m.add_child(PlainControls())
    _fit(m, bounds)
    return localize(m)  # Leaflet & co. from /app/static, never from a CDN


# --- the live page: one map frame per area, colours per view -----------------------------------
# st_folium sends its whole script whenever it changes and rebuilds the iframe (a reload, a lost
# viewport). So the page keeps a frame that depends only on what is drawn where — level, area,
# detail, datum, basemap — and fetches its geometry from a static file the browser caches; the
# layer's colours, tooltips and legend travel as a small style table that restyles the drawn
# shapes in place (st_folium's ``feature_group_to_add``, swapped without a reload).
REGION_HIGHLIGHT = {"weight": 2.5, "color": "#222222"}


_PENDING_STYLE = {"fillColor": "#ffffff", "fillOpacity": 0, "color": "#999999", "weight": 0.6}


GEOMETRY_SCALE = 10**COORD_DECIMALS


def regions_file(boundaries: gpd.GeoDataFrame, codes: list[str]) -> bytes:
    """The regions ``codes`` (in boundaries order) as TopoJSON for the page's map to fetch.

    One object ``regions``: a MultiPolygon per region with properties ``{"adcode": code}``, on the grid
    of the rounded coordinates (``transform.scale`` = 1 / GEOMETRY_SCALE, lossless). Every border two
    regions share is sent once (see app/topology.py): the county overview is about a fifth smaller
    after gzip than rings sent one by one. RegionsLayer decodes it with topojson-client.
    """
    geometries = geometry_dicts(boundaries)
    wanted = set(codes)
    regions = []
    for code in boundaries["adcode"]:
        if code not in wanted:
            continue
        geometry = geometries[code]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        regions.append((code, polygons))
    return json.dumps(topology(regions, GEOMETRY_SCALE), separators=(",", ":")).encode()


class RegionsLayer(JSCSSMixin):
    """The region shapes, fetched from ``url`` (TopoJSON, decoded by topojson-client) and styled from
    ``window.atlasView`` (see ViewStyle).

    ``atlasApplyView`` restyles the drawn shapes and rewrites the legend; it runs when the shapes
    arrive and whenever a new view's style table does, whichever comes last.
    """

    _template = Template("""
        {% macro header(this, kwargs) %}<style>{{ this.css }}</style>{% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJson(null, {
            style: function (f) {
                var v = window.atlasView;
                return (v && v.styles[f.properties.adcode]) || {{ this.pending|tojson }};
            },
            onEachFeature: function (f, layer) {
                layer.on("mouseover", function () { layer.setStyle({{ this.highlight|tojson }}); });
                layer.on("mouseout", function () { {{ this.get_name() }}.resetStyle(layer); });
            }
        }).addTo({{ this._parent.get_name() }});
        // One tooltip for the whole layer (as folium's GeoJsonTooltip), its text looked up on opening.
        {{ this.get_name() }}.bindTooltip(function (layer) {
            var v = window.atlasView;
            return (v && v.tips[layer.feature.properties.adcode]) || "";
        }, {sticky: true, direction: "auto"});
        var {{ this.get_name() }}_legend = L.control({position: "bottomright"});
        {{ this.get_name() }}_legend.onAdd = function () {
            var div = L.DomUtil.create("div");
            L.DomEvent.disableClickPropagation(div);  // folding the legend is not a click on the map
            return div;
        };
        {{ this.get_name() }}_legend.addTo({{ this._parent.get_name() }});
        window.atlasApplyView = function () {
            var v = window.atlasView;
            if (!v) { return; }
            {{ this.get_name() }}.eachLayer(function (l) { {{ this.get_name() }}.resetStyle(l); });
            // Leaflet names its zoom buttons in English; the view says them in the page's language.
            (v.zoom || []).forEach(function (text, i) {
                var button = {{ this._parent.get_name() }}.getContainer().querySelector(
                    i ? ".leaflet-control-zoom-out" : ".leaflet-control-zoom-in");
                if (button) { button.title = text; button.setAttribute("aria-label", text); }
            });
            var legend = {{ this.get_name() }}_legend.getContainer();
            legend.innerHTML = v.legend;
            if ({{ this._parent.get_name() }}.getSize().x < {{ this.narrow }}) {
                legend.querySelectorAll("details").forEach(function (d) { d.open = false; });
            }
        };
        // Requested by static/atlas/regions-prefetch.js before Leaflet loaded, when page_map put it first.
        var {{ this.get_name() }}_pre = window.atlasRegions;
        ({{ this.get_name() }}_pre && {{ this.get_name() }}_pre.url === {{ this.url|tojson }}
            ? {{ this.get_name() }}_pre.topology
            : fetch({{ this.url|tojson }}).then(function (r) { return r.json(); }))
            .then(function (topo) {  // TopoJSON: see app.webmap.choropleth.regions_file
                {{ this.get_name() }}.addData(topojson.feature(topo, topo.objects.regions));
                window.atlasApplyView();
            });
        {% endmacro %}
    """)

    # Named by its CDN address like folium's own assets: app.assets.localize serves the copy that
    # scripts/vendor_assets.py put in static/vendor (RegionsLayer is in its ELEMENT_CLASSES). A plain list,
    # as folium's JSCSSMixin declares it; localize gives every instance its own copy.
    default_js = [  # noqa: RUF012
        ("topojson-client", "https://cdn.jsdelivr.net/npm/topojson-client@3.1.0/dist/topojson-client.min.js")
    ]

    def __init__(self, url: str):
        super().__init__()
        self._name = "AtlasRegions"
        self.narrow = NARROW_MAP_PX
        self.url = url
        self.pending = _PENDING_STYLE
        self.highlight = REGION_HIGHLIGHT
        self.css = _LEGEND_CSS


class ViewStyle(MacroElement):
    """One view's style table (colours by code, tooltips, legend), applied to the drawn regions."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        window.atlasView = {{ this.payload_js }};
        if (window.atlasApplyView) { window.atlasApplyView(); }
        {% endmacro %}
    """)

    def __init__(self, payload: dict[str, object]):
        super().__init__()
        self._name = "AtlasView"
        self.payload_js = script_json(payload)


def script_json(value: object) -> str:
    """JSON safe inside a <script>: like Jinja's ``tojson`` but with Chinese as UTF-8 (half the bytes
    of ``\\uXXXX`` escapes); only the characters that could end the script or an HTML context are escaped."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        text = text.replace(char, escape)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def view_payload(data: MapData) -> dict[str, object]:
    """What the frame needs from one view: style and tooltip per region code, and the legend."""
    n_ranked = int(data.table["rank"].notna().sum())
    rows = data.table.to_dict("records")
    return {
        "styles": {r["adcode"]: region_style(r, data.view.selected == r["adcode"]) for r in rows},
        "tips": {r["adcode"]: tooltip_html(r, data, n_ranked) for r in rows},
        "legend": legend_html(data),
        "zoom": [t("zoom_in", data.view.lang), t("zoom_out", data.view.lang)],
    }


def view_layer(payload: dict[str, object]) -> folium.FeatureGroup:
    """A new st_folium ``feature_group_to_add`` carrying ``payload`` (st_folium alters what it gets)."""
    group = folium.FeatureGroup(name="atlas view", control=False)
    group.add_child(ViewStyle(payload))
    return group


PREFETCH_URL = "/app/static/atlas/regions-prefetch.js"


def regions_prefetch_url(geometry_url: str) -> str:
    """The page map's first script: it requests ``geometry_url`` and preloads topojson-client while Leaflet loads."""
    decoder = local_url(RegionsLayer.default_js[0][1])
    return f"{PREFETCH_URL}?{urlencode({'geometry': geometry_url, 'decoder': decoder})}"


def page_map(
    boundaries: gpd.GeoDataFrame, codes: list[str], geometry_url: str, basemap_id: str, *, height: int = 620
) -> folium.Map:
    """The page's map frame: tiles, the regions fetched from ``geometry_url``, the fit to them.

    Only Leaflet's own script and stylesheet (and topojson-client, for the regions) are loaded: nothing
    here uses jQuery, Bootstrap or Font Awesome, which a folium map names by default (ten files loaded
    one after another).
    """
    m, bounds = base_map(boundaries, codes, basemap_id, height=height)
    m.default_js = [
        ("atlas_regions_prefetch", regions_prefetch_url(geometry_url)),  # first: see its comment
        *[(name, url) for name, url in m.default_js if name == "leaflet"],
    ]
    m.default_css = [(name, url) for name, url in m.default_css if name == "leaflet_css"]
    m.add_child(RegionsLayer(geometry_url))
    m.add_child(PlainControls())
    m.add_child(FocusWithoutScroll())
    _fit(m, bounds)
    minx, miny, maxx, maxy = (float(b) for b in bounds)
    m.add_child(RefitUntilMoved([[miny, minx], [maxy, maxx]], FIT_PADDING))
    return localize(m)
