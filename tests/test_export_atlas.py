"""The batch atlas: a contents page plus one PDF page per drawn view, PNGs, an index; undrawable views listed."""

from __future__ import annotations

import io

import pypdf
import pytest

from app.core.viewstate import ViewState
from app.export.atlas import atlas_views, build_atlas
from app.export.printmap import PrintOptions
from tests.support.exports import boundaries, registry

pytestmark = pytest.mark.filterwarnings("error::UserWarning")  # a missing glyph fails

VIEWS = [
    ViewState(layer="pop_total", level="prefecture"),
    ViewState(layer="economic_region", level="county"),
    ViewState(layer="poverty_exit_year", level="county", area="510100"),  # Chengdu had no poverty county
    ViewState(layer="townships_reduction_pct", level="county"),
]


def test_atlas_covers_every_shipped_layer_at_every_level():
    views = atlas_views(registry(), "zh")
    expected = {(layer.id, level) for layer in registry().list_layers() for level in layer.levels}
    assert {(v.layer, v.level) for v in views} == expected
    assert len(views) == len(expected) >= 50


def test_atlas_writes_contents_page_one_page_per_map_pngs_and_index(tmp_path):
    report = build_atlas(tmp_path, views=VIEWS, options=PrintOptions(dpi=50), registry=registry(), load=boundaries)
    assert [(m[0], m[1]) for m in report.maps] == [
        ("pop_total", "prefecture"),
        ("economic_region", "county"),
        ("townships_reduction_pct", "county"),
    ]
    assert [(s[0], s[1]) for s in report.skipped] == [("poverty_exit_year", "county")]
    assert report.skipped[0][2] == "没有任何区域有数据"
    reader = pypdf.PdfReader(io.BytesIO((tmp_path / "atlas.pdf").read_bytes()))
    assert len(reader.pages) == 1 + 3
    contents = reader.pages[0].extract_text()
    assert (
        "目录" in contents and "常住人口" in contents and "未绘制的图层" in contents and "poverty_exit_year" in contents
    )
    assert "五大经济区" in reader.pages[2].extract_text()
    assert sorted(p.name for p in (tmp_path / "png").iterdir()) == [
        "economic_region_county.png",
        "pop_total_prefecture.png",
        "townships_reduction_pct_county.png",
    ]
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "href='atlas.pdf'" in index and "href='png/pop_total_prefecture.png'" in index
    assert "poverty_exit_year" in index
    assert not list(tmp_path.rglob("*.part"))


def test_atlas_cli_rejects_unknown_formats_in_one_line(capsys, tmp_path):
    from app.cli.main import main

    assert main(["atlas", "--out", str(tmp_path / "a"), "--formats", "pdf,tiff"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["coverage-atlas atlas: error: --formats 'pdf,tiff' is not valid; choose from: pdf, png"]
    assert not (tmp_path / "a").exists()


def test_atlas_drawn_in_two_processes_equals_the_serial_one(tmp_path):
    options = PrintOptions(dpi=50)
    serial = build_atlas(tmp_path / "one", views=VIEWS, options=options, registry=registry(), load=boundaries)
    parallel = build_atlas(
        tmp_path / "two", views=VIEWS, options=options, registry=registry(), load=boundaries, workers=2
    )
    assert (parallel.maps, parallel.skipped, parallel.pages) == (serial.maps, serial.skipped, serial.pages)
    for name in serial.files:
        if name.endswith(".png"):
            assert (tmp_path / "two" / name).read_bytes() == (tmp_path / "one" / name).read_bytes()
    texts = [[p.extract_text() for p in pypdf.PdfReader(str(tmp_path / d / "atlas.pdf")).pages] for d in ("one", "two")]
    assert texts[0] == texts[1] and len(texts[0]) == 4
