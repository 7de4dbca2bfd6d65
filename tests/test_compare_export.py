"""Compare exports (app/export/compare.py): the bivariate print map with its square legend and side by side
as two panels use the screen's classes and colours; the page's export section builds the files."""

from __future__ import annotations

import io

import matplotlib.colors as mcolors
import pypdf
import pytest
from PIL import Image

from app.core import mapdata
from app.core.compare import bivariate, compare_data
from app.core.mapdata import legend_entries
from app.core.viewstate import ViewState
from app.export import compare as compare_export
from app.export.printmap import PrintOptions
from geodata import load_boundaries
from layers import default_registry
from layers.bivariate import BIVARIATE_PALETTES
from tests.support.apptest import rerun, run_app
from tests.support.exports import furniture

REG = default_registry()


@pytest.fixture(scope="module")
def shapes():
    return load_boundaries("county", detail="web", datum="wgs84")


def _fills(ax) -> set[str]:
    return {mcolors.to_hex(c) for coll in ax.collections for c in coll.get_facecolors()}


def test_bivariate_print_map_uses_the_screen_classes_and_a_square_legend(shapes):
    data = compare_data(REG, ViewState(mode="compare", biv_palette="blue_orange", biv_breaks_a=(3000.0, 8000.0)))
    screen = bivariate(data)
    fig = compare_export.bivariate_figure(shapes, data, PrintOptions())
    map_ax, legend_ax = fig.axes[0], fig.axes[1]
    assert _fills(map_ax) - {"#ffffff"} == set(screen.table["colour"])
    squares = {mcolors.to_hex(p.get_facecolor()) for p in legend_ax.patches}
    assert squares == {c for row in BIVARIATE_PALETTES["blue_orange"] for c in row}
    counts = sorted(int(x.get_text()) for x in legend_ax.texts)
    assert counts == sorted(screen.counts().values())
    texts = " ".join(x.get_text() for x in fig.texts)
    assert "3,000.0 – 8,000.0" in texts  # the manual breaks of A, as on screen (a rate: to 0.1)
    assert data.layer_b.title("zh") in texts and "内部工作用图" in texts


def test_side_by_side_prints_two_panels_each_with_its_legend(shapes):
    data = compare_data(REG, ViewState(mode="compare", level="prefecture", layer_b="townships_2021"))
    pref = load_boundaries("prefecture", detail="web", datum="wgs84")
    fig = compare_export.side_by_side_figure(pref, data, PrintOptions())
    assert _fills(fig.axes[0]) - {"#ffffff"} == set(data.a.table["colour"])
    assert _fills(fig.axes[1]) - {"#ffffff"} == set(data.b.table["colour"])
    assert [[x.get_text() for x in leg.get_texts()] for leg in fig.legends] == [
        [label for _, label, _ in legend_entries(data.a)],
        [label for _, label, _ in legend_entries(data.b)],
    ]
    pdf = compare_export.render(pref, data, PrintOptions(), "pdf", "side_by_side")
    assert pdf.startswith(b"%PDF")
    with pytest.raises(ValueError, match="no print map"):
        compare_export.render(pref, data, PrintOptions(), "pdf", "scatter")


def test_the_page_prepares_the_compare_export():
    at = run_app({"mode": "compare", "cview": "gaps", "level": "prefecture"})
    assert at.selectbox(key="compare_export_format").options == ["CSV 表格"]  # the gap list has no print map
    at.selectbox(key="compare_export_format").set_value("csv")
    at.button(key="compare_export_prepare").click()
    rerun(at)
    buttons = [b for b in at.get("download_button") if "compare_gaps" in b.proto.label]
    assert len(buttons) == 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_compare_export_offers_the_single_exports_options_in_the_page_language(lang):
    """Paper and orientation, resolution, title, subtitle and note, as the single export; labels, defaults and the
    file in the page's language; a changed option withdraws the prepared file."""
    at = run_app({"mode": "compare", "cview": "bivariate", "lang": lang, **LIANGSHAN})
    data = compare_data(REG, ViewState(mode="compare", compare_view="bivariate", lang=lang, **LIANGSHAN))
    fmt = at.selectbox(key="compare_export_format")
    assert (
        fmt.options
        == {
            "zh": ["PNG 图片", "PDF 文档", "SVG 矢量图", "CSV 表格"],
            "en": ["PNG image", "PDF document", "SVG vector graphic", "CSV table"],
        }[lang]
    )
    fmt.set_value("png").run()
    assert at.selectbox(key="compare_export_paper").options[1] == {"zh": "A4 纵向", "en": "A4 portrait"}[lang]
    assert at.selectbox(key="compare_export_dpi").options[0] == {"zh": "150（屏幕）", "en": "150 (screen)"}[lang]
    title = next(w for w in at.text_input if w.key.startswith("compare_export_title|"))
    subtitle = next(w for w in at.text_input if w.key.startswith("compare_export_sub|"))
    assert title.value == compare_export.default_title(data, "bivariate")
    assert subtitle.value.endswith({"zh": "凉山彝族自治州", "en": "Liangshan Yi Autonomous Prefecture"}[lang])
    at.selectbox(key="compare_export_paper").set_value("a4-portrait")
    at.selectbox(key="compare_export_dpi").set_value(150).run()
    at.button(key="compare_export_prepare").click().run()
    assert not at.exception, [e.value for e in at.exception]
    request, name, body = at.session_state["compare_export_prepared"]
    assert name == "sichuan_compare_bivariate_elderly_per_township_2021_children_per_village_2021_county.png"
    assert request[2].paper == "a4-portrait" and request[2].dpi == 150
    assert Image.open(io.BytesIO(body)).size == (1240, 1754)  # A4 portrait at 150 dpi
    assert [b.key for b in at.download_button if b.key == "compare_export_download"] == ["compare_export_download"]
    at.selectbox(key="compare_export_paper").set_value("a3-landscape").run()
    assert [b for b in at.download_button if b.key == "compare_export_download"] == []


