"""What the plan view keeps in the user-layer store beside the layers: facility lists' types and townships, and
planners' own norms (SQLAlchemy Core, on the same database as layers/userstore.py).

Tables (created on first use, on an existing store too):
  * ``atlas_facility_sets``       — layer_id (the facility list's county count layer), version (of that layer),
                                    facility_type, township_year (the list the townships were matched in, or
                                    NULL), sites, placed (sites placed in a township);
  * ``atlas_facility_townships``  — layer_id, version, county_adcode, township_code ("" = located in the county
                                    but in no township), sites;
  * ``atlas_user_norms``          — id, title, title_en, theme, per, facility_type, required, people, age_group,
                                    source, quote, created, who.

A facility set is written in the transaction that saves its layers (``UserStore.save_many(..., also=…)``), and
goes with its layer (``ON DELETE CASCADE``). A later version of the layer (a table upload replacing it) leaves the
set on its own version: the plan then uses the new counts and says that the townships are of an older version.
Adding or deleting a norm writes an audit entry in the same transaction, so the store's revision changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from layers.norms import AGE_GROUPS, Norm, NormError, planner_norm
from layers.userstore import StoreError, UserStore, metadata

facility_sets = sa.Table(
    "atlas_facility_sets",
    metadata,
    sa.Column("layer_id", sa.Integer, sa.ForeignKey("atlas_user_layers.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("facility_type", sa.Text, nullable=False),
    sa.Column("township_year", sa.Integer, nullable=True),
    sa.Column("sites", sa.Integer, nullable=False),
    sa.Column("placed", sa.Integer, nullable=False),
)
facility_townships = sa.Table(
    "atlas_facility_townships",
    metadata,
    sa.Column("layer_id", sa.Integer, sa.ForeignKey("atlas_user_layers.id", ondelete="CASCADE"), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("county_adcode", sa.String(6), nullable=False),
    sa.Column("township_code", sa.String(9), nullable=False),
    sa.Column("sites", sa.Integer, nullable=False),
    sa.PrimaryKeyConstraint("layer_id", "version", "county_adcode", "township_code"),
)
user_norms = sa.Table(
    "atlas_user_norms",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("title_en", sa.Text, nullable=False),
    sa.Column("theme", sa.String(32), nullable=False),
    sa.Column("per", sa.String(16), nullable=False),
    sa.Column("facility_type", sa.Text, nullable=False),
    sa.Column("required", sa.Float, nullable=False),
    sa.Column("people", sa.Integer, nullable=True),
    sa.Column("age_group", sa.String(32), nullable=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("quote", sa.Text, nullable=False),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    sa.Column("who", sa.Text, nullable=False),
    sqlite_autoincrement=True,  # a deleted norm's id (in shared addresses) is never given to another
)
_TABLES = [facility_sets, facility_townships, user_norms]
_READY: set[str] = set()


def _ready(store: UserStore) -> None:
    """Create the plan tables on a store made before them (once per store URL per process)."""
    if store.url not in _READY:
        metadata.create_all(store.engine, tables=_TABLES, checkfirst=True)
        _READY.add(store.url)


@dataclass(frozen=True)
class FacilitySet:
    """A saved facility list as the plan's supply: its type and, if matched, its sites per township."""

    layer_id: int  # the county count layer (registry id ``user_<layer_id>``)
    version: int
    facility_type: str
    township_year: int | None
    sites: int
    placed: int
    townships: pd.DataFrame  # county, township ("" = in no township), sites

    def unplaced(self) -> pd.Series:
        """Located sites in no township, per county (0 where none)."""
        rows = self.townships[self.townships["township"] == ""]
        return rows.groupby("county")["sites"].sum()


def facility_writer(
    facility_type: str, township_year: int | None, counts: pd.DataFrame
) -> Callable[[Connection, list[int]], None]:
    """What ``UserStore.save_many(..., also=…)`` runs to record a facility upload: the type of the county count
    layer (the first layer saved) and its sites per (county, township) from ``counts`` (county, township, sites)."""
    if township_year is not None and counts.empty:
        raise StoreError("no located site to record")

    def write(conn: Connection, ids: list[int]) -> None:
        metadata.create_all(conn, tables=_TABLES, checkfirst=True)
        layer_id = ids[0]
        sites = int(counts["sites"].sum())
        placed = int(counts.loc[counts["township"] != "", "sites"].sum())
        conn.execute(
            sa.insert(facility_sets).values(
                layer_id=layer_id,
                version=1,
                facility_type=facility_type.strip(),  # "" when the planner named none
                township_year=township_year,
                sites=sites,
                placed=placed,
            )
        )
        if township_year is not None:
            conn.execute(
                sa.insert(facility_townships),
                [
                    {"layer_id": layer_id, "version": 1, "county_adcode": c, "township_code": t, "sites": int(n)}
                    for c, t, n in zip(counts["county"], counts["township"], counts["sites"], strict=True)
                ],
            )

    return write


