"""Print maps: paper and dpi → pixel size, the screen's colours, the filtered regions, fonts in PDF/SVG."""

from __future__ import annotations

import datetime as dt
import io
import warnings
import xml.etree.ElementTree as ET

import numpy as np
import pypdf
import pytest
import shapely

from app.core import mapdata
from app.core.mapdata import legend_entries
from app.core.palettes import FILTERED_COLOUR, NO_DATA_COLOUR
from app.core.viewstate import ViewState
from app.export import printmap
from app.export.printmap import PrintOptionError, PrintOptions
from app.webmap import choropleth
from tests.support.exports import boundaries, data_for, furniture, hex_rgb, pixels_of, rgb

# Any missing glyph (a box instead of a character) fails the test that rendered it.
pytestmark = pytest.mark.filterwarnings("error")

LOW_DPI = 60  # most tests render small; one renders at print resolution


def render(view: ViewState, fmt: str = "png", **options) -> bytes:
    options.setdefault("dpi", LOW_DPI)
    return printmap.render(boundaries(view.level), data_for(view), PrintOptions(**options), fmt)


@pytest.mark.parametrize(
    ("paper", "dpi", "size"),
    [
        # ISO 216: A4 297 × 210 mm, A3 420 × 297 mm; pixels = mm / 25.4 × dpi, rounded.
        ("a4-landscape", 60, (702, 496)),
        ("a3-portrait", 60, (702, 992)),
        ("a4-portrait", 50, (413, 585)),
    ],
)
def test_png_has_the_pixel_size_of_paper_and_dpi(paper, dpi, size):
    image = rgb(render(ViewState(level="prefecture"), paper=paper, dpi=dpi))
    assert (image.shape[1], image.shape[0]) == size


def test_print_resolution_a4_png_is_3508_by_2480_and_carries_every_legend_colour():
    view = ViewState()  # the default county view
    data = data_for(view)
    image = rgb(render(view, dpi=300))
    assert (image.shape[1], image.shape[0]) == (3508, 2480)  # A4 at 300 dpi, as every print shop quotes it
    for colour, label, _ in legend_entries(data):
        assert pixels_of(image, colour) > 500, (colour, label)


def test_png_is_not_blank_and_uses_the_screen_legend_colours_with_no_data_swatch():
    view = ViewState(layer="poverty_exit_year", level="county")
    data = data_for(view)
    entries = legend_entries(data)
    assert any(colour == NO_DATA_COLOUR for colour, _, _ in entries)  # the view has regions without a figure
    image = rgb(render(view))
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 20
    for colour, label, _ in entries:
        assert pixels_of(image, colour) > 50, (colour, label)


def _colours_near(fig, image: np.ndarray, x: float, y: float) -> set[tuple[int, int, int]]:
    """Exact colours in the 5 × 5 pixels around a map point (a point may sit next to a border at low dpi)."""
    px, py = fig.axes[0].transData.transform((x, y))
    row, col = image.shape[0] - 1 - int(py), int(px)
    return {tuple(int(v) for v in p) for p in image[row - 2 : row + 3, col - 2 : col + 3].reshape(-1, 3)}


def test_value_filtered_export_greys_the_same_regions_as_the_screen():
    view = ViewState(level="county", vmin=3000, vmax=8000)
    data = data_for(view)
    status = data.table.set_index("adcode")["status"]
    values = data.table.set_index("adcode")["value"]
    filtered = set(status[status == "filtered"].index)
    # The screen's rule, stated independently: outside [3000, 8000] is greyed.
    assert filtered == set(values[(values < 3000) | (values > 8000)].index)
    assert filtered and len(filtered) < len(status)

    options = PrintOptions(dpi=LOW_DPI, labels=False)
    png = printmap.render(boundaries("county"), data, options, "png")
    image = rgb(png)
    fig = printmap.figure(boundaries("county"), data, options)
    shapes = boundaries("county").to_crs(printmap.ALBERS_CGCS2000)
    shapes = shapes.assign(area=shapes.area).sort_values("area", ascending=False).head(90)  # big enough to hit
    # What the screen draws for the same view: the page's style table (app.webmap.choropleth.view_pane).
    screen = {code: style["fillColor"] for code, style in choropleth.view_pane(data)["styles"].items()}
    assert {code for code, fill in screen.items() if fill == FILTERED_COLOUR} == filtered
    checked_filtered = 0
    for code, point in zip(shapes["adcode"], shapes.representative_point(), strict=True):
        assert hex_rgb(screen[code]) in _colours_near(fig, image, point.x, point.y), code
        checked_filtered += code in filtered
    assert checked_filtered >= 10
    assert pixels_of(image, FILTERED_COLOUR) > 1000


