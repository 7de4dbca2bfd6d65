"""A planner's facility list as a marker layer on the map (this session only; the counts are saved as layers).

Many points are clustered (folium's MarkerCluster, its Leaflet plugin vendored under static/vendor); a few
are drawn as circles. Every name, type and capacity from the upload is HTML-escaped into the tooltip.
"""

from __future__ import annotations

import copy
import html
from typing import Any

import folium
import pandas as pd
from branca.element import MacroElement, Template
from folium.plugins import MarkerCluster

from app.webmap.assets import localize
from layers.facilities import FacilityList

CLUSTER_FROM = 50  # points; below this every site is drawn as it is


# folium.Tooltip puts its text unescaped inside a JavaScript template literal (`…`): besides HTML, a backtick
# would end the literal and ``${…}`` would run as code. As numeric character references they show the same.
_TEMPLATE_LITERAL = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def e(text: str) -> str:
    """``text`` safe as HTML inside folium's tooltip template literal."""
    return html.escape(text).translate(_TEMPLATE_LITERAL)


def tooltip_html(row: pd.Series, lang: str) -> str:
    parts = [f"<b>{e(str(row['name']) or '—')}</b>"]
    if str(row["type"]).strip():
        parts.append(e(str(row["type"])))
    if pd.notna(row["capacity"]):
        parts.append(f"{'capacity' if lang == 'en' else '容量'}: {row['capacity']:g}")
    parts.append(f"{'row' if lang == 'en' else '行'} {row.name}")
    return "<br>".join(parts)


def marker_layer(points: pd.DataFrame, lang: str) -> folium.FeatureGroup:
    """Points (``FacilityList.marker_points``: name, type, capacity, lon, lat; index = row) as one layer."""
    group = folium.FeatureGroup(name="facilities", control=False)
    target: folium.FeatureGroup | MarkerCluster = group
    if len(points) >= CLUSTER_FROM:
        target = MarkerCluster(name="facilities", control=False)
        group.add_child(target)
    for _, row in points.iterrows():
        folium.CircleMarker(
            location=[float(row["lat"]), float(row["lon"])],
            tooltip=folium.Tooltip(tooltip_html(row, lang)),
            **MARKER_STYLE,
        ).add_to(target)
    group.add_child(MarkerHalo())
    return group


# Markers that stand out on every palette (faint grey-blue dots vanished on dark red): a bright fill, a black outline
# and a white halo (a CSS drop shadow of the circle), readable on light and dark classes and on the basemap alike.
MARKER_STYLE: dict[str, Any] = {
    "radius": 6,
    "color": "#000000",
    "weight": 1.5,
    "fill": True,
    "fill_color": "#ffe600",
    "fill_opacity": 1.0,
    "class_name": "atlas-site",
}


class MarkerHalo(MacroElement):
    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>.atlas-site{filter:drop-shadow(0 0 1.5px #fff) drop-shadow(0 0 1.5px #fff)}</style>
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "MarkerHalo"


def with_facilities(frame: folium.Map, facilities: FacilityList, datum: str, lang: str) -> folium.Map:
    """A copy of the page's map frame with the facility markers, in the frame's datum; assets localised."""
    m = copy.deepcopy(frame)
    m.add_child(marker_layer(facilities.marker_points(datum), lang))
    return localize(m)
