"""Match a planner's column of region references to today's codes, and check the value columns beside it.

Every reference goes through the gazetteer (:mod:`geodata.codes`): six-digit codes (current, or old ones
followed through the crosswalk), full and short names, aliases and bare stems, ``内江市市中区`` and
``市中区(内江)``. Each *distinct* reference is resolved once and the answers are mapped back onto the rows
with pandas, so a 5,000-row table costs a few hundred lookups (see ``bench/import.py``).

Row numbers are the ones a planner sees in the file: the header is row 1, the first data row is row 2
(``first_row`` changes that, e.g. for a sheet whose header is not on the first line).

No Streamlit here; the upload page and ``coverage-atlas import`` both read :class:`MatchReport`.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import pandas as pd

from geodata.codes import (
    AmbiguousRegionError,
    NoBoundaryError,
    RegionLookupError,
    UnknownRegionError,
    gazetteer,
)

Status = Literal["matched", "unmatched", "ambiguous", "other_level", "no_boundary", "empty"]
ValueIssue = Literal["empty", "non_numeric", "negative"]
MATCH_LEVELS = ("prefecture", "county")
STATUSES: tuple[Status, ...] = ("matched", "unmatched", "ambiguous", "other_level", "no_boundary", "empty")


@dataclass(frozen=True)
class Candidate:
    """A region a reference may have meant: its code and full label (``内江市市中区``)."""

    code: str
    label: str


@dataclass(frozen=True)
class RowMatch:
    """What one row's region reference matched.

    ``status``:
      * ``matched``     — ``code`` is today's code at the chosen level;
      * ``unmatched``   — no region of that name or code; ``candidates`` are the closest names;
      * ``ambiguous``   — several regions (市中区 in 内江 and 乐山); ``candidates`` lists them, add the prefecture;
      * ``other_level`` — a region of another level (a prefecture in a county table); ``code`` is that region;
      * ``no_boundary`` — a statistical development zone (内江经济开发区) with no outline; ``code`` is the zone,
                          ``candidates`` its district of record is not implied: the planner decides;
      * ``empty``       — the region cell is empty.
    """

    row: int
    query: str
    status: Status
    code: str | None
    label: str
    candidates: tuple[Candidate, ...]
    message: str


@dataclass(frozen=True)
class ValueProblem:
    """A value cell that is empty, not a number, or negative (``raw`` as written in the file)."""

    row: int
    column: str
    raw: str
    issue: ValueIssue


@dataclass(frozen=True)
class Duplicate:
    """One region named on more than one matched row (its figure would be ambiguous)."""

    code: str
    label: str
    rows: tuple[int, ...]


@dataclass(frozen=True)
class MatchReport:
    """The result of :func:`match_table`: nothing in the input is left out of it.

    ``rows`` has one entry per input row, in file order; ``values`` holds the value columns parsed as
    floats (NaN where a cell is empty or not a number), indexed like the input.
    """

    level: str
    region_column: str
    value_columns: tuple[str, ...]
    rows: tuple[RowMatch, ...]
    duplicates: tuple[Duplicate, ...]
    value_problems: tuple[ValueProblem, ...]
    values: pd.DataFrame = field(repr=False, compare=False)
    codes: pd.Series = field(repr=False, compare=False)  # matched code per input row, None otherwise

    # --- summaries --------------------------------------------------------------------------
    def by_status(self, status: Status) -> tuple[RowMatch, ...]:
        return tuple(r for r in self.rows if r.status == status)

    @property
    def matched(self) -> tuple[RowMatch, ...]:
        return self.by_status("matched")

    @property
    def not_matched(self) -> tuple[RowMatch, ...]:
        """Every row that did not give a code at the chosen level (unmatched, ambiguous, other level, zone, empty)."""
        return tuple(r for r in self.rows if r.status != "matched")

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = dict.fromkeys(STATUSES, 0)
        for r in self.rows:
            out[r.status] += 1
        return out

    def problems(self, column: str | None = None, issue: ValueIssue | None = None) -> tuple[ValueProblem, ...]:
        return tuple(
            p
            for p in self.value_problems
            if (column is None or p.column == column) and (issue is None or p.issue == issue)
        )

    @property
    def ok(self) -> bool:
        """True when every row matched once and every value is a non-negative number (empty cells allowed)."""
        return not self.not_matched and not self.duplicates and not any(p.issue != "empty" for p in self.value_problems)

    def layer_values(self, column: str) -> pd.Series:
        """The figures of one value column keyed by today's code (float, NaN = no data), matched rows only.

        Raises ``ValueError`` when a region is named twice: which row counts is the planner's choice.
        """
        if column not in self.value_columns:
            raise ValueError(f"{column!r} is not one of the value columns {list(self.value_columns)}")
        if self.duplicates:
            listing = "; ".join(f"{d.code} {d.label} (rows {', '.join(map(str, d.rows))})" for d in self.duplicates)
            raise ValueError(f"regions named on more than one row: {listing}")
        keep = self.codes.notna()
        series = pd.Series(self.values.loc[keep, column].to_numpy(dtype=float), index=self.codes[keep].astype(str))
        series.index.name = "adcode"
        series.name = column
        return series.sort_index()

    def lines(self) -> list[str]:
        """The report as plain text lines (one per problem), for the CLI and logs."""
        c = self.counts()
        out = [
            f"{len(self.rows)} rows: {c['matched']} matched at {self.level} level, {c['unmatched']} unmatched, "
            f"{c['ambiguous']} ambiguous, {c['other_level']} of another level, {c['no_boundary']} development "
            f"zone(s) without boundary, {c['empty']} empty; {len(self.duplicates)} duplicate region(s); "
            f"{len(self.value_problems)} value problem(s)"
        ]
        out += [f"row {r.row}: {r.message}" for r in self.not_matched]
        out += [
            f"rows {', '.join(map(str, d.rows))}: {d.code} {d.label} appears {len(d.rows)} times"
            for d in self.duplicates
        ]
        words = {"empty": "empty (no data)", "non_numeric": "is not a number", "negative": "is negative"}
        out += [
            f"row {p.row}, column {p.column!r}: {p.raw!r} {words[p.issue]}"
            if p.issue != "empty"
            # an empty cell is shown as such, not as ''
            else f"row {p.row}, column {p.column!r}: {words[p.issue]}"
            for p in self.value_problems
        ]
        return out


# --- references ---------------------------------------------------------------------------------
_FLOAT_CODE = re.compile(r"(\d{6})\.0*")


def normalise_reference(raw: object) -> str:
    """The text of a region cell as the gazetteer should see it.

    Excel stores a code column as numbers (510104 → 510104.0); full-width digits and brackets (５１０１０４,
    （内江）) are folded by NFKC; surrounding whitespace goes. ``None``/NaN give ``""``.
    """
    if raw is None or (isinstance(raw, float) and pd.isna(raw)):
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    m = _FLOAT_CODE.fullmatch(text)
    return m.group(1) if m else text


@lru_cache(maxsize=1)
def _name_index() -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    """Every spelling the gazetteer knows (with the prefecture-prefixed county names), and its codes."""
    gaz = gazetteer()
    names: dict[str, set[str]] = {}
    for name, codes in gaz.names().items():
        names.setdefault(name, set()).update(codes)
    for level in MATCH_LEVELS:
        for d in gaz.current(level):
            names.setdefault(gaz.full_label(d.adcode), set()).add(d.adcode)
    return tuple(sorted(names)), {k: tuple(sorted(v)) for k, v in names.items()}


def closest(query: str, level: str, n: int = 3) -> tuple[Candidate, ...]:
    """The regions of ``level`` whose names (or codes) look most like ``query`` (difflib ratio ≥ 0.5)."""
    gaz = gazetteer()
    if re.fullmatch(r"\d{6}", query):
        pool = [d.adcode for d in gaz.current(level)]
        hits = difflib.get_close_matches(query, pool, n=n, cutoff=0.6)
        return tuple(Candidate(c, gaz.full_label(c)) for c in hits)
    spellings, codes_of = _name_index()
    out: list[Candidate] = []
    for hit in difflib.get_close_matches(query, spellings, n=n * 4, cutoff=0.5):
        for code in codes_of[hit]:
            current = gaz.current_code(code)
            d = gaz.by_code.get(current)
            if d is None or not d.is_current or d.level != level:
                continue
            cand = Candidate(current, gaz.full_label(current))
            if cand not in out:
                out.append(cand)
    return tuple(out[:n])


def _candidates(codes: Iterable[str]) -> tuple[Candidate, ...]:
    gaz = gazetteer()
    return tuple(Candidate(c, gaz.full_label(c)) for c in codes)


def match_reference(query: str, level: str) -> tuple[Status, str | None, tuple[Candidate, ...], str]:
    """(status, code, candidates, message) for one normalised reference at ``level`` (see :class:`RowMatch`)."""
    if level not in MATCH_LEVELS:
        raise ValueError(f"level must be one of {MATCH_LEVELS}, not {level!r}")
    gaz = gazetteer()
    if not query:
        return "empty", None, (), "the region cell is empty"
    try:
        code = gaz.resolve(query, level)
        return "matched", code, (), f"{query!r} → {code} {gaz.full_label(code)}"
    except NoBoundaryError as exc:
        return "no_boundary", exc.zone.adcode, (), str(exc)
    except AmbiguousRegionError as exc:
        return "ambiguous", None, _candidates(exc.candidates), str(exc)
    except UnknownRegionError as exc:
        at_level = exc
    # Not a region of this level: is it one of another level (a prefecture in a county table)?
    try:
        other = gaz.resolve(query)
    except AmbiguousRegionError as exc:
        return "ambiguous", None, _candidates(exc.candidates), str(exc)
    except NoBoundaryError as exc:
        return "no_boundary", exc.zone.adcode, (), str(exc)
    except RegionLookupError:
        cands = closest(query, level)
        hint = "; closest: " + ", ".join(f"{c.code} {c.label}" for c in cands) if cands else ""
        return "unmatched", None, cands, f"{at_level}{hint}"
    d = gaz.by_code[other]
    return (
        "other_level",
        other,
        (),
        f"{query!r} is {other} {gaz.full_label(other)}, a {d.level}; this table is at {level} level",
    )


# --- values -------------------------------------------------------------------------------------
def parse_numbers(column: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(values as float, empty mask, non-numeric mask) for one column of cells, vectorised.

    Accepted: numbers, and text such as ``1,234`` / ``１２３４`` / `` 12.5 ``; not accepted: ``12%``, ``约30``,
    ``n/a`` (reported, never guessed). Booleans are not numbers.
    """
    text = column.map(lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v))
    text = text.map(lambda s: unicodedata.normalize("NFKC", s).strip())
    empty = text.eq("")
    cleaned = text.str.replace(r"(?<=\d),(?=\d{3}(\D|$))", "", regex=True)
    numbers = pd.to_numeric(cleaned.where(~empty), errors="coerce").astype(float)
    is_bool = column.map(lambda v: isinstance(v, bool))
    numbers[is_bool] = float("nan")
    bad = ~empty & (numbers.isna() | is_bool | ~numbers.map(lambda x: pd.isna(x) or abs(x) != float("inf")))
    numbers[bad] = float("nan")
    return numbers, empty, bad


