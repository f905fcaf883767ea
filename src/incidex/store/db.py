"""Engines and migrations: which database, how it is opened, and bringing its schema up to date.

``--db URL`` or ``INCIDEX_DB`` choose the database; the default is the SQLite
file ``incidex.sqlite`` in the current directory, opened in WAL mode with a
busy timeout so that a reader never blocks the writer and two writers wait
for each other instead of failing. PostgreSQL URLs are
``postgresql+psycopg://user@host/db`` (append ``?options=-csearch_path%3Dname``
to use a schema other than ``public``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.exc import SQLAlchemyError

from incidex.errors import Codes, StoreError

DEFAULT_DB = "sqlite:///incidex.sqlite"
BUSY_TIMEOUT_MS = 30_000
MIGRATIONS = Path(__file__).parent / "migrations"


def resolve_url(url: str | None) -> str:
    url = url or os.environ.get("INCIDEX_DB") or DEFAULT_DB
    if url.startswith("postgresql://"):  # the psycopg 3 driver, not psycopg2
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if "://" not in url:  # a bare path is a SQLite file
        url = f"sqlite:///{url}"
    return url


def make_engine(url: str | None = None) -> Engine:
    url = resolve_url(url)
    try:
        # JSON columns are read with orjson: several times faster than the standard library on a page of rows
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
                                   json_deserializer=orjson.loads)
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True, json_deserializer=orjson.loads)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise StoreError(Codes.E301, url=_safe(url), detail=str(exc).splitlines()[0]) from None
    return engine


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")  # safe in WAL mode: a crash loses no committed transaction
    cur.close()


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparseable URL is shown as given
        return url


def _alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except SQLAlchemyError as exc:
        raise StoreError(Codes.E301, url=_safe(str(engine.url)), detail=_first_line(exc)) from None


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str]:
    """Migrate the database in place; returns (revision before, revision after)."""
    from alembic import command

    before = current_revision(engine)
    cfg = _alembic_config(engine)
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    except SQLAlchemyError as exc:
        raise StoreError(Codes.E301, url=_safe(str(engine.url)), detail=_first_line(exc)) from None
    return before, current_revision(engine) or ""


def ensure_schema(engine: Engine) -> None:
    """A new, empty database is created at the head revision; an older one must be upgraded explicitly."""
    rev = current_revision(engine)
    if rev is None:
        try:
            tables = set(inspect(engine).get_table_names())
        except SQLAlchemyError as exc:
            raise StoreError(Codes.E301, url=_safe(str(engine.url)), detail=_first_line(exc)) from None
        if tables & {"documents", "events"}:
            raise StoreError(Codes.E302, url=_safe(str(engine.url)), current="none", head=head_revision())
        upgrade(engine)
        return
    head = head_revision()
    if rev != head:
        raise StoreError(Codes.E302, url=_safe(str(engine.url)), current=rev, head=head)


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    return (str(orig or exc).strip().splitlines() or [type(exc).__name__])[0]
