"""The page's live map: one frame per basemap and number of panes, restyled in place by each view's style table.

st_folium sends a map's whole script whenever it changes, and the browser then builds a new iframe (a reload: the
assets again, the geometry again, a lost pan and zoom). So every map of the page, the single map and each compare
view's, is a *frame* that depends only on the basemap and on how many panes it has (one map, or two synced maps
side by side): tiles, Leaflet and static/atlas/page-map.js. Everything a view changes travels as its *style
table* (:func:`map_payload`, through ``st_folium(..., feature_group_to_add=...)``): which geometry file to draw (a
static file, fetched once, see app/webmap/geometry.py), the bounds to fit, and per pane the colours and tooltips by
region code and the legend. A new layer, level, area, compare option, click or scatter selection keeps the iframe;
page-map.js applies the table in place.
"""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Any
from urllib.parse import urlencode

import folium
import geopandas as gpd
from branca.element import MacroElement, Template
from folium.elements import JSCSSMixin
from folium.plugins import DualMap

from app.core.basemaps import BASEMAPS
from app.core.i18n import t
from app.webmap.assets import local_url, localize
from app.webmap.choropleth import LEGEND_CSS, FocusWithoutScroll, PlainControls, script_json
from geodata.resources import shipped

PREFETCH_URL = "/app/static/atlas/regions-prefetch.js"
PAGE_MAP_URL = "/app/static/atlas/page-map.js"
TOPOJSON_CDN = "https://cdn.jsdelivr.net/npm/topojson-client@3.1.0/dist/topojson-client.min.js"
# Where a new frame starts (Sichuan), until the first view's bounds arrive with its style table.
START = (30.6, 102.7)

Frame = folium.Map | DualMap


@cache
def page_map_url() -> str:
    """page-map.js with its content's hash: a browser may keep it, and a new version gets a new address."""
    digest = hashlib.sha256(shipped("static", "atlas", "page-map.js").read_bytes()).hexdigest()[:12]
    return f"{PAGE_MAP_URL}?v={digest}"


class RegionsPane(JSCSSMixin):
    """One pane's regions, legend and tooltips, drawn by page-map.js from ``window.atlasView.panes[index]``."""

    # The stylesheet travels in the script: streamlit-folium leaves out the headers of a DualMap's maps (and with
    # them folium's margin-less page, without which the maps' bottom edge is cut off).
    _template = Template("""
        {% macro script(this, kwargs) %}
        window.atlasPageMap.style({{ this.css|tojson }});
        var {{ this.get_name() }} = window.atlasPageMap.addPane({{ this.index }}, {{ this._parent.get_name() }});
        {% endmacro %}
    """)

    # topojson-client is named by its CDN address like folium's own assets: app.webmap.assets.localize serves the
    # copy scripts/vendor_assets.py put in static/vendor (RegionsPane is in its ELEMENT_CLASSES).
    default_js = [("topojson-client", TOPOJSON_CDN)]  # noqa: RUF012 (a plain list, as folium declares it)

    def __init__(self, index: int):
        super().__init__()
        self._name = "AtlasRegions"
        self.index = index
        self.css = "html,body{margin:0;padding:0}" + LEGEND_CSS
        self.default_js = [*self.default_js, ("atlas_page_map", page_map_url())]


def _dress(m: folium.Map, basemap_id: str, index: int) -> None:
    """Tiles, the pane's regions and the plain controls; only Leaflet's own script and stylesheet are loaded:
    nothing here uses jQuery, Bootstrap or Font Awesome, which a folium map names by default (ten files loaded one
    after another)."""
    m.default_js = [(name, url) for name, url in m.default_js if name == "leaflet"]
    m.default_css = [(name, url) for name, url in m.default_css if name == "leaflet_css"]
    basemap = BASEMAPS.get(basemap_id, BASEMAPS["none"])
    if basemap.provider is not None:
        p = basemap.provider
        folium.TileLayer(tiles=basemap.tile_url(), attr=p.html_attribution, max_zoom=p.get("max_zoom", 18)).add_to(m)
    m.add_child(RegionsPane(index))
    m.add_child(PlainControls())
    m.add_child(FocusWithoutScroll())


