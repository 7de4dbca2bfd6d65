"""Map building without a browser: assert on the data behind the map and on the rendered HTML."""

import gzip
import hashlib
import io
import json
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

from app.core import mapdata
from app.core.palettes import FILTERED_COLOUR, NO_DATA_COLOUR, PALETTES
from app.core.viewstate import ViewState
from app.webmap import choropleth, pagemap
from app.webmap.assets import external_urls
from geodata import load_boundaries
from layers import default_registry
from tests.support import topology as topology_support

ROOT = Path(__file__).resolve().parents[1]

REG = default_registry()


def _data(view: ViewState, layer=None):
    return mapdata.map_data(layer or mapdata.effective_layer(REG, view), view)


def _render(view: ViewState, layer=None) -> tuple[mapdata.MapData, str]:
    data = _data(view, layer)
    shapes = load_boundaries(view.level, detail=mapdata.boundary_detail(view), datum=mapdata.datum_for(view))
    return data, choropleth.build_map(shapes, data).get_root().render()


def _features(html: str) -> list[dict]:
    """The GeoJSON embedded by folium in the page."""
    m = re.search(r"\.addData\((\{\"type\": \"FeatureCollection\".*?\})\);\n", html, re.S) or re.search(
        r"(\{\"features\": \[.*?\], \"type\": \"FeatureCollection\"\})", html, re.S
    )
    assert m, "no FeatureCollection in the rendered map"
    return json.loads(m.group(1))["features"]


def test_county_map_has_183_features_coloured_by_class():
    view = ViewState(layer="pop_total", level="county", palette="Blues", k=5)
    data, html = _render(view)
    features = _features(html)
    assert len(features) == 183
    blues = PALETTES["Blues"].colours(5)
    fills = {f["properties"]["adcode"]: f["properties"]["style"]["fillColor"] for f in features}
    assert set(fills.values()) == set(blues)
    # the most populous county gets the darkest class
    top = data.table.sort_values("value").iloc[-1]["adcode"]
    assert fills[top] == blues[-1]


def test_prefecture_area_filter_shows_its_counties_and_zooms():
    view = ViewState(layer="pop_total", level="county", area="513400")
    data, html = _render(view)
    assert len(_features(html)) == 17  # 凉山州 has 17 counties
    assert set(data.table["parent_adcode"]) == {"513400"}
    assert mapdata.boundary_detail(view) == "web"


def test_economic_region_filter():
    data = _data(ViewState(layer="pop_total", level="prefecture", area="region:northwest"))
    assert set(data.table["adcode"]) == {"513200", "513300"}


def test_group_filters_use_the_context_lists():
    poverty = _data(ViewState(layer="pop_total", level="county", area="group:poverty"))
    assert len(poverty.table) == 66
    assert "513201" in set(poverty.table["adcode"]) and "510104" not in set(poverty.table["adcode"])
    ethnic = _data(ViewState(layer="pop_total", level="prefecture", area="group:ethnic"))
    assert set(ethnic.table["adcode"]) == {"513200", "513300", "513400"}
    ethnic_counties = _data(ViewState(layer="pop_total", level="county", area="group:ethnic"))
    codes = set(ethnic_counties.table["adcode"])
    assert {"510726", "511132", "511133", "513402"} <= codes  # 北川, 峨边, 马边, 会理 (in 凉山州)
    assert len(codes) == 48 + 3  # 13 + 18 + 17 counties of the three 州, plus three 自治县


def test_value_filter_greys_out_regions_outside_the_range():
    view = ViewState(layer="pop_total", level="prefecture", vmin=3_000_000)
    data, html = _render(view)
    filtered = data.table[data.table["status"] == "filtered"]
    assert len(filtered) > 0 and (filtered["value"] < 3_000_000).all()
    fills = {f["properties"]["adcode"]: f["properties"]["style"]["fillColor"] for f in _features(html)}
    assert all(fills[c] == FILTERED_COLOUR for c in filtered["adcode"])
    assert any(label.startswith("不在所选范围") for _, label, _ in mapdata.legend_entries(data))


