"""Make folium maps load Leaflet & co. from the app itself instead of foreign CDNs.

Our users are in mainland China or on offline networks, where jsDelivr, cdnjs, jQuery's and
netdna's CDNs are blocked. A folium map names ten CDN files (Leaflet, jQuery, Bootstrap, Font
Awesome, glyphicons, Leaflet.awesome-markers...). ``scripts/vendor_assets.py`` copies them into
``static/vendor/`` with a ``MANIFEST.json`` saying which CDN URL each file replaces; Streamlit
serves that folder at ``/app/static/vendor`` (``enableStaticServing`` in .streamlit/config.toml).

    m = folium.Map(tiles=None, ...)
    ... add layers ...
    localize(m)              # after the last layer is added, before st_folium / m.save
    st_folium(m, ...)

How the URLs reach the browser, and why rewriting instance attributes is enough:

* folium's ``JSCSSMixin.render`` turns each element's ``default_js`` / ``default_css`` into
  ``<script src>`` / ``<link href>`` tags in the figure header (``m.save``, ``_repr_html_``).
* ``streamlit_folium.st_folium`` strips exactly those tags from the header and instead walks the
  map's children, collects ``default_js`` / ``default_css`` of every element into ``js_links`` /
  ``css_links``, and its iframe loads them one by one (a script that fails to load rejects the
  whole chain, so one blocked CDN means a blank map, not a degraded one).

Both read the attributes from the element *instance*, so ``localize`` gives every element in the
figure its own rewritten lists: no global patch of ``folium.folium._default_js`` or of class
attributes, other maps in the process are untouched, and the URL set is whatever folium (or a
plugin) declares at run time, never a hand-kept copy. A declared URL with no vendored copy raises
``UnvendoredAssetError`` naming it, so a folium upgrade cannot quietly bring a CDN back.

Two things have no hook and are refused instead (see ``_NO_HOOK``): branca's ``ColorMap`` (a
choropleth legend) adds d3 from cdnjs inside its ``render()``, and ``st_folium`` hard-codes d3
from cdnjs and d3js.org for any ColorMap in the tree. Draw legends outside the map instead.

``external_urls(html)`` lists what a rendered page would still fetch from a foreign host; tests
and the map builder use it as the final check.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import ClassVar, TypeVar
from urllib.parse import urlsplit

from branca.colormap import ColorMap
from branca.element import CssLink, Element, JavascriptLink, MacroElement
from folium import Map
from jinja2 import Template

from geodata.resources import shipped

VENDOR_DIR = shipped("static", "vendor")
MANIFEST_PATH = VENDOR_DIR / "MANIFEST.json"
# Streamlit serves <folder of the main script>/static/ at /app/static/. Absolute-path URLs work
# from the st_folium iframe too: it is served by the same origin, under /component/....
DEFAULT_BASE_URL = "/app/static/vendor"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})

E = TypeVar("E", bound=Element)


class UnvendoredAssetError(LookupError):
    """A folium element references a foreign URL that static/vendor has no copy of."""

    def __init__(self, url: str, where: str, hint: str | None = None):
        self.url = url
        super().__init__(
            f"{url} (referenced by {where}) has no vendored copy under static/vendor. "
            + (
                hint
                or "Add a rule for it to scripts/vendor_assets.py (or the element's class to its "
                "ELEMENT_CLASSES) and re-run the script, or stop using the element."
            )
        )


# Elements that add foreign links inside render(), where no attribute can redirect them.
# The links are described (branca 0.8 ColorMap.render, streamlit-folium 0.27 st_folium) only to
# name them in the error; spelling out the CDN addresses here would only invite copying them.
_NO_HOOK: dict[type, tuple[list[str], str]] = {
    ColorMap: (
        ["d3 3.5.5 from cdnjs", "d3 v4 from d3js.org"],
        "branca's ColorMap.render() and streamlit_folium.st_folium() add d3 from these hard-coded "
        "CDN URLs with no way to redirect them, and st_folium stops rendering the whole map when "
        "one fails to load. Keep the colormap out of the map (for folium.Choropleth: remove its "
        "color_scale child) and show the legend beside it, e.g. colormap._repr_html_(), which "
        "is plain SVG.",
    ),
}


@functools.lru_cache(maxsize=1)
def vendored_urls() -> dict[str, str]:
    """CDN URL -> path of its local copy relative to static/vendor, from MANIFEST.json."""
    manifest = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
    return {url: rel for rel, entry in manifest["files"].items() for url in entry.get("replaces", [])}


def is_external(url: str) -> bool:
    """True for an http(s)/ws(s) or protocol-relative URL whose host is not this machine."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() in ("http", "https", "ws", "wss") or (not parts.scheme and url.startswith("//")):
        return (parts.hostname or "") not in LOCAL_HOSTS
    return False  # relative and absolute paths, data:, blob:, about: load from here or nowhere


def local_url(url: str, base_url: str = DEFAULT_BASE_URL, where: str = "?") -> str:
    """The URL under ``base_url`` of the vendored copy of ``url``; local URLs pass through unchanged."""
    if not is_external(url):
        return url
    try:
        return f"{base_url.rstrip('/')}/{vendored_urls()[url]}"
    except KeyError:
        raise UnvendoredAssetError(url, where) from None


