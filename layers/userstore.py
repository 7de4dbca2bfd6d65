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
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, make_url

from geodata.cache_dir import cache_dir
from geodata.codes import gazetteer
from layers.text import strip_format_controls

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


# What can be wrong with the store itself, in both languages: which store (its URL without the password), what
# failed, and what to do about it.
STORE_PROBLEMS = {
    "folder_missing": (
        "用户图层库 {store}：文件夹 {folder} 不存在。请创建该文件夹，或将 COVERAGE_ATLAS_STORE 指向其他位置。",
        "store {store}: the folder {folder} does not exist; create it, or point COVERAGE_ATLAS_STORE elsewhere",
    ),
    "not_a_folder": (
        "用户图层库 {store}：{folder} 是文件而不是文件夹。"
        "请将 COVERAGE_ATLAS_STORE 或 COVERAGE_ATLAS_CACHE 指向文件夹。",
        "store {store}: {folder} is a file, not a folder; "
        "point COVERAGE_ATLAS_STORE or COVERAGE_ATLAS_CACHE at a folder",
    ),
    "no_permission": (
        "用户图层库 {store}：无权在 {folder} 中读写。请检查权限，或将 COVERAGE_ATLAS_STORE 指向其他位置。",
        "store {store}: no permission to read and write in {folder}; check its permissions, or point "
        "COVERAGE_ATLAS_STORE elsewhere",
    ),
    "not_a_database": (
        "用户图层库 {store}：{path} 不是 SQLite 数据库。请将 COVERAGE_ATLAS_STORE 指向其他文件，或移走该文件。",
        "store {store}: {path} is not an SQLite database; point COVERAGE_ATLAS_STORE at another file, or move it away",
    ),
    "read_only": (
        "用户图层库 {store}：{path} 只读，无法保存。请检查该文件及其文件夹的权限。",
        "store {store}: {path} is read-only, nothing can be saved; check the permissions of the file and its folder",
    ),
    "locked": (
        "用户图层库 {store}：数据库被其他进程锁定。请稍后重试。",
        "store {store}: the database is locked by another process; try again later",
    ),
    "unreachable": (
        "用户图层库 {store}：无法连接服务器（{reason}）。请检查地址，并确认服务器正在运行。",
        "store {store}: cannot connect to the server ({reason}); check the URL and that the server is running",
    ),
    "login": (
        "用户图层库 {store}：服务器拒绝登录（{reason}）。请检查地址中的用户名和密码。",
        "store {store}: the server refused the login ({reason}); check the user name and password in the URL",
    ),
    "no_database": (
        "用户图层库 {store}：服务器上没有这个数据库（{reason}）。请创建数据库，或检查地址。",
        "store {store}: the database does not exist on the server ({reason}); create it, or check the URL",
    ),
    "driver": (
        '用户图层库 {store}：未安装数据库驱动 {module}。PostgreSQL 请安装 pip install ".[postgresql]"。',
        'store {store}: the database driver {module} is not installed; for PostgreSQL: pip install ".[postgresql]"',
    ),
    "bad_url": (
        "用户图层库 {store} 不是有效的地址。请填写文件路径、sqlite:////路径/文件.sqlite 或 postgresql://用户@主机/数据库。",
        "store {store} is not a store URL; give a file path, sqlite:////path/file.sqlite or postgresql://user@host/db",
    ),
    "other": (
        "用户图层库 {store}：{doing}失败（{reason}）。请检查地址，并确认用户图层库可以访问。",
        "store {store}: {doing_en} failed ({reason}); check the URL and that the store can be reached",
    ),
}
_DOING = {"open": ("打开", "opening"), "read": ("读取", "reading"), "write": ("保存", "saving")}


class StoreUnavailable(StoreError):
    """The store cannot be opened, read or written. ``str()`` is the English message; :meth:`text` gives either
    language. Each names the store (its URL without the password), what failed and what to do."""

    def __init__(self, kind: str, **args: str):
        self.kind, self.args_ = kind, args
        super().__init__(self.text("en"))

    def text(self, lang: str = "en") -> str:
        zh, en = STORE_PROBLEMS[self.kind]
        return (en if lang == "en" else zh).format(**self.args_)


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


FIRST_YEAR, LAST_YEAR = 1900, 2100
_YEAR_RANGE = re.compile(r"([0-9]{4})\s*(?:-|–|—|~|～|至|到)\s*([0-9]{4})")


