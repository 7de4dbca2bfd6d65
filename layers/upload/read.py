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

import codecs
import csv
import io
import math
import os
import re
import stat
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import pandas as pd

from layers.text import strip_format_controls

DEFAULT_MAX_MB = 20.0
MAX_MB_ENV = "COVERAGE_ATLAS_UPLOAD_MAX_MB"
ENCODINGS = ("utf-8-sig", "gb18030", "gbk", "utf-8", "utf-16")
# An XLSX is a zip file; refuse one that would inflate far beyond what was uploaded (a zip bomb).
MAX_INFLATION = 50
# Within the size limit a table can still hold more cells than memory does (20 MB of newlines are 20 million
# rows): reading stops at Excel's row limit and at half a million cells, with a message, so that any input stays
# under 300 MB in all (a facility list of 50,000 sites with 10 columns still fits).
MAX_ROWS = 1_048_576
MAX_CELLS = 500_000
# openpyxl keeps a workbook's shared strings in memory (about 200 bytes each): their part is capped on its own.
MAX_SHARED_STRINGS_BYTES = 8 * 1024 * 1024

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


MAX_MAX_MB = 1024.0  # a limit beyond this is a typo (and no table that size would be read)


def _configured_mb() -> float | None:
    """``COVERAGE_ATLAS_UPLOAD_MAX_MB`` as megabytes, or None when it is unset or not a usable figure."""
    raw = os.environ.get(MAX_MB_ENV, "").strip()
    if not raw or not re.fullmatch(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+", raw):  # ASCII digits: no "２０", "1e3", "inf"
        return None
    mb = float(raw)
    return mb if 0 < mb <= MAX_MAX_MB else None


def upload_limit_problem() -> str | None:
    """What is wrong with ``COVERAGE_ATLAS_UPLOAD_MAX_MB`` (one line), or None when it is unset or usable."""
    raw = os.environ.get(MAX_MB_ENV)
    if raw is None or not raw.strip() or _configured_mb() is not None:
        return None
    return f"{MAX_MB_ENV}={raw.strip()[:40]!r} is not a size in megabytes above 0 and at most {MAX_MAX_MB:g} (e.g. 20)"


def max_upload_bytes() -> int:
    """The size limit: ``COVERAGE_ATLAS_UPLOAD_MAX_MB`` (megabytes, may be fractional) or 20 MB (also when the
    setting is unusable: :func:`upload_limit_problem` says so)."""
    mb = _configured_mb()
    return int((DEFAULT_MAX_MB if mb is None else mb) * 1024 * 1024)


def max_upload_mb() -> int:
    """The limit in whole megabytes, rounded up: what Streamlit's ``server.maxUploadSize`` and the file widget's
    ``max_upload_size`` take, so that the browser refuses a larger file before sending it."""
    return max(1, math.ceil(max_upload_bytes() / 1024 / 1024))


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.3g} MB"


def _too_large(name: str, max_bytes: int) -> UploadError:
    return UploadError(
        f"{name}: larger than the upload limit of {_mb(max_bytes)} (set {MAX_MB_ENV} to change it)",
        f"{name}：文件超过 {_mb(max_bytes)} 的上传上限",
    )


def _read_bytes(source: Source, name: str, max_bytes: int) -> bytes:
    """At most ``max_bytes`` + 1 bytes of ``source``: a device (/dev/zero), a pipe or ``<(…)`` has no size to check
    beforehand, so the limit is applied while reading and memory stays bounded for any input."""
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, str | os.PathLike):
        try:
            with open(source, "rb") as fh:
                info = os.fstat(fh.fileno())
                if stat.S_ISREG(info.st_mode) and info.st_size > max_bytes:
                    raise _too_large(name, max_bytes)  # without reading the file
                data = fh.read(max_bytes + 1)
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


_CHUNK = 1024 * 1024


def _decodes(data: bytes, encoding: str) -> None:
    """Raise UnicodeDecodeError (offsets into ``data``) unless ``data`` decodes as ``encoding``; decoded a chunk at
    a time, so a 20 MB file never becomes an 80 MB string at once."""
    decoder = codecs.getincrementaldecoder(encoding)()
    for start in range(0, len(data), _CHUNK) or (0,):
        chunk = data[start : start + _CHUNK]
        try:
            decoder.decode(chunk, final=start + _CHUNK >= len(data))
        except UnicodeDecodeError as exc:
            offset = start - (len(exc.object) - len(chunk))  # the decoder's held-over bytes come first
            raise UnicodeDecodeError(exc.encoding, data, offset + exc.start, offset + exc.end, exc.reason) from None


def csv_encoding(data: bytes, name: str, encoding: str | None = None) -> str:
    """The encoding ``data`` is read with. Detection: BOM → UTF-8/UTF-16; valid UTF-8; else GB18030 (GBK as saved
    by Excel). Raises UploadError naming the first row that cannot be read."""
    if encoding:
        try:
            _decodes(data, encoding)
            return encoding
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
        return csv_encoding(data, name, "utf-8-sig")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return csv_encoding(data, name, "utf-16")
    try:
        _decodes(data, "utf-8")
        return "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            _decodes(data, "gb18030")
            return "gb18030"
        except UnicodeDecodeError:
            row = _line_of(data, utf8_error.start)
            raise UploadError(
                f"{name}: row {row} is neither UTF-8 nor GBK/GB18030 text; choose the encoding by hand",
                f"{name}：第 {row} 行既不是 UTF-8 也不是 GBK/GB18030 编码，请手动选择编码",
            ) from utf8_error


def decode_csv(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str]:
    """(text, encoding used): :func:`csv_encoding`, then the whole text."""
    used = csv_encoding(data, name, encoding)
    return data.decode(used), used