def test_pdf_embeds_the_bundled_cjk_font_and_carries_title_legend_sources_and_note():
    view = ViewState(level="prefecture")
    data = data_for(view)
    pdf = render(view, "pdf", title="四川省·测试标题", subtitle="副标题 Subtitle", date=dt.date(2026, 11, 29))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    fonts = [f.get_object() for f in page["/Resources"]["/Font"].values()]
    assert fonts and all("NotoSansSC" in str(f["/BaseFont"]) for f in fonts)
    assert {str(f["/Subtype"]) for f in fonts} == {"/Type3"}  # glyphs embedded in the file
    text = page.extract_text()
    for needle in (
        "四川省·测试标题",
        "副标题 Subtitle",
        "内部工作用图，不作为国界、行政区域界线依据",
        "2026-11-29",
        "北",
        "km",
    ):
        assert needle in text
    for _, label, _ in legend_entries(data):
        assert label in text
    # the sources in plain words: publisher, table, year (no repositories or commits)
    assert "国家统计局 第七次全国人口普查分县资料（2020）" in text and "commit" not in text
    assert reader.metadata.title == "四川省·测试标题"


def test_map_use_note_and_english_text_are_editable():
    pdf = render(ViewState(level="prefecture", lang="en"), "pdf", note="审图号：待定 / review pending")
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "审图号：待定 / review pending" in text
    assert "内部工作用图" not in text
    assert "Exported" in text and "Source" in text


def test_svg_draws_glyphs_as_outlines_of_the_bundled_font():
    svg = render(ViewState(level="prefecture"), "svg", title="四川图集 SVG")
    root = ET.fromstring(svg)
    ns = {"svg": "http://www.w3.org/2000/svg", "dc": "http://purl.org/dc/elements/1.1/"}
    assert root.findall(".//svg:text", ns) == []  # no text that would need the font on the viewer's side
    glyphs = [p.get("id") for p in root.iter("{http://www.w3.org/2000/svg}path") if p.get("id")]
    assert sum(g.startswith("NotoSansSC-Regular-") for g in glyphs) > 30
    assert "四川图集 SVG" in [e.text for e in root.iterfind(".//dc:title", ns)]


def test_a_missing_glyph_would_fail_these_tests():
    """The warning the pytestmark turns into a failure really is raised for a character the font lacks."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        render(ViewState(level="prefecture"), title="\U0001f5fa\U0001faa8")  # map and rock emoji: not in Noto Sans SC
    assert any("missing from font" in str(w.message) for w in caught)


def test_labels_do_not_overlap_and_county_labels_appear_for_a_chosen_prefecture():
    for view, minimum in ((ViewState(level="prefecture"), 15), (ViewState(level="county", area="513400"), 10)):
        fig = printmap.figure(boundaries(view.level), data_for(view), PrintOptions(dpi=LOW_DPI))
        renderer = fig.canvas.get_renderer()
        boxes = [t.get_window_extent(renderer) for t in fig.axes[0].texts]
        assert len(boxes) >= minimum
        for i, a in enumerate(boxes):
            assert not any(a.overlaps(b) for b in boxes[i + 1 :])
    fig = printmap.figure(boundaries("county"), data_for(ViewState()), PrintOptions(dpi=LOW_DPI))
    assert [t.get_text() for t in fig.axes[0].texts] == []  # 183 county names province-wide would be noise


def test_bad_options_name_the_valid_choices():
    with pytest.raises(PrintOptionError, match="a4-landscape, a4-portrait, a3-landscape, a3-portrait"):
        PrintOptions(paper="letter")
    with pytest.raises(PrintOptionError, match="50–600"):
        PrintOptions(dpi=2400)
    with pytest.raises(PrintOptionError, match="png, svg, pdf"):
        printmap.render(boundaries("prefecture"), data_for(ViewState(level="prefecture")), PrintOptions(), "tiff")


def test_selected_region_is_outlined_as_on_screen_on_top_of_its_neighbours():
    """A clicked region (``sel=``) gets the screen's black outline; without a selection no border is black."""
    code = "510104"  # 锦江区, a small district surrounded by others: its outline must not be hidden by theirs
    outline = mapdata.SELECTED_OUTLINE["color"]
    options = PrintOptions(dpi=150, labels=False)
    shape = boundaries("county").set_index("adcode").loc[[code]].to_crs(printmap.ALBERS_CGCS2000).geometry.iloc[0]
    ring = shape.boundary if shape.geom_type == "Polygon" else max(shape.geoms, key=lambda g: g.area).boundary
    points = [ring.interpolate(f, normalized=True) for f in np.linspace(0, 1, 40, endpoint=False)]

    def black_on_border(view: ViewState) -> int:
        data = data_for(view)
        image = rgb(printmap.render(boundaries("county"), data, options, "png"))
        fig = printmap.figure(boundaries("county"), data, options)
        return sum(hex_rgb(outline) in _colours_near(fig, image, p.x, p.y) for p in points)

    assert black_on_border(ViewState(level="county", area="510100", selected=code)) >= 36
    assert black_on_border(ViewState(level="county", area="510100")) == 0


