"""Read an uploaded table (CSV or XLSX) into text columns, with a specific message for every bad input.

Every cell comes back as text: codes keep their leading zeros and nothing is guessed; turning value
columns into numbers is the matcher's job (it reports what is not a number). Row numbers are the ones
a spreadsheet shows: the header is row 1, the first data row is row 2.

CSV encodings: UTF-8 (with or without BOM) is tried first, then GB18030 (a superset of GBK, what Excel
in China saves as "CSV"); the caller may override. XLSX is read with openpyxl in read-only mode with
``data_only=True``: a formula is never evaluated, its value is the one Excel saved with the file, and a
formula without a saved value is reported (its cell stays empty).
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pandas as pd

DEFAULT_MAX_MB = 20.0
MAX_MB_ENV = "COVERAGE_ATLAS_UPLOAD_MAX_MB"
ENCODINGS = ("utf-8-sig", "gb18030", "gbk", "utf-8", "utf-16")
# An XLSX is a zip file; refuse one that would inflate far beyond what was uploaded (a zip bomb).
MAX_INFLATION = 50

Source = bytes | str | os.PathLike[str] | IO[bytes]


class UploadError(ValueError):
    """A file that cannot be read as a table; the message names the file (and row where it applies), in English
    (``str``) and in Chinese (:meth:`text`)."""

    def __init__(self, en: str, zh: str):
        super().__init__(en)
        self.en, self.zh = en, zh

    def text(self, lang: str = "en") -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class FormulaCell:
    row: int
    column: str
    formula: str


@dataclass(frozen=True)
class UploadedTable:
    """The header and data rows of one table, every cell as text ('' for an empty cell)."""

    name: str
    kind: str  # "csv" or "xlsx"
    frame: pd.DataFrame  # object columns of str; index = the row numbers a spreadsheet shows
    encoding: str | None = None  # CSV: the encoding used
    encoding_detected: bool = False  # CSV: True when the encoding was detected rather than given
    sheet: str | None = None  # XLSX: the sheet read
    sheets: tuple[str, ...] = ()  # XLSX: every sheet in the workbook
    blank_rows: tuple[int, ...] = ()  # rows with no content at all, left out of ``frame``
    formulas_without_value: tuple[FormulaCell, ...] = field(default=())

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.frame.columns]

    def preview(self, n: int = 10) -> pd.DataFrame:
        return self.frame.head(n)


def max_upload_bytes() -> int:
    """The size limit: ``COVERAGE_ATLAS_UPLOAD_MAX_MB`` (megabytes, may be fractional) or 20 MB."""
    raw = os.environ.get(MAX_MB_ENV, "").strip()
    try:
        mb = float(raw) if raw else DEFAULT_MAX_MB
    except ValueError:
        mb = DEFAULT_MAX_MB
    if not mb > 0:
        mb = DEFAULT_MAX_MB
    return int(mb * 1024 * 1024)


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.3g} MB"


def _too_large(name: str, max_bytes: int) -> UploadError:
    return UploadError(
        f"{name}: larger than the upload limit of {_mb(max_bytes)} (set {MAX_MB_ENV} to change it)",
        f"{name}：文件超过 {_mb(max_bytes)} 的上传上限",
    )


def _read_bytes(source: Source, name: str, max_bytes: int) -> bytes:
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            if path.stat().st_size > max_bytes:
                raise _too_large(name, max_bytes)  # without reading the file
            data = path.read_bytes()
        except OSError as exc:
            raise UploadError(
                f"{name}: cannot be read ({exc.strerror or exc})", f"{name}：无法读取（{exc.strerror or exc}）"
            ) from exc
    else:
        data = source.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_large(name, max_bytes)
    return data


def sniff_kind(data: bytes, name: str) -> str:
    """'xlsx' or 'csv' from the content (the file name's suffix is only a hint)."""
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UploadError(
            f"{name}: an old Excel (.xls) workbook; save it as .xlsx or CSV",
            f"{name}：旧版 Excel（.xls）工作簿，请另存为 .xlsx 或 CSV",
        )
    if name.lower().endswith((".xlsx", ".xlsm")):
        raise UploadError(
            f"{name}: not a valid XLSX workbook (not a zip file)", f"{name}：不是有效的 XLSX 文件（不是 zip 压缩包）"
        )
    return "csv"


def read_table(
    source: Source,
    *,
    name: str,
    encoding: str | None = None,
    sheet: str | None = None,
    max_bytes: int | None = None,
) -> UploadedTable:
    """Read a CSV or XLSX upload. ``encoding`` overrides CSV detection; ``sheet`` picks an XLSX sheet (default: the
    first). Raises :class:`UploadError` with a message naming ``name`` for anything that is not a usable table."""
    limit = max_upload_bytes() if max_bytes is None else max_bytes
    data = _read_bytes(source, name, limit)
    if not data.strip(b" \t\r\n\xef\xbb\xbf\x00"):
        raise UploadError(f"{name}: the file is empty", f"{name}：文件为空")
    if sniff_kind(data, name) == "xlsx":
        return _read_xlsx(data, name, sheet)
    return _read_csv(data, name, encoding)


# --- CSV ------------------------------------------------------------------------------------------


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode_csv(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str]:
    """(text, encoding used). Detection: BOM → UTF-8/UTF-16; valid UTF-8; else GB18030 (GBK as saved by Excel)."""
    if encoding:
        try:
            return data.decode(encoding), encoding
        except LookupError as exc:
            raise UploadError(f"{name}: unknown encoding {encoding!r}", f"{name}：未知编码 {encoding!r}") from exc
        except UnicodeDecodeError as exc:
            row = _line_of(data, exc.start)
            byte = data[exc.start : exc.start + 1].hex()
            raise UploadError(
                f"{name}: row {row} cannot be read as {encoding} (byte {byte} at offset {exc.start})",
                f"{name}：第 {row} 行无法按 {encoding} 解码（第 {exc.start} 字节 {byte}）",
            ) from exc
    if data.startswith(b"\xef\xbb\xbf"):
        return decode_csv(data, name, "utf-8-sig")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return decode_csv(data, name, "utf-16")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            row = _line_of(data, utf8_error.start)
            raise UploadError(
                f"{name}: row {row} is neither UTF-8 nor GBK/GB18030 text; choose the encoding by hand",
                f"{name}：第 {row} 行既不是 UTF-8 也不是 GBK/GB18030 编码，请手动选择编码",
            ) from utf8_error


def _read_csv(data: bytes, name: str, encoding: str | None) -> UploadedTable:
    text, used = decode_csv(data, name, encoding)
    text = text.removeprefix("\ufeff")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as exc:
        raise UploadError(f"{name}: not a readable CSV table ({exc})", f"{name}：无法按 CSV 表格读取（{exc}）") from exc
    table = _table_from_rows(rows, name, first_row=1)
    return UploadedTable(
        name=name,
        kind="csv",
        frame=table[0],
        blank_rows=table[1],
        encoding=used,
        encoding_detected=encoding is None,
    )


# --- the rows of either format → a frame -----------------------------------------------------------


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an XLSX number 510100.0 is the code 510100
    return str(value).strip()


def _table_from_rows(
    rows: Sequence[Sequence[object]], name: str, first_row: int
) -> tuple[pd.DataFrame, tuple[int, ...]]:
    cells = [[_cell_text(v) for v in row] for row in rows]
    numbered = [(first_row + i, row) for i, row in enumerate(cells)]
    blank = tuple(n for n, row in numbered if not any(row))
    content = [(n, row) for n, row in numbered if any(row)]
    if not content:
        raise UploadError(f"{name}: the file is empty", f"{name}：文件为空")
    header_row, header = content[0]
    data = content[1:]
    width = max(len(row) for _, row in content)
    # Spreadsheets carry empty trailing columns; a column is real when its header or any cell has content.
    used = [j for j in range(width) if (j < len(header) and header[j]) or any(j < len(r) and r[j] for _, r in data)]
    names: list[str] = []
    for j in used:
        title = header[j] if j < len(header) else ""
        if not title:
            raise UploadError(
                f"{name}: column {j + 1} has values but no header in row {header_row}",
                f"{name}：第 {j + 1} 列有数据，但第 {header_row} 行没有它的表头",
            )
        if title in names:
            raise UploadError(
                f"{name}: the header {title!r} appears twice in row {header_row}",
                f"{name}：第 {header_row} 行的表头“{title}”出现两次",
            )
        names.append(title)
    if not data:
        raise UploadError(
            f"{name}: row {header_row} is a header but there are no data rows",
            f"{name}：第 {header_row} 行是表头，但没有数据行",
        )
    frame = pd.DataFrame(
        [[row[j] if j < len(row) else "" for j in used] for _, row in data],
        columns=names,
        index=pd.Index([n for n, _ in data], name="row"),
        dtype=object,
    )
    return frame, tuple(n for n in blank if n > header_row)


# --- XLSX -----------------------------------------------------------------------------------------


def _open_workbook(data: bytes, name: str, data_only: bool) -> Any:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
            bad = archive.testzip()
        if bad is not None:
            raise UploadError(
                f"{name}: corrupt XLSX workbook (damaged part {bad})", f"{name}：XLSX 文件已损坏（损坏的部分：{bad}）"
            )
        if inflated > MAX_INFLATION * max(len(data), 1024 * 1024):
            raise UploadError(
                f"{name}: the workbook unpacks to {_mb(inflated)}, too large to read",
                f"{name}：工作簿解压后达 {_mb(inflated)}，过大，无法读取",
            )
        return load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except UploadError:
        raise
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, EOFError) as exc:
        raise UploadError(
            f"{name}: corrupt or unreadable XLSX workbook ({type(exc).__name__})",
            f"{name}：XLSX 文件已损坏或无法读取（{type(exc).__name__}）",
        ) from exc