def _walk(root: Element) -> Iterator[Element]:
    stack, seen = [root], set()
    while stack:
        element = stack.pop()
        if id(element) in seen:
            continue
        seen.add(id(element))
        yield element
        stack.extend(getattr(element, "_children", {}).values())
        # folium.plugins.DualMap keeps its maps as attributes (they are children of the Figure,
        # which the walk from the root reaches anyway; this covers a DualMap not in a Figure).
        stack.extend(
            sub for sub in (getattr(element, "m1", None), getattr(element, "m2", None)) if isinstance(sub, Element)
        )


class _LeafletImagePath(MacroElement):
    """Sets ``L.Icon.Default.imagePath`` to the vendored Leaflet images before any marker exists.

    Leaflet 1.9.3 guesses the path of its default marker images from the computed style of
    ``.leaflet-default-icon-path``; st_folium runs the map script right after appending the
    stylesheets, before they apply, so Leaflet falls back to the leaflet.css link's folder and
    drops a slash: it asks for ``.../distmarker-icon.png`` (a 404; the same guess misses on the
    CDN as well) and a plain ``folium.Marker`` shows a broken image. Every folium Marker starts with the default
    icon, so the bad requests happen even for awesome-markers. Setting the path explicitly, as
    the map's first child, removes the guess.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}L.Icon.Default.imagePath = {{ this.path|tojson }};{% endmacro %}"
    )

    def __init__(self, path: str):
        super().__init__()
        self._name = "LeafletImagePath"
        self.path = path


def _leaflet_images(css_links: list[tuple[str, str]]) -> str | None:
    for _, url in css_links:
        if url.endswith("/leaflet.css") and not is_external(url):
            return url[: -len("leaflet.css")] + "images/"
    return None


def localize(m: E, base_url: str = DEFAULT_BASE_URL) -> E:
    """Point every asset URL of ``m``'s figure at its copy under ``base_url``; return ``m``.

    Walks the whole figure ``m`` belongs to (the map, all layers/controls/plugins, the header's
    already-rendered ``<script>``/``<link>`` elements) and replaces each element's
    ``default_js`` / ``default_css`` with an instance-level rewritten list; each Map also gets
    ``L.Icon.Default.imagePath`` set to the vendored images (see ``_LeafletImagePath``).
    Idempotent; call it after the last element is added (elements added later keep their CDN URLs).

    Raises ``UnvendoredAssetError`` (naming the URL) if any element references a foreign URL
    that static/vendor lacks, or holds an element that adds CDN links at render time (ColorMap).
    """
    for element in _walk(m.get_root()):
        where = f"{type(element).__module__}.{type(element).__qualname__}"
        for cls, (urls, hint) in _NO_HOOK.items():
            if isinstance(element, cls):
                raise UnvendoredAssetError(urls[0] if len(urls) == 1 else " and ".join(urls), where, hint)
        for attr in ("default_js", "default_css"):
            links = getattr(element, attr, None)
            if links:
                # A new list on the instance: folium's add_js_link/add_css_link mutate the list
                # in place, which without this would be the class attribute shared by every map.
                setattr(element, attr, [(name, local_url(url, base_url, where)) for name, url in links])
        if isinstance(element, (JavascriptLink, CssLink)):
            element.url = local_url(element.url, base_url, where)
        if isinstance(element, Map) and (images := _leaflet_images(element.default_css)):
            element.add_child(_LeafletImagePath(images), name="localize_leaflet_image_path", index=0)
    return m


_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]+))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""", re.I)


def _css_urls(css: str) -> list[str]:
    return [next(g for g in groups if g) for groups in _CSS_URL.findall(css)]


class _ResourceCollector(HTMLParser):
    """Collects every URL an HTML page loads by itself: scripts, stylesheets/links, media, CSS url()."""

    _ATTRS: ClassVar[dict[str, tuple[str, ...]]] = {
        "script": ("src",),
        "link": ("href",),
        "img": ("src",),
        "source": ("src",),
        "iframe": ("src",),
        "embed": ("src",),
        "object": ("data",),
        "audio": ("src",),
        "video": ("src", "poster"),
        "input": ("src",),
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.urls += [v for a in self._ATTRS.get(tag, ()) if (v := values.get(a))]
        if style := values.get("style"):
            self.urls += _css_urls(style)
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls += _css_urls(data)


def external_urls(html: str) -> list[str]:
    """Foreign URLs (not localhost/127.0.0.1/::1, not relative) that ``html`` would load, in order.

    Covers <script src>, <link href> (stylesheets, preloads, icons), media and frame sources and
    CSS url()/@import in <style> blocks and style attributes. URLs built inside JavaScript (a tile
    layer's template, for instance) are not page resources in this sense and are not reported.
    """
    collector = _ResourceCollector()
    collector.feed(html)
    collector.close()
    return list(dict.fromkeys(u.strip() for u in collector.urls if is_external(u)))