def test_print_geometry_is_simplified_to_half_a_pixel_as_one_coverage():
    """Fewer vertices than the page's boundaries at screen resolution, but no gaps or overlaps between regions."""
    shapes = boundaries("county")
    full = printmap._projected(shapes)
    screen = printmap.print_tolerance(tuple(full.total_bounds), printmap._axes_px(PrintOptions(dpi=150)))
    poster = printmap.print_tolerance(tuple(full.total_bounds), printmap._axes_px(PrintOptions(dpi=600)))
    assert 250 <= screen <= 1000 and poster <= screen / 2  # metres: half a pixel of a ~1 100 km wide map
    simple = printmap._projected(shapes, screen)
    assert (
        shapely.get_num_coordinates(simple.geometry.values).sum()
        < 0.9 * shapely.get_num_coordinates(full.geometry.values).sum()
    )
    assert simple.is_valid.all()
    union = simple.geometry.union_all().area
    assert simple.area.sum() == pytest.approx(union, rel=1e-6)  # no overlaps
    assert union == pytest.approx(full.geometry.union_all().area, rel=2e-3)  # no gaps opened
    assert (simple.area / full.area).between(0.95, 1.05).all()


@pytest.mark.parametrize("paper", ["a4-landscape", "a4-portrait"])
@pytest.mark.parametrize(
    "view",
    [
        ViewState(area="513400"),  # 凉山: the case of issue 23, its north arrow was drawn over 甘孜's counties
        ViewState(area="510100"),  # 成都: surrounded by other prefectures' counties
        ViewState(area="511000"),  # 内江: small, wide
        ViewState(),
        ViewState(level="prefecture", area="region:panxi"),
    ],
    ids=["liangshan", "chengdu", "neijiang", "province", "panxi"],
)
def test_north_arrow_and_scale_bar_are_never_drawn_over_a_boundary(view, paper):
    """Each in a corner of the map's frame clear of every drawn region; where no corner is clear, on a white box of
    its own (so no boundary runs through it)."""
    fig = printmap.figure(boundaries(view.level), data_for(view), PrintOptions(dpi=LOW_DPI, paper=paper))
    items = furniture(fig)
    assert sorted(what for what, _, _ in items) == ["north arrow", "scale bar"]
    assert [item for item in items if item[2] and not item[1]] == []
    if view.area in ("513400", "all"):  # room enough: both in clear corners, without a box
        assert items == [(what, False, False) for what, _, _ in items]


def test_sources_are_plain_names_without_commits_scripts_or_packages():
    """The print names publisher, table and year; where the figures came from in detail stays in data/README.md."""
    for lang in ("zh", "en"):
        text = pypdf.PdfReader(io.BytesIO(render(ViewState(area="513400", lang=lang), "pdf"))).pages[0].extract_text()
        assert ("第七次全国人口普查分县资料" if lang == "zh" else "2020 census tabulation by county") in text
        for developer_text in ("commit", "0ba0f1e", "scripts/", "build_townships", "npm", "data/census"):
            assert developer_text not in text, (lang, developer_text)


def test_an_english_print_names_the_prefecture_and_its_counties_in_english():
    fig = printmap.figure(
        boundaries("county"), data_for(ViewState(area="513400", lang="en")), PrintOptions(dpi=LOW_DPI)
    )
    texts = [t.get_text() for t in fig.texts]
    assert any("Liangshan Yi Autonomous Prefecture" in t for t in texts)
    assert not any("凉山" in t for t in texts)
    labels = {t.get_text() for t in fig.axes[0].texts}
    assert {"Xichang", "Muli"} <= labels and not any("县" in x or "市" in x for x in labels)