def normalise_year(text: str) -> str:
    """The year of a layer's figures: ``2024``, or a range ``2018–2021`` (also written 2018-2021, 2018~2021,
    2018至2021). Raises StoreError otherwise: ``abc`` or ``@SUM(1)`` are not a year (ASCII digits only)."""
    value = str(text).strip()
    if re.fullmatch(r"[0-9]{4}", value) and FIRST_YEAR <= int(value) <= LAST_YEAR:
        return value
    m = _YEAR_RANGE.fullmatch(value)
    if m and FIRST_YEAR <= int(m[1]) < int(m[2]) <= LAST_YEAR:
        return f"{m[1]}–{m[2]}"
    raise StoreError(f"year {value!r} is not a year ({FIRST_YEAR}–{LAST_YEAR}) or a range of years such as 2018–2021")


def safe_url(url: str) -> str:
    """A store URL for messages: without its password (also when SQLAlchemy cannot parse it)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy reads: mask what looks like user:password@
        return re.sub(r"(://[^/:@]*:)[^/@]*@", r"\1***@", url)


def _folder_problem(exc: OSError, folder: str, url: str) -> StoreUnavailable:
    """Why the store's folder cannot be made: a file on the way (COVERAGE_ATLAS_CACHE pointing at a file),
    permissions, or something else."""
    if isinstance(exc, NotADirectoryError | FileExistsError):
        parent = folder
        while parent and not os.path.isfile(parent) and os.path.dirname(parent) != parent:
            parent = os.path.dirname(parent)
        return StoreUnavailable("not_a_folder", store=url, folder=parent if os.path.isfile(parent) else folder)
    if isinstance(exc, PermissionError):
        return StoreUnavailable("no_permission", store=url, folder=folder)
    return StoreUnavailable("other", store=url, doing="打开", doing_en="opening", reason=str(exc.strerror or exc))


def store_url(url: str | None = None) -> str:
    """The SQLAlchemy URL of the store: ``url``, else ``$COVERAGE_ATLAS_STORE``, else the default SQLite file.
    Raises StoreUnavailable when the folder of a file path cannot be created."""
    text = (url or os.environ.get(STORE_ENV) or "").strip()
    if not text:
        try:
            return f"sqlite:///{cache_dir('store') / 'user_layers.sqlite'}"
        except OSError as exc:
            folder = str(exc.filename or "store")
            raise _folder_problem(exc, folder, f"sqlite:///{os.path.join(folder, 'user_layers.sqlite')}") from None
    if "://" not in text:  # a file path
        path = os.path.abspath(os.path.expanduser(text))
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
        except OSError as exc:
            raise _folder_problem(exc, os.path.dirname(path), f"sqlite:///{path}") from None
        return f"sqlite:///{path}"
    for plain in ("postgresql://", "postgres://"):
        if text.startswith(plain):
            return "postgresql+psycopg://" + text[len(plain) :]
    return text


def _reason(exc: BaseException, url: str) -> str:
    """The driver's own words, short: the last clause of the first line (psycopg: "… port 1 failed: Connection
    refused"), never the password."""
    line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    line = line.rsplit("failed: ", 1)[-1].removeprefix("FATAL:").strip() or type(exc).__name__
    password = make_url(url).password if "://" in url else None
    if password:
        line = line.replace(str(password), "***")
    return line[:120]


def _unavailable(url: str, exc: BaseException, doing: str) -> StoreUnavailable:
    """What went wrong with the store at ``url`` while ``doing`` (open, read, write), and what to do."""
    store = safe_url(url)
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).lower()
    if isinstance(exc, sa.exc.ArgumentError) or (
        isinstance(exc, sa.exc.NoSuchModuleError) and "sqlalchemy.dialects" in text
    ):
        return StoreUnavailable("bad_url", store=store)
    if isinstance(exc, ImportError):
        return StoreUnavailable("driver", store=store, module=str(exc.name or exc))
    if url.startswith("sqlite"):
        path = make_url(url).database or ""
        folder = os.path.dirname(os.path.abspath(path))
        if "unable to open database file" in text:
            if os.path.isfile(folder) or (not os.path.isdir(folder) and os.path.exists(folder)):
                return StoreUnavailable("not_a_folder", store=store, folder=folder)
            if not os.path.isdir(folder):
                return StoreUnavailable("folder_missing", store=store, folder=folder)
            if not os.access(folder, os.W_OK | os.X_OK) or (os.path.exists(path) and not os.access(path, os.R_OK)):
                return StoreUnavailable("no_permission", store=store, folder=folder)
        if "file is not a database" in text:
            return StoreUnavailable("not_a_database", store=store, path=path)
        if "readonly database" in text:
            return StoreUnavailable("read_only", store=store, path=path)
        if "database is locked" in text:
            return StoreUnavailable("locked", store=store)
    else:
        reason = _reason(orig, url)
        if "authentication failed" in text or ("password" in text and "supplied" in text) or "role" in text:
            return StoreUnavailable("login", store=store, reason=reason)
        if "database" in text and "does not exist" in text:
            return StoreUnavailable("no_database", store=store, reason=reason)
        if isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError):
            return StoreUnavailable("unreachable", store=store, reason=reason)
    zh, en = _DOING[doing]
    return StoreUnavailable("other", store=store, doing=zh, doing_en=en, reason=_reason(orig, url))


