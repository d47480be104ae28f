"""The engine and sessions, with the SQLite settings a poller needs."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from db.migrate import upgrade
from intake.errors import StorageError


def make_engine(url: str, busy_timeout: float = 30.0) -> Engine:
    """An engine for `url`, its folder created and its tables in place."""
    if url.startswith("sqlite:///") and ":memory:" not in url:
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    sqlite = url.startswith("sqlite")
    engine = create_engine(url, connect_args={"timeout": busy_timeout} if sqlite else {})
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        upgrade(engine)
    except SQLAlchemyError as e:
        raise StorageError(f"database {url} cannot be opened: {e}") from e
    return engine


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # WAL lets `intake list` read while the poller writes; the driver's
    # timeout (busy_timeout) waits for a lock instead of failing at once.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