def _outlined(ax) -> int:
    """Collections drawn as the clicked region's outline: the screen's outline colour, no fill."""
    outline = mcolors.to_hex(str(mapdata.SELECTED_OUTLINE["color"]))
    return sum(
        1
        for coll in ax.collections
        if len(coll.get_edgecolors())
        and mcolors.to_hex(coll.get_edgecolors()[0]) == outline
        and not coll.get_facecolors()[:, 3].any()
    )


def test_compare_print_maps_outline_the_clicked_region_on_every_panel(shapes):
    """The clicked region (``sel=``) is outlined on the bivariate map and on both side-by-side panels, as on
    screen; without a selection nothing is."""
    for selected, expected in (("510104", 1), (None, 0)):
        data = compare_data(REG, ViewState(mode="compare", area="510100", selected=selected))
        bivariate = compare_export.bivariate_figure(shapes, data, PrintOptions())
        side = compare_export.side_by_side_figure(shapes, data, PrintOptions())
        assert [_outlined(ax) for ax in (bivariate.axes[0], side.axes[0], side.axes[1])] == [expected] * 3


LIANGSHAN = {"layer": "elderly_per_township_2021", "layer_b": "children_per_village_2021", "area": "513400"}


@pytest.mark.parametrize("paper", ["a4-landscape", "a4-portrait"])
@pytest.mark.parametrize("area", ["513400", "510100"])
def test_compare_prints_keep_north_arrow_and_scale_bar_off_every_boundary(shapes, area, paper):
    data = compare_data(REG, ViewState(mode="compare", **{**LIANGSHAN, "area": area}))
    for fig, maps in (
        (compare_export.bivariate_figure(shapes, data, PrintOptions(dpi=60, paper=paper)), 1),
        (compare_export.side_by_side_figure(shapes, data, PrintOptions(dpi=60, paper=paper)), 2),
    ):
        items = furniture(fig)
        assert sorted(what for what, _, _ in items) == ["north arrow"] * maps + ["scale bar"] * maps
        assert [item for item in items if item[2] and not item[1]] == []


def test_compare_prints_name_the_counties_of_one_prefecture_as_the_single_print_does(shapes):
    """Region names on the bivariate map and on both panels when one prefecture is shown; none province-wide."""
    counties = set(shapes.loc[shapes["parent_adcode"] == "513400", "short_name"])
    data = compare_data(REG, ViewState(mode="compare", **LIANGSHAN))
    bivariate_map = compare_export.bivariate_figure(shapes, data, PrintOptions(dpi=60)).axes[0]
    side = compare_export.side_by_side_figure(shapes, data, PrintOptions(dpi=60)).axes[:2]
    for ax in (bivariate_map, *side):
        names = {t.get_text() for t in ax.texts}
        assert names <= counties and len(names) >= 10, names
    province = compare_data(REG, ViewState(mode="compare", layer_b="children_per_village_2021"))
    assert len(compare_export.bivariate_figure(shapes, province, PrintOptions(dpi=60)).axes[0].texts) == 0
    no_labels = compare_export.bivariate_figure(shapes, data, PrintOptions(dpi=60, labels=False))
    assert len(no_labels.axes[0].texts) == 0


def test_an_english_compare_print_is_in_english_with_plain_sources(shapes):
    data = compare_data(REG, ViewState(mode="compare", lang="en", **LIANGSHAN))
    for view in compare_export.PRINT_VIEWS:
        pdf = compare_export.render(shapes, data, PrintOptions(dpi=60), "pdf", view)
        text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
        assert "Liangshan Yi Autonomous Prefecture" in text and "凉山" not in text
        assert data.layer_a.title("en") in text.replace("\n", " ")
        for developer_text in ("commit", "0ba0f1e", "scripts/", "npm", "data/census"):
            assert developer_text not in text, (view, developer_text)
    assert compare_export.default_subtitle(data).endswith("Liangshan Yi Autonomous Prefecture")
    labels = {t.get_text() for t in compare_export.bivariate_figure(shapes, data, PrintOptions(dpi=60)).axes[0].texts}
    assert {"Xichang", "Muli"} <= labels  # region names drawn with a halo are outlines in the PDF, so asked here
