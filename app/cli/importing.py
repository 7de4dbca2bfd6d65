"""``coverage-atlas import``: a planner's table → match report → saved user layers (one per value column).

Exit status: 0 saved (or, with ``--dry-run``, would be saved); 1 the table has rows or values that stop the
import (the report says which); 2 the file, a column or an option is unusable (one line naming it).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from app.cli.export import one_line_errors
from app.cli.text import printable

PROG = "coverage-atlas import"


def _year(text: str) -> str:
    """``--year``: a year or a range (2018–2021); argparse turns the error into its one line."""
    from layers.userstore import StoreError, normalise_year

    try:
        return normalise_year(text)
    except StoreError as exc:
        raise argparse.ArgumentTypeError(printable(str(exc))) from None


def add_subcommand(sub: Any) -> None:
    p = sub.add_parser(
        "import",
        help="import a CSV/XLSX table of figures per region as user layers",
        description="Match a table's region column to today's codes, report every problem, and save each value "
        "column as a user layer in the store.",
    )
    one_line_errors(p)  # a mistyped option gets one line, not the usage
    p.add_argument("file", help="CSV (UTF-8, UTF-8 with BOM, GBK/GB18030) or XLSX file")
    p.add_argument("--region-column", required=True, help="column with region codes or names")
    p.add_argument(
        "--value-column", required=True, action="append", dest="value_columns", help="a column of figures (repeat)"
    )
    p.add_argument("--title", required=True, action="append", dest="titles", help="layer title (once, or per column)")
    p.add_argument("--unit", required=True, action="append", dest="units", help="unit (once, or per column)")
    p.add_argument("--year", required=True, type=_year, help="year of the figures, or a range: 2018–2021")
    p.add_argument("--source", required=True, help="where the figures come from")
    p.add_argument("--level", choices=["county", "prefecture"], default="county")
    p.add_argument("--kind", choices=["count", "rate", "share"], default="count")
    p.add_argument("--sheet", help="XLSX sheet (default: the first)")
    p.add_argument("--encoding", help="CSV encoding (default: detected)")
    p.add_argument(
        "--allow-unmatched",
        action="store_true",
        help="save although some rows match no region at this level (they are listed and left out)",
    )
    p.add_argument("--allow-negative", action="store_true", help="save negative figures (they are listed)")
    p.add_argument("--dry-run", action="store_true", help="print the match report, save nothing")
    p.add_argument("--store", help="store URL or SQLite path (default: $COVERAGE_ATLAS_STORE or the cache folder)")
    p.set_defaults(func=run)


def _fail(message: str) -> int:
    print(f"{PROG}: error: {printable(message)}", file=sys.stderr)
    return 2


def _per_column(values: list[str], columns: list[str], what: str) -> list[str] | None:
    if len(values) == 1:
        return values * len(columns)
    if len(values) == len(columns):
        return values
    return None


def _who() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _safe_url(url: str | None) -> str:
    """The store URL without its password, for messages."""
    from layers.userstore import StoreError, safe_url, store_url

    try:
        return safe_url(store_url(url))
    except StoreError:
        return safe_url(url or "") or "(the store URL)"


def run(args: argparse.Namespace) -> int:
    from layers.upload.read import UploadError, read_table  # the upload page's reader: encodings, XLSX, size limit

    path = Path(args.file)
    name = str(path)
    columns: list[str] = args.value_columns
    titles = _per_column(args.titles, columns, "--title")
    units = _per_column(args.units, columns, "--unit")
    if titles is None or units is None:
        return _fail(f"give --title and --unit once, or once per --value-column ({len(columns)})")
    if len(set(columns)) != len(columns):
        return _fail("a --value-column is given twice")
    if args.region_column in columns:
        return _fail(
            f"column {args.region_column!r} is given as --region-column and as --value-column; "
            "a column holds either the regions or their figures"
        )
    from layers.upload.read import upload_limit_problem

    problem = upload_limit_problem()
    if problem:
        return _fail(f"{problem}: set it right or unset it (the default is 20 MB)")
    try:
        table = read_table(path, name=name, encoding=args.encoding, sheet=args.sheet)
    except UploadError as exc:
        return _fail(str(exc))
    frame = table.frame
    # Imported after reading: geopandas & co. are not in memory while a large file is (bounded to 300 MB in all).
    from geodata.matching import match_table
    from layers.userstore import NewLayer, StoreError, StoreUnavailable, open_store

    missing = [c for c in (args.region_column, *columns) if c not in frame.columns]
    if missing:
        have = ", ".join(repr(str(c)) for c in frame.columns)
        return _fail(f"{name}: no column {', '.join(map(repr, missing))}; the header has {have}")
    report = match_table(frame, args.region_column, columns, args.level, row_numbers=list(frame.index))
    for line in report.lines():
        print(f"{printable(name)}: {printable(line)}")

    blocking = []
    if report.duplicates:
        blocking.append("regions named on more than one row")
    if report.problems(issue="non_numeric"):
        blocking.append("values that are not numbers")
    if report.problems(issue="negative") and not args.allow_negative:
        blocking.append("negative values (--allow-negative to keep them)")
    if report.not_matched and not args.allow_unmatched:
        blocking.append(f"{len(report.not_matched)} row(s) not matched at {args.level} level (--allow-unmatched)")
    if not report.matched:
        blocking.append("no row matched")
    if blocking:
        print(f"{PROG}: {printable(name)}: nothing saved: {'; '.join(blocking)}", file=sys.stderr)
        return 1
    if args.dry_run:
        print(f"{PROG}: {printable(name)}: dry run, nothing saved")
        return 0
    layers = [
        (
            NewLayer(
                title=title if len(set(titles)) == len(titles) else f"{title}（{column}）",
                unit=unit,
                year=args.year,
                source=args.source,
                level=args.level,
                kind=args.kind,
            ),
            report.layer_values(column),
        )
        for column, title, unit in zip(columns, titles, units, strict=True)
    ]
    try:
        saved = open_store(args.store).save_many(layers, _who())
    except StoreUnavailable as exc:  # names the store (without its password) and what to do; nothing was saved
        return _fail(f"{exc} (nothing was saved)")
    except StoreError as exc:
        return _fail(f"{name}: {exc}")
    except Exception as exc:  # anything else from the database; nothing was saved
        # SQLAlchemy's message may quote the URL: name the store without its password instead.
        return _fail(f"store {_safe_url(args.store)}: {type(exc).__name__} (nothing was saved)")
    for rec in saved:
        count = len(report.layer_values(columns[saved.index(rec)]).dropna())
        print(f"saved {rec.layer_id} {printable(rec.title)!s} ({rec.level}, version {rec.version}): {count} regions")
    return 0
