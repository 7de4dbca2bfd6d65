"""The interactive map of the current view as one HTML file that works from disk with no network.

The page is the app's own folium map (:func:`app.webmap.choropleth.build_map`: the same styles, tooltips
and legend with its source), with every vendored script and stylesheet from ``static/vendor``
written into the file instead of linked; files a stylesheet refers to (Leaflet's images, icon
fonts) become ``data:`` URIs. Basemap tiles are the one thing left outside: without a network the
regions draw on a blank background.
"""

from __future__ import annotations

import base64
import html
import mimetypes
import re
from pathlib import Path, PurePosixPath

import geopandas as gpd
from branca.element import Figure

from app.core.mapdata import MapData
from app.export.titles import default_subtitle, default_title
from app.webmap.assets import DEFAULT_BASE_URL, VENDOR_DIR, external_urls
from app.webmap.choropleth import build_map

MAX_EMBEDDED_BYTES = 200_000
# Every browser that runs Leaflet 1.9 reads woff2: the older font formats a stylesheet lists as fallbacks are
# left out of the file (an empty data: URI) instead of doubling its size.
FALLBACK_FONTS = frozenset({".ttf", ".eot", ".woff", ".otf"})
_TAG = re.compile(r'<script src="(?P<js>[^"]+)"></script>|<link rel="stylesheet" href="(?P<css>[^"]+)"/>')
_CSS_URL = re.compile(r"""url\((?P<q>['"]?)(?P<url>[^'")]+)(?P=q)\)""")


class OfflineAssetError(LookupError):
    """A page asset that is neither vendored nor already inline."""


def _vendored_file(url: str) -> Path:
    prefix = DEFAULT_BASE_URL.rstrip("/") + "/"
    if not url.startswith(prefix):
        raise OfflineAssetError(f"{url} is not under {prefix}; the offline page cannot include it")
    path = VENDOR_DIR / url.removeprefix(prefix)
    if not path.is_file():
        raise OfflineAssetError(f"{url}: no file {path}")
    return path


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if path.suffix == ".woff2":
        mime = "font/woff2"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _inline_css(path: Path) -> str:
    def replace(match: re.Match[str]) -> str:
        url = match.group("url")
        if url.startswith(("data:", "#")):
            return match.group(0)
        rel = url.split("?")[0].split("#")[0]
        target = (path.parent / PurePosixPath(rel)).resolve()
        if not target.is_file() or VENDOR_DIR.resolve() not in target.parents:
            return "url(data:,)"
        if target.suffix in FALLBACK_FONTS or target.stat().st_size > MAX_EMBEDDED_BYTES:
            return "url(data:,)"
        return f'url("{_data_uri(target)}")'

    return _CSS_URL.sub(replace, path.read_text(encoding="utf-8"))


def inline_assets(page: str) -> str:
    """Replace each vendored ``<script src>`` / ``<link rel=stylesheet>`` by the file's content."""

    def replace(match: re.Match[str]) -> str:
        if match.group("js"):
            code = _vendored_file(match.group("js")).read_text(encoding="utf-8")
            return "<script>" + code.replace("</script", "<\\/script") + "</script>"
        css = _inline_css(_vendored_file(match.group("css")))
        return "<style>" + css.replace("</style", "<\\/style") + "</style>"

    return _TAG.sub(replace, page)


def html_bytes(boundaries: gpd.GeoDataFrame, data: MapData, *, title: str | None = None) -> bytes:
    """One self-contained HTML page of the view's map (legend and sources included)."""
    m = build_map(boundaries, data, height=720)
    heading = html.escape(default_title(data) if title is None else title)
    sub = html.escape(default_subtitle(data))
    root = m.get_root()
    assert isinstance(root, Figure)
    # branca renders ``{{this.title}}`` into <title> unescaped: a layer title is data (an editor's upload).
    root.title = heading
    page = root.render()
    banner = (
        "<div style='font:15px/1.4 sans-serif;padding:6px 10px'>"
        f"<b>{heading}</b><br><span style='color:#555;font-size:13px'>{sub}</span></div>"
    )
    page = page.replace("<body>", "<body>\n" + banner, 1)
    page = inline_assets(page)
    leftovers = external_urls(page)  # tile URL templates live in JavaScript and are not counted
    if leftovers:
        raise OfflineAssetError(f"the offline page would still fetch {leftovers}")
    return page.encode("utf-8")
