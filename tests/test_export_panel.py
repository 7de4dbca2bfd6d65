"""The Export / 导出 section, driven through AppTest: each format yields a file of its type for the shown view."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pypdf
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from app.core.viewstate import ViewState
from app.export import datafiles
from tests.support.apptest import first_visit
from tests.support.exports import data_for

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
VIEW = {"layer": "pop_65plus_share", "level": "prefecture", "min": "15", "lang": "zh"}


@pytest.fixture(scope="module")
def at() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params.update(VIEW)
    return first_visit(at)


def downloads(at: AppTest) -> list[str]:
    return [b.label for b in at.download_button if b.key == "export_download"]


def prepare(at: AppTest, fmt: str):
    at.selectbox(key="export_format").set_value(fmt).run()
    if fmt in ("png", "pdf", "svg"):
        at.selectbox(key="export_dpi").set_value(150)
    assert downloads(at) == [], "a file must not be built before it is asked for"
    at.button(key="export_prepare").click().run()
    assert not at.exception, [e.value for e in at.exception]
    request, file = at.session_state["export_prepared"]
    assert request[0] == ViewState(layer="pop_65plus_share", level="prefecture", vmin=15.0)  # the page's view
    assert downloads(at) == [f"下载 {file.file_name}"]
    return file


def test_no_file_is_built_until_asked(at):
    assert "export_prepared" not in at.session_state
    assert downloads(at) == []


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson", "gpkg", "html", "svg", "pdf", "png"])
def test_each_format_yields_a_file_of_its_type_for_the_current_view(at, fmt):
    file = prepare(at, fmt)
    assert file.file_name == f"sichuan_pop_65plus_share_prefecture.{fmt}"
    raw = file.data
    expected = data_for(ViewState(layer="pop_65plus_share", level="prefecture", vmin=15.0))
    if fmt == "csv":
        assert raw == datafiles.csv_bytes(expected)
    elif fmt == "xlsx":
        assert zipfile.ZipFile(io.BytesIO(raw)).namelist()  # an OOXML zip
        assert "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(raw)).namelist()
    elif fmt == "geojson":
        assert raw.count(b'"adcode"') == 21
    elif fmt == "gpkg":
        assert raw.startswith(b"SQLite format 3\x00")
    elif fmt == "html":
        assert raw.startswith(b"<!DOCTYPE html>") and b"<script src=" not in raw
    elif fmt == "svg":
        assert b"<svg" in raw[:1000] and expected.layer.title("zh").encode() in raw
    elif fmt == "pdf":
        text = pypdf.PdfReader(io.BytesIO(raw)).pages[0].extract_text()
        assert expected.layer.title("zh") in text and "内部工作用图" in text
    elif fmt == "png":
        assert Image.open(io.BytesIO(raw)).size == (1754, 1240)  # A4 landscape at 150 dpi


def test_edited_title_reaches_the_file_and_a_changed_view_withdraws_it(at):
    at.selectbox(key="export_format").set_value("pdf").run()
    title_box = next(w for w in at.text_input if w.key.startswith("export_title|"))
    title_box.set_value("川南老龄化 · 内部讨论稿").run()
    at.button(key="export_prepare").click().run()
    _, file = at.session_state["export_prepared"]
    assert "川南老龄化 · 内部讨论稿" in pypdf.PdfReader(io.BytesIO(file.data)).pages[0].extract_text()
    at.selectbox(key="export_paper").set_value("a3-portrait").run()
    assert downloads(at) == []  # the prepared A4 file no longer matches what is chosen