def facility_sets_of(store: UserStore) -> dict[int, FacilitySet]:
    """Every saved facility list, keyed by its county count layer's store id."""
    _ready(store)
    with store.engine.connect() as conn:
        sets = conn.execute(sa.select(facility_sets)).all()
        rows = conn.execute(sa.select(facility_townships)).all()
    by_layer: dict[tuple[int, int], list[tuple[str, str, int]]] = {}
    for r in rows:
        by_layer.setdefault((int(r.layer_id), int(r.version)), []).append(
            (str(r.county_adcode), str(r.township_code), int(r.sites))
        )
    out = {}
    for s in sets:
        key = (int(s.layer_id), int(s.version))
        townships = pd.DataFrame(by_layer.get(key, []), columns=["county", "township", "sites"])
        out[key[0]] = FacilitySet(
            key[0],
            key[1],
            str(s.facility_type),
            None if s.township_year is None else int(s.township_year),
            int(s.sites),
            int(s.placed),
            townships,
        )
    return out


# --- planners' norms ------------------------------------------------------------------------------------


def _norm(row: Any) -> Norm:
    return planner_norm(
        int(row.id),
        title=str(row.title),
        title_en=str(row.title_en),
        theme=str(row.theme),
        per=str(row.per),
        facility_type=str(row.facility_type),
        required=float(row.required),
        people=None if row.people is None else int(row.people),
        age_group=None if row.age_group is None else str(row.age_group),
        source=str(row.source),
        quote=str(row.quote),
    )


def planner_norms(store: UserStore) -> list[Norm]:
    _ready(store)
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(user_norms).order_by(user_norms.c.id)).all()
    return [_norm(r) for r in rows]


@dataclass(frozen=True)
class NewNorm:
    """What a planner says about a norm of their own; the source line is required."""

    title: str
    per: str
    facility_type: str
    required: float
    source: str
    theme: str = ""
    title_en: str = ""
    people: int | None = None
    age_group: str | None = None
    quote: str = ""

    def check(self) -> Norm:
        """The norm it makes (raises :class:`NormError` naming what is missing or wrong)."""
        if self.age_group is not None and self.age_group not in AGE_GROUPS:
            raise NormError(f"age group {self.age_group!r} is not one of {', '.join(AGE_GROUPS)}")
        return planner_norm(
            0,
            title=self.title,
            title_en=self.title_en,
            theme=self.theme,
            per=self.per,
            facility_type=self.facility_type,
            required=self.required,
            people=self.people,
            age_group=self.age_group,
            source=self.source,
            quote=self.quote,
        )


def add_norms(store: UserStore, norms: list[NewNorm], who: str) -> list[Norm]:
    """Save planners' norms (all or none, with an audit entry each); returns them with their ids."""
    checked = [n.check() for n in norms]
    if not checked:
        raise StoreError("no norms to save")
    _ready(store)
    now = datetime.now(UTC)
    saved = []
    with store.engine.begin() as conn:
        for norm in checked:
            inserted = conn.execute(
                sa.insert(user_norms).values(
                    title=norm.title_zh,
                    title_en=norm.title_en,
                    theme=norm.theme,
                    per=norm.per,
                    facility_type=norm.facility_type,
                    required=norm.required,
                    people=norm.people,
                    age_group=norm.age_group,
                    source=norm.source_zh,
                    quote=norm.quote,
                    created=now,
                    who=who or "anonymous",
                )
            ).inserted_primary_key
            assert inserted is not None
            new_id = int(inserted[0])
            _audit(conn, who, "norm_create", {"norm": new_id, "title": norm.title_zh, "source": norm.source_zh})
            row = conn.execute(sa.select(user_norms).where(user_norms.c.id == new_id)).one()
            saved.append(_norm(row))
    return saved


