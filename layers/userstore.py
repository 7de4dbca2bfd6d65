"""The store of planners' own layers: SQLite by default, PostgreSQL for a team (SQLAlchemy 2.x Core).

Where: ``$COVERAGE_ATLAS_STORE`` — an SQLAlchemy URL (``sqlite:///…``, ``postgresql+psycopg://user@host/db``;
``postgresql://`` is read as psycopg) or a plain file path for SQLite; unset: ``user_layers.sqlite`` in the
cache folder (``$COVERAGE_ATLAS_CACHE`` or ``~/.cache/coverage-atlas``, subfolder ``store``).

Tables (created on first use):
  * ``atlas_user_layers``  — id, title, unit, year, source, level, kind, created, updated, version;
  * ``atlas_user_values``  — layer_id, version, adcode, value (NULL = no data); earlier versions are kept;
  * ``atlas_audit``        — id, at, who, action, layer_id, details (JSON text).

Every change (save, replace, rename, delete) is ONE transaction that also writes its audit row: a failure
anywhere inside it (a bad value, a dropped connection, an exception in this process) leaves the store as
it was. No Streamlit here; the UI decides who may call the changing methods (app/auth.py).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from geodata.cache_dir import cache_dir
from geodata.codes import gazetteer

STORE_ENV = "COVERAGE_ATLAS_STORE"
USER_LEVELS = ("prefecture", "county")
USER_KINDS = ("count", "rate", "share")  # categories are not uploaded as figures
ACTIONS = ("create", "replace", "rename", "delete")
_CHUNK = 500  # rows per INSERT: keeps statements small on PostgreSQL and SQLite alike

metadata = sa.MetaData()
user_layers = sa.Table(
    "atlas_user_layers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("unit", sa.Text, nullable=False),
    sa.Column("year", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("level", sa.String(16), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sqlite_autoincrement=True,  # a deleted layer's id is never given to a new one
)
user_values = sa.Table(
    "atlas_user_values",
    metadata,
    sa.Column("layer_id", sa.Integer, sa.ForeignKey("atlas_user_layers.id", ondelete="CASCADE"), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("adcode", sa.String(6), nullable=False),
    sa.Column("value", sa.Float, nullable=True),
    sa.PrimaryKeyConstraint("layer_id", "version", "adcode"),
)
audit_log = sa.Table(
    "atlas_audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("who", sa.Text, nullable=False),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("layer_id", sa.Integer, nullable=True),  # no foreign key: the entry outlives a deleted layer
    sa.Column("details", sa.Text, nullable=False),
    sqlite_autoincrement=True,
)


class StoreError(ValueError):
    """A request the store refuses (unknown layer, bad level, a value that is not a number …)."""


@dataclass(frozen=True)
class NewLayer:
    """What a planner says about a new layer (every figure shown carries unit, year and source)."""

    title: str
    unit: str
    year: str
    source: str
    level: str = "county"
    kind: str = "count"


@dataclass(frozen=True)
class UserLayer:
    """One saved layer's record (its values: :meth:`UserStore.load`)."""

    id: int
    title: str
    unit: str
    year: str
    source: str
    level: str
    kind: str
    created: datetime
    updated: datetime
    version: int

    @property
    def layer_id(self) -> str:
        """Its id in the layer registry and in URLs (``user_3``)."""
        return f"user_{self.id}"


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    who: str
    action: str
    layer_id: int | None
    details: dict[str, Any]


def store_url(url: str | None = None) -> str:
    """The SQLAlchemy URL of the store: ``url``, else ``$COVERAGE_ATLAS_STORE``, else the default SQLite file."""
    text = (url or os.environ.get(STORE_ENV) or "").strip()
    if not text:
        return f"sqlite:///{cache_dir('store') / 'user_layers.sqlite'}"
    if "://" not in text:  # a file path
        path = os.path.abspath(os.path.expanduser(text))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        return f"sqlite:///{path}"
    for plain in ("postgresql://", "postgres://"):
        if text.startswith(plain):
            return "postgresql+psycopg://" + text[len(plain) :]
    return text