def test_missing_values_are_drawn_as_no_data_and_listed_in_the_legend():
    base = REG.get("pop_total")
    sparse = replace(base, spec=_Drop(base.spec, "510100"))  # the data lacks 成都市
    data, html = _render(ViewState(layer="pop_total", level="prefecture"), sparse)
    row = data.table.set_index("adcode").loc["510100"]
    assert pd.isna(row["value"]) and row["status"] == "no_data" and row["colour"] == NO_DATA_COLOUR
    feature = next(f for f in _features(html) if f["properties"]["adcode"] == "510100")
    assert feature["properties"]["style"]["fillColor"] == NO_DATA_COLOUR
    assert "无数据" in feature["properties"]["tip"] and ">0<" not in feature["properties"]["tip"]
    assert any("无数据" in label and style == "hatch" for _, label, style in mapdata.legend_entries(data))


class _Drop:
    def __init__(self, spec, code):
        self.spec, self.code = spec, code

    def values(self, layer, level):
        return self.spec.values(layer, level).drop(self.code)

    def unmapped(self, layer, level):
        return self.spec.unmapped(layer, level)


def test_tooltip_has_name_value_unit_rank_year_source_and_escapes_names():
    view = ViewState(layer="pop_60plus", level="prefecture")
    data = _data(view)
    row = data.table.iloc[0].to_dict()
    row["name"] = row["label"] = "<img src=x onerror=alert(1)>成都市"
    tip = choropleth.tooltip_html(row, data)
    assert "<img" not in tip and "&lt;img src=x onerror=alert(1)&gt;成都市" in tip
    assert "人" in tip and "排名" in tip and "/ 21" in tip and "2020" in tip and "来源" in tip


def test_legend_shows_breaks_unit_year_source_and_escapes():
    view = ViewState(layer="pop_60plus_share", level="county", scheme="equal_interval", k=4)
    data = _data(view)
    html = choropleth.legend_html(data)
    assert html.count("atlas-swatch") == 4
    assert "%" in html and "2020" in html and "第七次全国人口普查分县资料" in html
    lo, hi = data.table["value"].min(), data.table["value"].max()
    assert f"{lo:,.2f}" in html and f"{hi:,.2f}" in html  # a share: to 0.01, as in the table
    evil = replace(data.layer, title_zh="<script>x</script>")
    assert "<script>x" not in choropleth.legend_html(replace(data, layer=evil))


def test_categorical_layer_gets_one_colour_per_category():
    data, html = _render(ViewState(layer="economic_region", level="prefecture"))
    assert len(data.categories) == 5
    fills = {f["properties"]["style"]["fillColor"] for f in _features(html)}
    assert fills == {c for _, c in data.categories}


def test_selected_region_is_outlined():
    _, html = _render(ViewState(layer="pop_total", level="prefecture", selected="510100"))
    styles = {f["properties"]["adcode"]: f["properties"]["style"] for f in _features(html)}
    assert styles["510100"]["weight"] > styles["510300"]["weight"]


@pytest.mark.parametrize("basemap,datum", [("amap", "gcj02"), ("cartodb_positron", "wgs84"), ("none", "wgs84")])
def test_basemap_decides_the_datum_and_tiles(basemap, datum):
    view = ViewState(layer="pop_total", level="prefecture", basemap=basemap)
    assert mapdata.datum_for(view) == datum
    _, html = _render(view)
    if basemap == "amap":
        assert "autonavi.com" in html
    if basemap == "none":
        assert "tileLayer(" not in html.replace("L.tileLayer.wms", "")


def test_rendered_map_names_no_foreign_asset():
    _, html = _render(ViewState())
    tiles = {"a.basemaps.cartocdn.com", "basemaps.cartocdn.com", "autonavi.com"}
    foreign = [u for u in external_urls(html) if not any(h in u for h in tiles)]
    assert foreign == []