def store_url_problem(url: str | None = None) -> StoreUnavailable | None:
    """What is wrong with the store setting itself (a URL that is not one, a driver not installed, a folder that
    cannot be made), found without connecting; None when it may work (the server may still be down)."""
    try:
        text = store_url(url)
    except StoreUnavailable as exc:
        return exc
    try:
        sa.create_engine(text).dispose()  # parses the URL and imports the driver; connects to nothing
    except (sa.exc.SQLAlchemyError, ImportError) as exc:
        return _unavailable(text, exc, "open")
    return None


def _text(value: object) -> str:
    """A title, unit, year or source as stored: without format controls (U+202E …) or surrounding spaces."""
    return strip_format_controls(str(value)).strip()


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
        with self._guard("open"):
            self.engine = engine or self._engine(self.url)
            metadata.create_all(self.engine, checkfirst=True)

    @contextmanager
    def _guard(self, doing: str) -> Iterator[None]:
        """The database's own errors as a StoreUnavailable naming the store and what to do; a refused request
        (StoreError) passes as it is. A transaction inside has been rolled back by then."""
        try:
            yield
        except StoreError:
            raise
        except (sa.exc.SQLAlchemyError, ImportError) as exc:
            raise _unavailable(self.url, exc, doing) from exc

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
        with self._guard("read"), self.engine.connect() as conn:
            rows = conn.execute(sa.select(user_layers).order_by(user_layers.c.id)).all()
        return [_record(r) for r in rows]

    def get(self, layer_id: int) -> UserLayer:
        with self._guard("read"), self.engine.connect() as conn:
            return self._get(conn, layer_id)

    def load(self, layer_id: int, version: int | None = None) -> pd.Series:
        """The layer's figures (float, NaN = no data) keyed by code; the current version unless ``version``."""
        with self._guard("read"), self.engine.connect() as conn:
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
        with self._guard("read"), self.engine.connect() as conn:
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
        with self._guard("read"), self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            AuditEntry(int(r.id), _utc(r.at), str(r.who), str(r.action), r.layer_id, json.loads(r.details))
            for r in rows
        ]

    def revision(self) -> int:
        """A number that changes with every change to the store (the newest audit entry): a cheap cache key."""
        with self._guard("read"), self.engine.connect() as conn:
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
        with self._guard("write"), self._transaction() as conn:
            ids = []
            for layer, clean in checked:
                new_id = int(
                    conn.execute(
                        sa.insert(user_layers).values(
                            title=_text(layer.title),
                            unit=_text(layer.unit),
                            year=_text(layer.year),
                            source=_text(layer.source),
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
                    {"title": _text(layer.title), "level": layer.level, "regions": len(clean)},
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
        with self._guard("write"), self._transaction() as conn:
            record = self._get(conn, layer_id)
            changes = {k: _text(v) for k, v in (("unit", unit), ("year", year), ("source", source)) if v is not None}
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
        title = _text(title)
        if not title:
            raise StoreError("a layer needs a title")
        with self._guard("write"), self._transaction() as conn:
            record = self._get(conn, layer_id)
            conn.execute(
                sa.update(user_layers).where(user_layers.c.id == layer_id).values(title=title.strip(), updated=_now())
            )
            self._audit(conn, who, "rename", layer_id, {"from": record.title, "to": title.strip()})
            return self._get(conn, layer_id)

    def delete(self, layer_id: int, who: str) -> None:
        """Remove the layer and all its versions; the audit log keeps the record of it."""
        with self._guard("write"), self._transaction() as conn:
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
            if not _text(text):
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