# Fractional zoom lets the fit keep the legend's strip clear without halving the scale.
_MAP_OPTIONS: dict[str, Any] = {
    "zoom_start": 6,
    "tiles": None,
    "zoom_snap": 0.25,
    "zoom_delta": 0.5,
    "control_scale": False,
}


def page_map(basemap_id: str, panes: int = 1) -> Frame:
    """The frame: one map, or two that pan and zoom together (Leaflet.Sync, from static/vendor), on ``basemap_id``.

    Nothing in it depends on the view, so its script, and with it the browser's iframe, stays the same for every
    layer, level, area and selection on that basemap."""
    if panes == 1:
        m = folium.Map(location=START, prefer_canvas=False, **_MAP_OPTIONS)
        _dress(m, basemap_id, 0)
        return localize(m)
    dual = DualMap(location=START, **_MAP_OPTIONS)
    for index, pane in enumerate((dual.m1, dual.m2)):
        pane.options["preferCanvas"] = False
        _dress(pane, basemap_id, index)
    return localize(dual)


def with_prefetch(frame: Frame, geometry_url: str) -> Frame:
    """``frame`` (a copy the caller owns) with a first script that requests ``geometry_url`` and preloads the
    scripts that draw it while Leaflet loads (static/atlas/regions-prefetch.js). The script of the map, and so the
    iframe, does not change: only the list of scripts a new iframe loads first."""
    first = frame.m1 if isinstance(frame, DualMap) else frame
    preload = [local_url(TOPOJSON_CDN), page_map_url()]
    url = f"{PREFETCH_URL}?{urlencode({'geometry': geometry_url, 'preload': preload}, doseq=True)}"
    rest: list[tuple[str, str]] = [(n, link) for n, link in first.default_js if n != "atlas_regions_prefetch"]
    first.default_js = [("atlas_regions_prefetch", url), *rest]
    return frame


def region_bounds(boundaries: gpd.GeoDataFrame, codes) -> list[list[float]] | None:
    """[[south, west], [north, east]] of the regions ``codes`` (rounded to ~10 m), or None when there are none."""
    shown = boundaries[boundaries["adcode"].isin(list(codes))]
    if shown.empty:
        return None
    minx, miny, maxx, maxy = shown.total_bounds
    return [[round(float(miny), 4), round(float(minx), 4)], [round(float(maxy), 4), round(float(maxx), 4)]]


def map_payload(
    geometry_url: str, fit: list[list[float]] | None, panes: list[dict[str, object]], lang: str = "zh"
) -> dict[str, object]:
    """A view's style table: the geometry file to draw, the bounds to fit, each pane's styles, tips and legend
    (``choropleth.view_pane`` and the compare views' pane builders), and the zoom buttons' names in ``lang``
    (Leaflet names them in English)."""
    zoom = [t("zoom_in", lang), t("zoom_out", lang)]
    return {"geometry": geometry_url, "fit": fit, "panes": panes, "zoom": zoom}


class ViewStyle(MacroElement):
    """One view's style table, applied to the drawn regions by page-map.js."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        window.atlasView = {{ this.payload_js }};
        window.atlasPageMap.apply();
        {% endmacro %}
    """)

    def __init__(self, payload: dict[str, object]):
        super().__init__()
        self._name = "AtlasView"
        self.payload_js = script_json(payload)


def view_layer(payload: dict[str, object]) -> folium.FeatureGroup:
    """A new st_folium ``feature_group_to_add`` carrying ``payload`` (st_folium alters what it gets)."""
    group = folium.FeatureGroup(name="atlas view", control=False)
    group.add_child(ViewStyle(payload))
    return group