def test_only_the_page_map_loads_the_vendored_topojson_client():
    """The page map decodes its TopoJSON with topojson-client from static/vendor; the standalone map of the
    exports carries its GeoJSON inline and loads no decoder."""
    page = pagemap.page_map("amap").get_root().render()
    assert '<script src="/app/static/vendor/topojson-client-3.1.0/dist/topojson-client.min.js"></script>' in page
    assert "atlasPageMap.addPane(0, " in page and external_urls(page) == []
    _, export = _render(ViewState())
    assert "topojson" not in export


def test_the_page_map_requests_its_geometry_before_leaflet_loads():
    """streamlit-folium loads a map's scripts in order and runs the map after the last: the prefetch script comes
    first, names this view's geometry file and preloads the scripts that draw it; page-map.js takes its result."""
    m = pagemap.with_prefetch(pagemap.page_map("amap"), "/app/static/geo/county-x.json")
    first, second = (url for _, url in m.default_js)
    prefetch = urlsplit(first)
    assert (ROOT / prefetch.path.removeprefix("/app/")).is_file()
    query = parse_qs(prefetch.query)
    assert query["geometry"] == ["/app/static/geo/county-x.json"]
    assert query["preload"][0] == "/app/static/vendor/topojson-client-3.1.0/dist/topojson-client.min.js"
    page_map_js = urlsplit(query["preload"][1])
    assert page_map_js.path == "/app/static/atlas/page-map.js" and (ROOT / "static/atlas/page-map.js").is_file()
    digest = hashlib.sha256((ROOT / "static/atlas/page-map.js").read_bytes()).hexdigest()[:12]
    assert parse_qs(page_map_js.query) == {"v": [digest]}  # a new version of the script gets a new address
    assert second.endswith("/leaflet.js")
    page = m.get_root().render()
    assert "window.atlasRegions" in (ROOT / "static/atlas/regions-prefetch.js").read_text(encoding="utf-8")
    assert page.index("/regions-prefetch.js?") < page.index(second) < page.index("/atlas/page-map.js?")


@pytest.mark.parametrize("panes", [1, 2])
def test_the_page_map_frame_depends_on_the_basemap_alone(panes):
    """Every view on one basemap shares the frame's script (so the browser keeps its iframe): it names no
    geometry file, no bounds, no layer; two panes are two maps synced by the vendored Leaflet.Sync."""
    m = pagemap.page_map("none", panes)
    script = m.get_root().render()
    assert "/app/static/geo/" not in script and "fitBounds" not in script and "tileLayer(" not in script
    assert script.count("atlasPageMap.addPane(") == panes
    if panes == 2:
        assert ".sync(" in script and "/app/static/vendor/leaflet.sync-0.2.4/" in script
    other = pagemap.page_map("cartodb_positron", panes).get_root().render()
    assert "cartocdn" in other and "cartocdn" not in script


def test_shown_table_is_exactly_the_shown_regions():
    view = ViewState(layer="pop_total", level="county", area="510100", vmax=1_000_000)
    data = _data(view)
    table = mapdata.shown_table(data)
    assert len(table) == len(data.table) == 20  # 成都市 has 20 county-level divisions
    assert dict(mapdata.table_notes(data))["来源"] == "国家统计局 第七次全国人口普查分县资料（2020）"
    assert "来源" not in table.columns
    assert table.iloc[:, 2].tolist() == data.table["value"].round().astype(int).tolist()


def test_format_value_never_turns_missing_into_zero():
    layer = REG.get("pop_total")
    assert mapdata.format_value(float("nan"), layer) == "无数据"
    assert mapdata.format_value(None, layer, "en") == "No data"
    assert mapdata.format_value(0.0, layer) == "0 人"
    assert mapdata.format_value(12.345, REG.get("pop_60plus_share")) == "12.35%"  # shares to 0.01, as in the table


def test_literal_template_shortcut_renders_the_same_page():
    import branca.element

    from app.webmap import templating

    view = ViewState(layer="pop_total", level="county")
    _, fast = _render(view)
    templating.uninstall()
    try:
        assert branca.element.Template is templating._JINJA
        _, slow = _render(view)
    finally:
        templating.install()
    ids = re.compile(r"_[0-9a-f]{32}")
    assert ids.sub("_X", fast) == ids.sub("_X", slow)
    assert len(fast) > 100_000