def _utc(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything is written in UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _now() -> datetime:
    return datetime.now(UTC)


def _record(row: sa.Row[Any]) -> UserLayer:
    m = row._mapping
    return UserLayer(
        id=int(m["id"]),
        title=str(m["title"]),
        unit=str(m["unit"]),
        year=str(m["year"]),
        source=str(m["source"]),
        level=str(m["level"]),
        kind=str(m["kind"]),
        created=_utc(m["created"]),
        updated=_utc(m["updated"]),
        version=int(m["version"]),
    )


class UserStore:
    """Saved user layers in one database. Create with :func:`open_store` (one engine per URL per process)."""

    def __init__(self, url: str | None = None, *, engine: Engine | None = None):
        self.url = store_url(url)
        self.engine = engine or self._engine(self.url)
        metadata.create_all(self.engine, checkfirst=True)

    @staticmethod
    def _engine(url: str) -> Engine:
        if url.startswith("sqlite"):
            # Several app processes may share the file: wait for a writer rather than fail at once.
            engine = sa.create_engine(url, connect_args={"timeout": 30})

            @sa.event.listens_for(engine, "connect")
            def _pragmas(dbapi_connection: Any, _record: Any) -> None:
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.close()

            return engine
        return sa.create_engine(url, pool_pre_ping=True)

    # --- reading --------------------------------------------------------------------------
    def list_layers(self) -> list[UserLayer]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(user_layers).order_by(user_layers.c.id)).all()
        return [_record(r) for r in rows]

    def get(self, layer_id: int) -> UserLayer:
        with self.engine.connect() as conn:
            return self._get(conn, layer_id)

    def load(self, layer_id: int, version: int | None = None) -> pd.Series:
        """The layer's figures (float, NaN = no data) keyed by code; the current version unless ``version``."""
        with self.engine.connect() as conn:
            record = self._get(conn, layer_id)
            rows = conn.execute(
                sa.select(user_values.c.adcode, user_values.c.value)
                .where(user_values.c.layer_id == layer_id, user_values.c.version == (version or record.version))
                .order_by(user_values.c.adcode)
            ).all()
        if version is not None and not rows and version != record.version:
            raise StoreError(f"user layer {layer_id} has no version {version} (current: {record.version})")
        series = pd.Series(
            [math.nan if r.value is None else float(r.value) for r in rows],
            index=pd.Index([str(r.adcode) for r in rows], name="adcode"),
            dtype=float,
        )
        series.name = f"user_{layer_id}"
        return series

    def load_all(self) -> list[tuple[UserLayer, pd.Series]]:
        """Every layer with its current figures, read in one transaction (a consistent snapshot)."""
        with self.engine.connect() as conn:
            records = [_record(r) for r in conn.execute(sa.select(user_layers).order_by(user_layers.c.id)).all()]
            rows = conn.execute(
                sa.select(user_values.c.layer_id, user_values.c.adcode, user_values.c.value).join(
                    user_layers,
                    sa.and_(user_layers.c.id == user_values.c.layer_id, user_layers.c.version == user_values.c.version),
                )
            ).all()
        by_layer: dict[int, dict[str, float]] = {}
        for r in rows:
            by_layer.setdefault(int(r.layer_id), {})[str(r.adcode)] = math.nan if r.value is None else float(r.value)
        out = []
        for rec in records:
            values = by_layer.get(rec.id, {})
            series = pd.Series(values, dtype=float).sort_index()
            series.index.name = "adcode"
            out.append((rec, series))
        return out

    def audit(self, layer_id: int | None = None, limit: int | None = None) -> list[AuditEntry]:
        """The audit log, newest first."""
        query = sa.select(audit_log).order_by(audit_log.c.id.desc())
        if layer_id is not None:
            query = query.where(audit_log.c.layer_id == layer_id)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            AuditEntry(int(r.id), _utc(r.at), str(r.who), str(r.action), r.layer_id, json.loads(r.details))
            for r in rows
        ]

    def revision(self) -> int:
        """A number that changes with every change to the store (the newest audit entry): a cheap cache key."""
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(audit_log.c.id), 0))).scalar_one())

    # --- changing (each one transaction) --------------------------------------------------
    def save_new(self, layer: NewLayer, values: Mapping[str, float] | pd.Series, who: str) -> UserLayer:
        """Save a new layer with all its figures (version 1), in one transaction."""
        return self.save_many([(layer, values)], who)[0]

    def save_many(
        self,
        layers: Sequence[tuple[NewLayer, Mapping[str, float] | pd.Series]],
        who: str,
        *,
        also: Callable[[Connection, list[int]], None] | None = None,
    ) -> list[UserLayer]:
        """Save several new layers (e.g. every value column of one upload) in ONE transaction: all or none.

        ``also(connection, new ids)`` writes what belongs with them in the same transaction (a facility list's
        type and townships, layers/planstore.py): if it fails, nothing is saved."""
        checked = []
        for layer, values in layers:
            self._check_meta(layer.title, layer.unit, layer.year, layer.source, layer.level, layer.kind)
            checked.append((layer, self._check_values(values, layer.level)))
        if not checked:
            raise StoreError("no layers to save")
        now = _now()
        with self._transaction() as conn:
            ids = []
            for layer, clean in checked:
                new_id = int(
                    conn.execute(
                        sa.insert(user_layers).values(
                            title=layer.title.strip(),
                            unit=layer.unit.strip(),
                            year=str(layer.year).strip(),
                            source=layer.source.strip(),
                            level=layer.level,
                            kind=layer.kind,
                            created=now,
                            updated=now,
                            version=1,
                        )
                    ).inserted_primary_key[0]
                )
                self._write_values(conn, new_id, 1, clean)
                self._audit(
                    conn,
                    who,
                    "create",
                    new_id,
                    {"title": layer.title.strip(), "level": layer.level, "regions": len(clean)},
                )
                ids.append(new_id)
            if also is not None:
                also(conn, ids)
            return [self._get(conn, i) for i in ids]

    def replace(
        self,
        layer_id: int,
        values: Mapping[str, float] | pd.Series,
        who: str,
        *,
        unit: str | None = None,
        year: str | None = None,
        source: str | None = None,
    ) -> UserLayer:
        """A new version of the layer's figures (and, if given, unit, year, source); older versions stay stored."""
        with self._transaction() as conn:
            record = self._get(conn, layer_id)
            changes = {
                k: str(v).strip() for k, v in (("unit", unit), ("year", year), ("source", source)) if v is not None
            }
            merged = {"unit": record.unit, "year": record.year, "source": record.source, **changes}
            self._check_meta(record.title, merged["unit"], merged["year"], merged["source"], record.level, record.kind)
            clean = self._check_values(values, record.level)
            version = record.version + 1
            done = conn.execute(
                sa.update(user_layers)
                .where(user_layers.c.id == layer_id, user_layers.c.version == record.version)
                .values(version=version, updated=_now(), **changes)
            )
            if done.rowcount != 1:  # another instance replaced it in between
                raise StoreError(f"user layer {layer_id} was changed by someone else meanwhile; try again")
            self._write_values(conn, layer_id, version, clean)
            self._audit(conn, who, "replace", layer_id, {"version": version, "regions": len(clean), **changes})
            return self._get(conn, layer_id)

    def rename(self, layer_id: int, title: str, who: str) -> UserLayer:
        if not title.strip():
            raise StoreError("a layer needs a title")
        with self._transaction() as conn:
            record = self._get(conn, layer_id)
            conn.execute(
                sa.update(user_layers).where(user_layers.c.id == layer_id).values(title=title.strip(), updated=_now())
            )
            self._audit(conn, who, "rename", layer_id, {"from": record.title, "to": title.strip()})
            return self._get(conn, layer_id)

    def delete(self, layer_id: int, who: str) -> None:
        """Remove the layer and all its versions; the audit log keeps the record of it."""
        with self._transaction() as conn:
            record = self._get(conn, layer_id)
            conn.execute(sa.delete(user_values).where(user_values.c.layer_id == layer_id))
            conn.execute(sa.delete(user_layers).where(user_layers.c.id == layer_id))
            self._audit(conn, who, "delete", layer_id, {"title": record.title, "version": record.version})

    # --- internals ------------------------------------------------------------------------
    def _transaction(self) -> Any:
        return self.engine.begin()  # commits at the end of the block, rolls back on any exception

    @staticmethod
    def _get(conn: Connection, layer_id: int) -> UserLayer:
        row = conn.execute(sa.select(user_layers).where(user_layers.c.id == layer_id)).first()
        if row is None:
            raise StoreError(f"no user layer {layer_id}")
        return _record(row)

    @staticmethod
    def _check_meta(title: str, unit: str, year: str, source: str, level: str, kind: str) -> None:
        for name, text in (("title", title), ("unit", unit), ("year", year), ("source", source)):
            if not str(text).strip():
                raise StoreError(f"a layer needs a {name}: every figure shown carries title, unit, year and source")
        if level not in USER_LEVELS:
            raise StoreError(f"level must be one of {USER_LEVELS}, not {level!r}")
        if kind not in USER_KINDS:
            raise StoreError(f"kind must be one of {USER_KINDS}, not {kind!r}")

    @staticmethod
    def _check_values(values: Mapping[str, float] | pd.Series, level: str) -> list[tuple[str, float | None]]:
        """(code, value or None) pairs: today's codes of ``level`` only, each once, numbers finite."""
        items = list(values.items())
        if not items:
            raise StoreError("no figures to save")
        current = {d.adcode for d in gazetteer().current(level)}
        seen: set[str] = set()
        out: list[tuple[str, float | None]] = []
        for code, value in items:
            code = str(code)
            if code not in current:
                raise StoreError(f"{code!r} is not a current {level} code of Sichuan")
            if code in seen:
                raise StoreError(f"{code} is given twice")
            seen.add(code)
            if value is None or (not isinstance(value, str) and bool(pd.isna(value))):  # NaN, pd.NA: no data
                out.append((code, None))
                continue
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise StoreError(f"{code}: {value!r} is not a number") from None
            if not math.isfinite(number):
                raise StoreError(f"{code}: {value!r} is not a finite number")
            out.append((code, number))
        return out

    def _write_values(
        self, conn: Connection, layer_id: int, version: int, rows: list[tuple[str, float | None]]
    ) -> None:
        for chunk in _chunks(rows, _CHUNK):
            conn.execute(
                sa.insert(user_values),
                [{"layer_id": layer_id, "version": version, "adcode": c, "value": v} for c, v in chunk],
            )

    @staticmethod
    def _audit(conn: Connection, who: str, action: str, layer_id: int | None, details: dict[str, Any]) -> None:
        conn.execute(
            sa.insert(audit_log).values(
                at=_now(),
                who=who or "anonymous",
                action=action,
                layer_id=layer_id,
                details=json.dumps(details, ensure_ascii=False, sort_keys=True),
            )
        )


def _chunks(rows: list[tuple[str, float | None]], size: int) -> Iterator[list[tuple[str, float | None]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


@lru_cache(maxsize=8)
def _open(url: str) -> UserStore:
    return UserStore(url)


def open_store(url: str | None = None) -> UserStore:
    """The store at ``url`` (or ``$COVERAGE_ATLAS_STORE``, or the default file), one per URL per process."""
    return _open(store_url(url))