def list_sheets(source: Source, *, name: str, max_bytes: int | None = None) -> tuple[str, ...]:
    data = _read_bytes(source, name, max_upload_bytes() if max_bytes is None else max_bytes)
    if sniff_kind(data, name) != "xlsx":
        return ()
    book = _open_workbook(data, name, data_only=True)
    try:
        return tuple(book.sheetnames)
    finally:
        book.close()


def _read_xlsx(data: bytes, name: str, sheet: str | None) -> UploadedTable:
    book = _open_workbook(data, name, data_only=True)
    try:
        sheets = tuple(book.sheetnames)
        if not sheets:
            raise UploadError(f"{name}: the workbook has no sheets", f"{name}：工作簿中没有工作表")
        chosen = sheet if sheet is not None else sheets[0]
        if chosen not in sheets:
            raise UploadError(
                f"{name}: no sheet named {chosen!r}; the sheets are {', '.join(sheets)}",
                f"{name}：没有名为“{chosen}”的工作表；工作表有：{'、'.join(sheets)}",
            )
        try:
            rows = [list(r) for r in book[chosen].iter_rows(values_only=True)]
        except (KeyError, ValueError, zipfile.BadZipFile, EOFError) as exc:
            raise UploadError(
                f"{name}: sheet {chosen!r} is corrupt ({type(exc).__name__})",
                f"{name}：工作表“{chosen}”已损坏（{type(exc).__name__}）",
            ) from exc
    finally:
        book.close()
    if not any(any(v is not None and str(v).strip() for v in r) for r in rows):
        raise UploadError(f"{name}: sheet {chosen!r} is empty", f"{name}：工作表“{chosen}”为空")
    frame, blank = _table_from_rows(rows, f"{name} [{chosen}]", first_row=1)
    missing = _formulas_without_value(data, name, chosen, rows) if any(v is None for r in rows for v in r) else ()
    return UploadedTable(
        name=name,
        kind="xlsx",
        frame=frame,
        sheet=chosen,
        sheets=sheets,
        blank_rows=blank,
        formulas_without_value=missing,
    )


def _formulas_without_value(data: bytes, name: str, sheet: str, values: list[list[object]]) -> tuple[FormulaCell, ...]:
    """Cells holding a formula whose value Excel did not save (a file written by a program, not Excel)."""
    from openpyxl.utils import get_column_letter

    book = _open_workbook(data, name, data_only=False)
    try:
        found: list[FormulaCell] = []
        for i, row in enumerate(book[sheet].iter_rows(values_only=True)):
            for j, cell in enumerate(row):
                cached = values[i][j] if i < len(values) and j < len(values[i]) else None
                if cached is None and isinstance(cell, str) and cell.startswith("="):
                    found.append(FormulaCell(i + 1, get_column_letter(j + 1), cell))
        return tuple(found)
    finally:
        book.close()