def delete_norm(store: UserStore, norm_id: int, who: str) -> None:
    _ready(store)
    with store.engine.begin() as conn:
        row = conn.execute(sa.select(user_norms).where(user_norms.c.id == norm_id)).first()
        if row is None:
            raise StoreError(f"no planner's norm {norm_id}")
        conn.execute(sa.delete(user_norms).where(user_norms.c.id == norm_id))
        _audit(conn, who, "norm_delete", {"norm": norm_id, "title": str(row.title)})


def _audit(conn: Connection, who: str, action: str, details: dict[str, Any]) -> None:
    UserStore._audit(conn, who, action, None, details)  # the layers' log; no layer id: the entry is about a norm


# --- norms from a file -------------------------------------------------------------------------------------

# Column names a planner's norms file may use (Chinese or English), and the words for units and age groups.
NORM_COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("标题", "规范", "title"),
    "title_en": ("英文标题", "title_en"),
    "theme": ("主题", "theme"),
    "per": ("单位", "计算单位", "per"),
    "facility_type": ("设施类型", "设施", "facility_type"),
    "required": ("每单位数量", "数量", "required"),
    "people": ("人数", "people"),
    "age_group": ("年龄组", "人口", "age_group"),
    "source": ("来源", "出处", "source"),
    "quote": ("原文", "quote"),
}
UNIT_WORDS = {
    "county": ("county", "县", "县级", "县（市、区）"),
    "township": ("township", "乡", "乡镇", "乡镇（街道）", "乡级"),
    "village": ("village", "村", "村（社区）", "村级"),
    "people": ("people", "人口", "人"),
}
AGE_WORDS = {
    "pop_total": ("pop_total", "常住人口", "全部"),
    "pop_60plus": ("pop_60plus", "60岁及以上", "60+"),
    "pop_65plus": ("pop_65plus", "65岁及以上", "65+"),
    "pop_0_14": ("pop_0_14", "0–14岁", "0-14岁", "0-14", "儿童"),
}


def _word(text: str, words: dict[str, tuple[str, ...]]) -> str | None:
    text = text.strip()
    return next((key for key, options in words.items() if text in options), None)


def norms_from_table(frame: pd.DataFrame, name: str) -> tuple[list[NewNorm], list[str]]:
    """Planners' norms from an uploaded table (one norm a row; index = the row numbers a spreadsheet shows).
    Returns the norms and one message per problem (file, row, column, what); a file with problems saves none."""
    columns: dict[str, str] = {}
    for key, options in NORM_COLUMNS.items():
        found = [str(c) for c in frame.columns if str(c).strip() in options]
        if found:
            columns[key] = found[0]
    needed = ("title", "per", "facility_type", "required", "source")
    missing = [f"{NORM_COLUMNS[k][0]}/{k}" for k in needed if k not in columns]
    if missing:
        return [], [f"{name}: missing column(s) {', '.join(missing)}"]
    norms: list[NewNorm] = []
    problems: list[str] = []
    for row, record in frame.iterrows():
        cells = {key: str(record[column]).strip() for key, column in columns.items()}
        result = _norm_row(cells, columns, f"{name}: row {row}")
        if isinstance(result, str):
            problems.append(result)
        else:
            norms.append(result)
    return norms, problems


def _norm_row(cells: dict[str, str], columns: dict[str, str], where: str) -> NewNorm | str:
    """One row's norm, or the message naming its problem."""
    per = _word(cells["per"], UNIT_WORDS)
    if per is None:
        words = "县/乡镇/村/人口 (county/township/village/people)"
        return f"{where}, column {columns['per']}: {cells['per']!r} is not one of {words}"
    try:
        required = float(cells["required"].replace(",", ""))
    except ValueError:
        return f"{where}, column {columns['required']}: {cells['required']!r} is not a number"
    people: int | None = None
    age: str | None = None
    if per == "people":
        try:
            people = int(cells.get("people", "").replace(",", ""))
        except ValueError:
            return f"{where}, column {columns.get('people', '人数')}: {cells.get('people', '')!r} is not a whole number"
        age = _word(cells.get("age_group", ""), AGE_WORDS)
        if age is None:
            column = columns.get("age_group", "年龄组")
            return f"{where}, column {column}: {cells.get('age_group', '')!r} is not an age group (60岁及以上 …)"
    new = NewNorm(
        title=cells["title"],
        per=per,
        facility_type=cells["facility_type"],
        required=required,
        source=cells["source"],
        theme=cells.get("theme", ""),
        title_en=cells.get("title_en", ""),
        people=people,
        age_group=age,
        quote=cells.get("quote", ""),
    )
    try:
        new.check()
    except NormError as exc:
        return f"{where}: {exc}"
    return new