def _source_rings(geometry) -> list[list[list[tuple[float, float]]]]:
    parts = getattr(geometry, "geoms", [geometry])
    return [[list(part.exterior.coords), *(list(r.coords) for r in part.interiors)] for part in parts]


@pytest.mark.parametrize("level", ["county", "prefecture"])
def test_regions_file_decodes_to_every_ring_of_the_shown_regions(level):
    """The page's geometry file (TopoJSON), decoded by a reference decoder written from the specification:
    every shown region once, in order, with its adcode, and every ring of its source polygons back to
    within the quantisation step (the file is on the grid the coordinates are rounded to: half a step)."""
    frame = ViewState(level=level)
    shapes = load_boundaries(level, detail=mapdata.boundary_detail(frame), datum=mapdata.datum_for(frame))
    codes = mapdata.shown_codes(frame)
    topology = json.loads(choropleth.regions_file(shapes, codes))
    assert topology["type"] == "Topology" and topology["transform"]["scale"] == [0.001, 0.001]
    decoded = topology_support.features(topology, "regions")
    assert [props["adcode"] for props, _ in decoded] == list(shapes["adcode"]) and len(set(codes)) == len(decoded)
    for (props, polygons), geometry in zip(decoded, shapes.geometry, strict=True):
        expected = _source_rings(geometry)
        assert [len(p) for p in polygons] == [len(p) for p in expected], props
        for got_rings, expected_rings in zip(polygons, expected, strict=True):
            for got, ring in zip(got_rings, expected_rings, strict=True):
                assert topology_support.same_ring(got, ring, 0.0005 + 1e-9), props["adcode"]


def test_regions_file_of_an_area_holds_only_its_regions():
    frame = mapdata.frame_key(ViewState(area="513400"))  # 凉山: a prefecture view, drawn in web detail
    shapes = load_boundaries("county", detail=mapdata.boundary_detail(frame), datum=mapdata.datum_for(frame))
    codes = mapdata.shown_codes(frame)
    decoded = topology_support.features(json.loads(choropleth.regions_file(shapes, codes)), "regions")
    assert [props["adcode"] for props, _ in decoded] == [c for c in shapes["adcode"] if c in set(codes)]
    assert len(decoded) == 17


def test_regions_file_sends_every_shared_border_once():
    """Counties share their borders: the topology sends far fewer coordinates than the rings hold, each
    inner border is referred to from both sides, and the county overview stays small after gzip
    (tornado's level 6, as served; it was 52 KB as rings sent one by one)."""
    frame = ViewState()
    shapes = load_boundaries("county", detail=mapdata.boundary_detail(frame), datum=mapdata.datum_for(frame))
    body = choropleth.regions_file(shapes, mapdata.shown_codes(frame))
    topology = json.loads(body)
    per_ring = sum(len(ring) for g in shapes.geometry for rings in _source_rings(g) for ring in rings)
    sent = sum(len(arc) for arc in topology["arcs"])
    assert sent < 0.65 * per_ring, (sent, per_ring)
    refs = [
        ref
        for g in topology["objects"]["regions"]["geometries"]
        for polygon in g["arcs"]
        for ring in polygon
        for ref in ring
    ]
    # A border is one arc used by the two regions it parts (a few rings collapse to one point when rounded
    # to the grid: their zero-length arcs are left out of the count).
    used = Counter(
        r if r >= 0 else ~r for r in refs if any(dx or dy for dx, dy in topology["arcs"][~r if r < 0 else r][1:])
    )
    assert max(used.values()) == 2 and sum(n == 2 for n in used.values()) > len(used) / 2
    assert {r for r in refs if r < 0}, "a shared border is walked backwards from one side"
    assert len(gzip.compress(body, 6)) < 45_000