# --- the table ----------------------------------------------------------------------------------
def match_table(
    table: pd.DataFrame,
    region_column: str,
    value_columns: Sequence[str] = (),
    level: str = "county",
    *,
    first_row: int = 2,
    row_numbers: Sequence[int] | None = None,
) -> MatchReport:
    """Match ``table[region_column]`` to today's codes at ``level`` and check ``value_columns``.

    Row numbers in the report: ``row_numbers`` when given (one per table row, e.g. the index of
    ``layers.uploads.read_table(...).frame``, which skips blank rows), else ``first_row`` (the file row of
    the first data row, 2 when the header is row 1) counting up. Every input row appears in the report.
    """
    if level not in MATCH_LEVELS:
        raise ValueError(f"level must be one of {MATCH_LEVELS}, not {level!r}")
    missing = [c for c in (region_column, *value_columns) if c not in table.columns]
    if missing:
        raise KeyError(f"no column(s) {missing} in the table; it has {[str(c) for c in table.columns]}")
    gaz = gazetteer()
    refs = table[region_column].map(normalise_reference)
    answers = {q: match_reference(q, level) for q in pd.unique(refs)}
    labels = {q: gaz.full_label(a[1]) if a[1] else "" for q, a in answers.items()}
    if row_numbers is None:
        row_numbers = range(first_row, first_row + len(table))
    elif len(row_numbers) != len(table):
        raise ValueError(f"{len(row_numbers)} row numbers for {len(table)} rows")
    rows = tuple(
        RowMatch(
            row=n,
            query=q,
            status=answers[q][0],
            code=answers[q][1],
            label=labels[q],
            candidates=answers[q][2],
            message=answers[q][3],
        )
        for n, q in zip(row_numbers, refs, strict=True)
    )
    matched = pd.Series(
        [answers[q][1] if answers[q][0] == "matched" else None for q in refs], index=table.index, dtype=object
    )
    numbers = pd.Series([int(n) for n in row_numbers], index=table.index)
    dup_mask = matched.notna() & matched.duplicated(keep=False)
    duplicates = tuple(
        Duplicate(str(code), gaz.full_label(str(code)), tuple(int(n) for n in grp))
        for code, grp in numbers[dup_mask].groupby(matched[dup_mask], sort=True)
    )
    values = pd.DataFrame(index=table.index)
    problems: list[tuple[int, int, ValueProblem]] = []
    for ci, col in enumerate(value_columns):
        parsed, empty, bad = parse_numbers(table[col])
        values[col] = parsed
        negative = parsed < 0
        raw = table[col]
        checks: tuple[tuple[ValueIssue, pd.Series], ...] = (
            ("empty", empty),
            ("non_numeric", bad),
            ("negative", negative),
        )
        for issue, mask in checks:
            for idx in table.index[mask.to_numpy()]:
                n = int(numbers[idx])
                problems.append((n, ci, ValueProblem(n, str(col), normalise_reference(raw[idx]), issue)))
    problems.sort(key=lambda p: (p[0], p[1]))
    return MatchReport(
        level=level,
        region_column=str(region_column),
        value_columns=tuple(str(c) for c in value_columns),
        rows=rows,
        duplicates=duplicates,
        value_problems=tuple(p for _, _, p in problems),
        values=values,
        codes=matched,
    )


def match_table_naive(
    table: pd.DataFrame, region_column: str, value_columns: Sequence[str] = (), level: str = "county"
) -> list[tuple[int, Status, str | None]]:
    """The per-row loop :func:`match_table` replaces (one gazetteer lookup per row); kept for the benchmark."""
    out: list[tuple[int, Status, str | None]] = []
    for i, (_, row) in enumerate(table.iterrows(), start=2):
        status, code, _, _ = match_reference(normalise_reference(row[region_column]), level)
        for col in value_columns:
            parse_numbers(pd.Series([row[col]]))
        out.append((i, status, code))
    return out
