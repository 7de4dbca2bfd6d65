"""Compare exports (app/export/compare.py): the bivariate print map with its square legend and side by side
as two panels use the screen's classes and colours; the page's export section builds the files."""

from __future__ import annotations

import matplotlib.colors as mcolors
import pytest

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
    at.selectbox(key="compare_export_format").set_value("csv")
    at.button(key="compare_export_prepare").click()
    rerun(at)
    buttons = [b for b in at.get("download_button") if "compare_gaps" in b.proto.label]
    assert len(buttons) == 1


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