def _csv_lines(data: bytes, encoding: str) -> Iterator[str]:
    """The decoded lines (with their endings, ``\\r`` too), one at a time; a BOM left by the encoding is dropped."""
    with io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="") as text:
        first = True
        for line in text:
            yield line.removeprefix("\ufeff") if first else line
            first = False


def _read_csv(data: bytes, name: str, encoding: str | None) -> UploadedTable:
    used = csv_encoding(data, name, encoding)
    head = "".join(line for line, _ in zip(_csv_lines(data, used), range(200), strict=False))[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(head, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        frame, blank = _table_from_rows(csv.reader(_csv_lines(data, used), dialect), name, first_row=1)
    except csv.Error as exc:
        raise UploadError(f"{name}: not a readable CSV table ({exc})", f"{name}：无法按 CSV 表格读取（{exc}）") from exc
    return UploadedTable(
        name=name,
        kind="csv",
        frame=frame,
        blank_rows=blank,
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
    return strip_format_controls(str(value)).strip()


def _too_many(name: str, what: str, limit: int) -> UploadError:
    return UploadError(
        f"{name}: more than {limit:,} {what}, too many to read; split the file",
        f"{name}：超过 {limit:,} {'行' if what == 'rows' else '个单元格'}，无法读取，请拆分文件",
    )


def _table_from_rows(
    rows: Iterable[Iterable[object]], name: str, first_row: int, empty: UploadError | None = None
) -> tuple[pd.DataFrame, tuple[int, ...]]:
    """Header and data rows of ``rows`` (read one at a time, within :data:`MAX_ROWS` and :data:`MAX_CELLS`);
    ``empty`` is the message for rows without any content."""
    blank: list[int] = []
    content: list[tuple[int, list[str]]] = []
    cells = 0
    for i, raw in enumerate(rows):
        if i >= MAX_ROWS:
            raise _too_many(name, "rows", MAX_ROWS)
        row = [_cell_text(v) for v in raw]
        while row and not row[-1]:
            row.pop()  # trailing empty cells (a spreadsheet's padding) hold nothing
        if not row:
            blank.append(first_row + i)
            continue
        cells += len(row)
        if cells > MAX_CELLS:
            raise _too_many(name, "cells", MAX_CELLS)
        content.append((first_row + i, row))
    if not content:
        raise empty or UploadError(f"{name}: the file is empty", f"{name}：文件为空")
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
            parts = archive.infolist()
            inflated = sum(info.file_size for info in parts)
            strings = sum(info.file_size for info in parts if info.filename.lower().endswith("sharedstrings.xml"))
            bad = archive.testzip()
        if bad is not None:
            raise UploadError(
                f"{name}: corrupt XLSX workbook (damaged part {bad})", f"{name}：XLSX 文件已损坏（损坏的部分：{bad}）"
            )
        if inflated > MAX_INFLATION * max(len(data), 1024 * 1024) or strings > MAX_SHARED_STRINGS_BYTES:
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


def _sheet_rows(book: Any, name: str, sheet: str, seen: dict[str, bool]) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows as openpyxl gives them, one at a time; ``seen["none"]`` is set when a cell has no value.
    Empty cells count too (a row styled out to column XFD is 16,384 of them), up to ten times :data:`MAX_CELLS`."""
    try:
        ws = book[sheet]
        ws.reset_dimensions()  # a wrong <dimension> (A1:XFD1048576) would pad every row to 16,384 cells
        count = 0
        for row in ws.iter_rows(values_only=True):
            count += len(row)
            if count > 10 * MAX_CELLS:
                raise _too_many(f"{name} [{sheet}]", "cells", MAX_CELLS)
            if not seen.get("none") and None in row:
                seen["none"] = True
            yield row
    except (KeyError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise UploadError(
            f"{name}: sheet {sheet!r} is corrupt ({type(exc).__name__})",
            f"{name}：工作表“{sheet}”已损坏（{type(exc).__name__}）",
        ) from exc


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
        seen: dict[str, bool] = {}
        frame, blank = _table_from_rows(
            _sheet_rows(book, name, chosen, seen),
            f"{name} [{chosen}]",
            first_row=1,
            empty=UploadError(f"{name}: sheet {chosen!r} is empty", f"{name}：工作表“{chosen}”为空"),
        )
    finally:
        book.close()
    missing = _formulas_without_value(data, name, chosen) if seen.get("none") else ()
    return UploadedTable(
        name=name,
        kind="xlsx",
        frame=frame,
        sheet=chosen,
        sheets=sheets,
        blank_rows=blank,
        formulas_without_value=missing,
    )


def _formulas_without_value(data: bytes, name: str, sheet: str) -> tuple[FormulaCell, ...]:
    """Cells holding a formula whose value Excel did not save (a file written by a program, not Excel): the
    formulas first, then their saved values, each read row by row."""
    from openpyxl.utils import get_column_letter

    formulas: dict[int, list[tuple[int, str]]] = {}  # row index -> (column index, formula)
    book = _open_workbook(data, name, data_only=False)
    try:
        for i, row in enumerate(_sheet_rows(book, name, sheet, {})):
            for j, cell in enumerate(row):
                if isinstance(cell, str) and cell.startswith("="):
                    formulas.setdefault(i, []).append((j, cell))
    finally:
        book.close()
    if not formulas:
        return ()
    found: list[FormulaCell] = []
    book = _open_workbook(data, name, data_only=True)
    try:
        for i, row in enumerate(_sheet_rows(book, name, sheet, {})):
            for j, formula in formulas.get(i, ()):
                if j >= len(row) or row[j] is None:
                    found.append(FormulaCell(i + 1, get_column_letter(j + 1), formula))
    finally:
        book.close()
    return tuple(found)
