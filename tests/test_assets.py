"""app.assets and static/vendor without a browser: localized folium output names no foreign host,
every file it names is vendored with the manifest's checksum, and anything unvendored fails loudly."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import posixpath
import re
import sys
from pathlib import Path

import folium
import folium.plugins
import pytest
from branca.colormap import LinearColormap

from app.webmap.assets import DEFAULT_BASE_URL, MANIFEST_PATH, VENDOR_DIR, UnvendoredAssetError, external_urls, localize

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
SQUARE = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "square"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[103.5, 30.2], [104.7, 30.2], [104.7, 31.0], [103.5, 31.0], [103.5, 30.2]]],
            },
        }
    ],
}


def _vendor_script():
    if "vendor_assets" not in sys.modules:  # registered before running: its dataclasses look it up
        spec = importlib.util.spec_from_file_location("vendor_assets", ROOT / "scripts" / "vendor_assets.py")
        sys.modules[spec.name] = module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return sys.modules["vendor_assets"]


def _map() -> folium.Map:
    """A map using what the atlas uses: a GeoJSON layer, an awesome-marker, a plain marker, a popup."""
    m = folium.Map(location=[30.6, 104.1], zoom_start=8, tiles=None)
    folium.GeoJson(SQUARE, tooltip=folium.GeoJsonTooltip(["name"])).add_to(m)
    folium.Marker([30.66, 104.07], icon=folium.Icon(icon="info-sign"), popup="成都").add_to(m)
    folium.Marker([30.45, 103.8]).add_to(m)
    return m


def _local_files(html: str) -> list[str]:
    """Paths under static/vendor of the scripts/stylesheets the page links to."""
    prefix = DEFAULT_BASE_URL + "/"
    urls = re.findall(r'<(?:script src|link rel="stylesheet" href)="([^"]+)"', html)
    assert urls and all(u.startswith(prefix) for u in urls), urls
    return [u[len(prefix) :] for u in urls]


def test_localize_leaves_no_external_url_in_rendered_html():
    m = _map()
    before = external_urls(m.get_root().render())
    # The fixture really does depend on the CDNs (else this test would prove nothing):
    cdn_urls = [url for _, url in [*folium.Map.default_js, *folium.Map.default_css]]
    assert set(cdn_urls) <= set(before)

    html = localize(m).get_root().render()
    assert external_urls(html) == []
    assert len(_local_files(html)) == len(cdn_urls)


def test_every_referenced_file_is_vendored_with_the_manifest_checksum():
    html = localize(_map()).get_root().render()
    files = MANIFEST["files"]
    todo, checked = _local_files(html), set()
    # Leaflet's default marker images, now named by L.Icon.Default.imagePath:
    image_dir = re.search(r'L\.Icon\.Default\.imagePath = "([^"]+)"', html).group(1)
    assert image_dir.startswith(DEFAULT_BASE_URL + "/")
    todo += [
        image_dir[len(DEFAULT_BASE_URL) + 1 :] + name
        for name in ("marker-icon.png", "marker-icon-2x.png", "marker-shadow.png")
    ]
    vendor = _vendor_script()
    while todo:  # the linked files, then every image/font their stylesheets load, transitively
        rel = todo.pop()
        if rel in checked:
            continue
        checked.add(rel)
        path = VENDOR_DIR / rel
        assert path.is_file(), f"{rel} is referenced but not vendored"
        assert rel in files, f"{rel} is not in MANIFEST.json"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == files[rel]["sha256"], rel
        if rel.endswith(".css"):
            for ref in vendor.css_references(path.read_text(encoding="utf-8")):
                todo.append(posixpath.normpath(posixpath.join(posixpath.dirname(rel), ref)))
    assert any(r.endswith(".woff2") for r in checked) and any(r.endswith(".png") for r in checked)


def test_vendored_tree_matches_manifest_and_folium():
    # Offline half of scripts/vendor_assets.py: every file present with its sha256, nothing
    # unlisted, and every URL the installed folium's Map declares replaced by some file.
    assert _vendor_script().check() == []
    for key, package in MANIFEST["packages"].items():
        assert package["licence"] and package["licence"] != "UNKNOWN", key
        assert package["tarball"] and package["integrity"], key
        assert package["licence_files"], key
        for licence in package["licence_files"]:
            assert (VENDOR_DIR / licence).is_file(), licence
    replaced = {u for f in MANIFEST["files"].values() for u in f.get("replaces", [])}
    assert {url for _, url in [*folium.Map.default_js, *folium.Map.default_css]} <= replaced


def test_url_without_vendored_copy_raises_naming_it():
    m = folium.Map(tiles=None)
    url = "https://cdn.jsdelivr.net/npm/leaflet@9.9.9/dist/leaflet.js"
    m.default_js = [*m.default_js, ("leaflet_next", url)]
    with pytest.raises(UnvendoredAssetError, match=re.escape(url)) as excinfo:
        localize(m)
    assert excinfo.value.url == url


def test_folium_upgrade_bringing_a_new_cdn_url_fails_loudly(monkeypatch):
    # As if a new folium pinned another Leaflet: the class-level list folium.Map reads changes.
    new = [(name, url.replace("leaflet@1.9.3", "leaflet@1.9.4")) for name, url in folium.Map.default_css]
    monkeypatch.setattr(folium.Map, "default_css", new)
    with pytest.raises(UnvendoredAssetError, match=re.escape("leaflet@1.9.4/dist/leaflet.css")):
        localize(folium.Map(tiles=None))


def test_unvendored_plugin_fails_loudly():
    m = folium.Map(tiles=None)
    folium.plugins.Fullscreen().add_to(m)  # not vendored (yet): its own jsDelivr files
    plugin_url = folium.plugins.Fullscreen.default_js[0][1]
    with pytest.raises(UnvendoredAssetError, match=re.escape(plugin_url)):
        localize(m)


def test_colormap_is_refused_because_d3_cannot_be_redirected():
    m = folium.Map(tiles=None)
    LinearColormap(["#fee5d9", "#a50f15"], vmin=0, vmax=1).add_to(m)
    with pytest.raises(UnvendoredAssetError, match="d3"):
        localize(m)


def test_localize_is_per_instance_and_idempotent():
    class_js, class_css = list(folium.Map.default_js), list(folium.Map.default_css)
    m = localize(_map())
    once = (list(m.default_js), list(m.default_css), list(m._children))
    localize(m)
    assert (m.default_js, m.default_css, list(m._children)) == once
    # (folium's own render() is not idempotent, so the HTML is checked after a single render)
    assert m.get_root().render().count("L.Icon.Default.imagePath") == 1
    # folium's class lists are untouched, so a map nobody localized still names the CDNs:
    assert folium.Map.default_js == class_js and folium.Map.default_css == class_css
    assert external_urls(folium.Map(tiles=None).get_root().render())


def test_base_url_is_configurable():
    html = localize(_map(), base_url="/atlas/app/static/vendor/").get_root().render()
    assert '<script src="/atlas/app/static/vendor/leaflet-1.9.3/dist/leaflet.js"></script>' in html
    assert "vendor//" not in html


def test_st_folium_gets_only_local_links(monkeypatch):
    """What streamlit-folium hands its iframe: js_links/css_links come from the elements' default_js/css."""
    import streamlit_folium

    sent = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kwargs: sent.update(kwargs))
    streamlit_folium.st_folium(localize(_map()), returned_objects=[])
    links = [*sent["js_links"], *sent["css_links"]]
    assert links and all(link.startswith(DEFAULT_BASE_URL + "/") for link in links), links
    assert external_urls(sent["header"]) == []
    # The image path is set in the map script before the first marker is created:
    script = sent["script"]
    assert script.index("L.Icon.Default.imagePath") < script.index("L.marker(")


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<script src="https://cdn.example.org/a.js"></script>', ["https://cdn.example.org/a.js"]),
        ('<link rel="stylesheet" href="//cdn.example.org/a.css"/>', ["//cdn.example.org/a.css"]),
        (
            '<link rel="preload" as="font" href="HTTPS://Fonts.Example.org/f.woff2">',
            ["HTTPS://Fonts.Example.org/f.woff2"],
        ),
        ("<style>@import 'https://fonts.example.org/css';</style>", ["https://fonts.example.org/css"]),
        (
            "<style>@font-face{src:url(https://fonts.example.org/f.woff2) format('woff2')}</style>",
            ["https://fonts.example.org/f.woff2"],
        ),
        ("<div style=\"background:url('http://img.example.org/x.png')\"></div>", ["http://img.example.org/x.png"]),
        (
            '<img src="https://img.example.org/x.png"><img src="https://img.example.org/x.png">',
            ["https://img.example.org/x.png"],
        ),
        (
            '<script src="/app/static/vendor/a.js"></script><link href="static/a.css">'
            '<script src="http://localhost:8501/a.js"></script><script src="http://127.0.0.1/b.js"></script>'
            "<style>.x{background:url(data:image/png;base64,AAAA)}</style>",
            [],
        ),
        ('<a href="https://leafletjs.com">Leaflet</a><script>L.tileLayer("https://t.example.org/{z}")</script>', []),
    ],
)
def test_external_urls_finds_foreign_resources_only(html, expected):
    assert external_urls(html) == expected
