"""layers/upload/read.py: CSV encodings as Excel writes them, XLSX sheets, formulas, limits and broken files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from layers.upload.read import UploadError, list_sheets, max_upload_bytes, read_table

ROWS = "区划代码,地区名称,养老床位数\n510100,成都市,1200\n511002,内江市市中区,80\n510112,龙泉驿区,\n"


def test_gbk_csv_with_chinese_headers_is_detected_and_codes_stay_text():
    data = ROWS.replace("510100", "0510100").encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # a real GBK file, not accidentally UTF-8
    table = read_table(data, name="床位.csv")
    assert table.encoding == "gb18030" and table.encoding_detected
    assert table.columns == ["区划代码", "地区名称", "养老床位数"]
    assert table.frame.loc[2, "区划代码"] == "0510100"  # leading zero kept
    assert table.frame.loc[3, "地区名称"] == "内江市市中区"
    assert table.frame.loc[4, "养老床位数"] == ""  # an empty cell stays empty, never 0
    assert list(table.frame.index) == [2, 3, 4]  # spreadsheet row numbers


def test_utf8_bom_csv_headers_lose_the_bom():
    table = read_table(ROWS.encode("utf-8-sig"), name="beds.csv")
    assert table.encoding == "utf-8-sig"
    assert table.columns[0] == "区划代码"  # not "\ufeff区划代码"


def test_encoding_override_and_a_wrong_override_names_the_row():
    data = ROWS.encode("gbk")
    assert read_table(data, name="a.csv", encoding="gbk").frame.loc[2, "地区名称"] == "成都市"
    with pytest.raises(UploadError, match=r"a\.csv: row 1 cannot be read as utf-8"):
        read_table(data, name="a.csv", encoding="utf-8")


def test_undecodable_bytes_name_file_and_row():
    data = "代码,值\n510100,1\n".encode() + b"511002,\xff\xff\xff\n"
    with pytest.raises(UploadError, match=r"bad\.csv: row 3 is neither UTF-8 nor GBK"):
        read_table(data, name="bad.csv")


@pytest.mark.parametrize("data", [b"", b"   \r\n", b"\xef\xbb\xbf", b"\n\n,,\n"])
def test_empty_file(data):
    with pytest.raises(UploadError, match=r"empty\.csv: the file is empty"):
        read_table(data, name="empty.csv")


def test_header_only_and_header_problems():
    with pytest.raises(UploadError, match=r"h\.csv: row 1 is a header but there are no data rows"):
        read_table("代码,值\n".encode(), name="h.csv")
    with pytest.raises(UploadError, match=r"appears twice"):
        read_table("代码,代码\n1,2\n".encode(), name="d.csv")
    with pytest.raises(UploadError, match=r"column 2 has values but no header"):
        read_table("代码,\n1,2\n".encode(), name="n.csv")


def test_blank_rows_are_reported_not_kept():
    table = read_table("代码,值\n510100,1\n,\n511002,2\n".encode(), name="b.csv")
    assert list(table.frame.index) == [2, 4] and table.blank_rows == (3,)


def test_size_limit_default_env_and_message(tmp_path, monkeypatch):
    monkeypatch.delenv("COVERAGE_ATLAS_UPLOAD_MAX_MB", raising=False)
    assert max_upload_bytes() == 20 * 1024 * 1024
    monkeypatch.setenv("COVERAGE_ATLAS_UPLOAD_MAX_MB", "0.001")
    assert max_upload_bytes() == 1048
    big = (ROWS * 20).encode()
    with pytest.raises(UploadError, match=r"big\.csv: larger than the upload limit of 0\.000999 MB"):
        read_table(big, name="big.csv")
    path = tmp_path / "big.csv"
    path.write_bytes(big)
    with pytest.raises(UploadError, match="COVERAGE_ATLAS_UPLOAD_MAX_MB"):
        read_table(path, name="big.csv")
    with pytest.raises(UploadError, match="upload limit"):
        read_table(io.BytesIO(big), name="big.csv")
    assert (
        read_table(big, name="big.csv", max_bytes=10_000).frame.shape[0] == 79
    )  # the repeated header lines are data rows here


def _xlsx(build) -> bytes:
    book = Workbook()
    build(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_sheets_listed_and_chosen():
    def build(book):
        first = book.active
        first.title = "说明"
        first.append(["本表为内部统计"])
        second = book.create_sheet("2023床位")
        second.append(["区划代码", "名称", "床位"])
        second.append(["510100", "成都市", 1200])
        second.append([510104, "锦江区", 35.5])

    data = _xlsx(build)
    assert list_sheets(data, name="s.xlsx") == ("说明", "2023床位")
    table = read_table(data, name="s.xlsx", sheet="2023床位")
    assert table.kind == "xlsx" and table.sheet == "2023床位" and table.sheets == ("说明", "2023床位")
    assert table.frame.to_dict("list") == {
        "区划代码": ["510100", "510104"],
        "名称": ["成都市", "锦江区"],
        "床位": ["1200", "35.5"],
    }
    with pytest.raises(UploadError, match=r"no sheet named '3'; the sheets are 说明, 2023床位"):
        read_table(data, name="s.xlsx", sheet="3")
    with pytest.raises(UploadError, match=r"row 1 is a header but there are no data rows"):
        read_table(data, name="s.xlsx")  # the first sheet holds only a note


def test_xlsx_formula_is_not_evaluated_and_is_reported():
    def build(book):
        sheet = book.active
        sheet.append(["代码", "床位"])
        sheet.append(["510100", "=1+1"])  # openpyxl saves no cached value, as a program-written file would

    table = read_table(_xlsx(build), name="f.xlsx")
    assert table.frame.loc[2, "床位"] == ""  # not "2", not "=1+1"
    assert [(c.row, c.column, c.formula) for c in table.formulas_without_value] == [(2, "B", "=1+1")]


def test_corrupt_xlsx_and_old_xls():
    good = _xlsx(lambda book: book.active.append(["代码"]))
    with pytest.raises(UploadError, match=r"broken\.xlsx: corrupt"):
        read_table(good[: len(good) // 2], name="broken.xlsx")
    with pytest.raises(UploadError, match=r"x\.xlsx: not a valid XLSX"):
        read_table(b"just text", name="x.xlsx")
    with pytest.raises(UploadError, match=r"old\.xls: an old Excel \(\.xls\)"):
        read_table(b"\xd0\xcf\x11\xe0" + b"\0" * 100, name="old.xls")
    # a zip that is not a workbook
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(UploadError, match=r"z\.xlsx: corrupt or unreadable XLSX"):
        read_table(out.getvalue(), name="z.xlsx")


def test_empty_xlsx_sheet():
    with pytest.raises(UploadError, match=r"e\.xlsx: sheet 'Sheet' is empty"):
        read_table(_xlsx(lambda book: None), name="e.xlsx")


def test_reads_a_path(tmp_path: Path):
    path = tmp_path / "t.csv"
    path.write_bytes(ROWS.encode("gbk"))
    assert read_table(path, name="t.csv").frame.shape == (3, 3)


# --- bounded reading (issue 25 item 1) -------------------------------------------------------------------------------
def test_a_device_or_pipe_is_read_only_up_to_the_limit(tmp_path, monkeypatch):
    import os

    monkeypatch.setenv("COVERAGE_ATLAS_UPLOAD_MAX_MB", "0.01")
    with pytest.raises(UploadError, match=r"^/dev/zero: larger than the upload limit of 0\.01 MB"):
        read_table("/dev/zero", name="/dev/zero")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    pid = os.fork()
    if pid == 0:  # the writer: more than the limit, then it is cut off
        try:
            with open(fifo, "wb") as fh:
                fh.write(b"x" * 100_000)
        finally:
            os._exit(0)
    try:
        with pytest.raises(UploadError, match="upload limit"):
            read_table(fifo, name="fifo.csv")
    finally:
        os.waitpid(pid, 0)


def test_more_rows_or_cells_than_memory_holds_are_refused_by_name(tmp_path, monkeypatch):
    import layers.upload.read

    monkeypatch.setattr(layers.upload.read, "MAX_ROWS", 100)
    monkeypatch.setattr(layers.upload.read, "MAX_CELLS", 60)
    path = tmp_path / "blank.csv"
    path.write_bytes(b"a,b\n1,2\n" + b"\n" * 200)
    with pytest.raises(UploadError, match=r"blank\.csv: more than 100 rows, too many to read"):
        read_table(path, name="blank.csv")
    path.write_bytes(b"a,b,c\n" + b"1,2,3\n" * 30)
    with pytest.raises(UploadError, match=r"more than 60 cells"):
        read_table(path, name="cells.csv")
    read_table(b"a,b,c\n" + b"1,2,3\n" * 19, name="fits.csv")  # 60 cells

    def build(book):
        book.active.append(["a", "b", "c"])
        for _ in range(30):
            book.active.append([1, 2, 3])

    with pytest.raises(UploadError, match=r"w\.xlsx \[Sheet\]: more than 60 cells"):
        read_table(_xlsx(build), name="w.xlsx")


def test_a_wrong_sheet_dimension_does_not_pad_every_row():
    """A program that writes <dimension ref="A1:XFD1048576"> would make openpyxl pad every row to 16,384 cells."""

    def build(book):
        book.active.append(["代码", "值"])
        book.active.append(["510104", 1])

    data = _xlsx(build)
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                part = part.replace(b'<dimension ref="A1:B2"', b'<dimension ref="A1:XFD1048576"')
                assert b"XFD1048576" in part
            z.writestr(info, part)
    table = read_table(out.getvalue(), name="d.xlsx")
    assert table.frame.to_dict("list") == {"代码": ["510104"], "值": ["1"]}


def test_the_browser_limit_is_the_apps_limit(monkeypatch):
    """Streamlit's server.maxUploadSize (what the browser enforces before sending) equals the app's own limit:
    in .streamlit/config.toml for `make run`, and from COVERAGE_ATLAS_UPLOAD_MAX_MB where `serve` starts it."""
    import tomllib

    from app.ui.serving import server_flags
    from layers.upload.read import DEFAULT_MAX_MB, max_upload_mb

    def upload_flag() -> str:
        flags = server_flags()
        return flags[flags.index("--server.maxUploadSize") + 1]

    config = tomllib.loads((Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml").read_text())
    monkeypatch.delenv("COVERAGE_ATLAS_UPLOAD_MAX_MB", raising=False)
    assert config["server"]["maxUploadSize"] == DEFAULT_MAX_MB == max_upload_mb() == 20
    assert upload_flag() == "20"
    monkeypatch.setenv("COVERAGE_ATLAS_UPLOAD_MAX_MB", "2.5")
    assert upload_flag() == "3" and max_upload_bytes() == int(2.5 * 1024 * 1024)


def test_format_characters_in_cells_and_headers_are_dropped():
    """A bidi override in a cell would reorder the match report and the stored names (issue 25)."""
    table = read_table("地区\u202e,值\u200b\n锦江\u202e区,1\u2066\n".encode(), name="b.csv")
    assert list(table.frame.columns) == ["地区", "值"] and table.frame.iloc[0].tolist() == ["锦江区", "1"]


def test_common_column_names_are_recognised_in_both_languages():
    from layers.facilities import guess_columns
    from layers.upload.match import guess_region_column

    assert guess_columns(["名称", "类型", "床位数", "经度", "纬度"]) == {
        "name": "名称",
        "type": "类型",
        "capacity": "床位数",
        "lon": "经度",
        "lat": "纬度",
    }
    assert guess_columns(["Name", "type", "Beds", "lng", "Latitude", "County"]) == {
        "name": "Name",
        "type": "type",
        "capacity": "Beds",
        "lon": "lng",
        "lat": "Latitude",
        "region": "County",
    }
    # a unit in brackets, a code before a name
    assert guess_columns(["机构名称", "床位数（张）", "经度（GCJ-02）", "纬度（GCJ-02）", "区县", "代码"]) == {
        "name": "机构名称",
        "capacity": "床位数（张）",
        "lon": "经度（GCJ-02）",
        "lat": "纬度（GCJ-02）",
        "region": "代码",
    }
    assert guess_region_column(["序号", "县", "床位"]) == "县" and guess_region_column(["a", "b"]) is None


def test_read_errors_and_save_problems_are_said_in_either_language():
    from layers.upload.save import LayerMeta, SaveProblem

    with pytest.raises(UploadError) as exc:
        read_table(b"", name="a.csv")
    assert str(exc.value) == "a.csv: the file is empty" and exc.value.text("zh") == "a.csv：文件为空"
    problem = SaveProblem("missing", "床位", fields=", ".join(LayerMeta("t", "", "", "s").missing()))
    assert str(problem) == "床位: unit, year missing" and problem.text("zh") == "“床位”缺少单位、年份"