def test_ranks_are_those_of_the_shown_values_and_ties_share_the_better_rank():
    # pop_60plus_share is shown to 0.01: 新都区 and 宁南县 both show 14.96 (ranks 140 and 141 when ranked on
    # unrounded values), 锦江区 and 小金县 both 17.95 (125 and 126). Now each pair shares the better rank.
    data = _data(ViewState(layer="pop_60plus_share", level="county"))
    table = mapdata.shown_table(data).set_index("区划代码")
    value, rank = "60岁及以上人口占比 (%)", "排名"
    assert table.loc[["510114", "513427"], value].tolist() == [14.96, 14.96]
    assert table.loc[["510114", "513427"], rank].tolist() == [140, 140]
    assert table.loc[["510104", "513227"], rank].tolist() == [125, 125]
    assert 141 not in set(table[rank]) and 126 not in set(table[rank])
    # The tooltip and the CSV give the table's ranks.
    rows = data.table.set_index("adcode")
    for code in ("510114", "513427"):
        assert "排名: 140 / 183" in choropleth.tooltip_html(rows.loc[code].to_dict() | {"adcode": code}, data)
    text = mapdata.table_csv(data).decode("utf-8-sig").split("\r\n\r\n", 1)[0]
    back = pd.read_csv(io.StringIO(text), dtype={"区划代码": str}).set_index("区划代码")
    assert back[rank].astype("Int64").equals(table[rank].astype("Int64"))


@pytest.mark.parametrize("level", ["prefecture", "county"])
def test_every_layer_ranks_equal_shown_values_alike(level):
    # Rank = 1 + the number of regions whose shown value is larger, for every numeric layer of the level.
    for layer in REG.list_layers(level=level):
        if layer.is_categorical:
            continue
        table = mapdata.shown_table(_data(ViewState(layer=layer.id, level=level), layer))
        table = table[table["区划代码"].str.len() == 6].dropna(subset=["排名"])
        shown = table.iloc[:, 2].astype(float)
        expected = [1 + int((shown > v).sum()) for v in shown]
        assert table["排名"].astype(int).tolist() == expected, layer.id


def test_categories_read_in_the_page_language():
    view = ViewState(lang="en", layer="economic_region", level="prefecture")
    data = mapdata.map_data(mapdata.effective_layer(REG, view), view)
    labels = [label for _, label, _ in mapdata.legend_entries(data)]
    assert "Chengdu Plain Economic Region" in labels and not any(re.search(r"[\u4e00-\u9fff]", x) for x in labels)
    shown = mapdata.shown_table(data).set_index("Code")
    assert shown.loc["510100", mapdata.value_column(data)] == "Chengdu Plain Economic Region"
    assert mapdata.format_value("2019年摘帽", REG.get("poverty_exit_year"), "en") == "Exited poverty in 2019"
    assert mapdata.format_value("2019年摘帽", REG.get("poverty_exit_year"), "zh") == "2019年摘帽"


def test_the_profile_beside_the_map_ranks_each_layer_of_the_theme_among_the_shown_regions():
    view = ViewState(layer="pop_60plus_share", level="county", area="513400")  # Liangshan's 17 counties
    profile = {f.layer.id: f for f in mapdata.theme_profile(REG, view, "513401")}
    assert "pop_60plus_share" not in profile and "pop_total" in profile
    xichang = profile["pop_total"]
    assert xichang.ranked == 17 and xichang.rank == 1  # Xichang is Liangshan's most populous county
    assert xichang.text("zh") == "955,041 人"


def test_a_class_of_one_value_is_labelled_by_that_value():
    # The plan's shortfall map puts "norm met" (0) in a class of its own: its legend reads "0 (n)", not "0 – 0 (n)".
    values = _data(ViewState(layer="pop_total", level="prefecture")).table["value"]
    lowest = float(values.min())
    data = _data(
        ViewState(layer="pop_total", level="prefecture", scheme="manual", breaks=(lowest, float(values.median())))
    )
    first, second = [label for _, label, _ in mapdata.legend_entries(data)][:2]
    assert first == f"{mapdata.fmt_bound(lowest, data.layer)} ({int((values == lowest).sum())})"
    assert " – " in second
