"""Engines, session factories and the unit of work.

Services only ``flush()``; exactly one owner per request or command commits, through
:func:`unit_of_work`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    # A writer waits up to 30 s for another to finish (every audited read writes one row):
    # under load a request waits its turn rather than failing with "database is locked".
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys, WAL and full fsync on every connection."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False})
    else:
        # A pooled connection the server dropped (restart, failover, pg_terminate_backend,
        # an idle timeout) is tested on checkout and replaced, instead of failing the request.
        kwargs.setdefault("pool_pre_ping", True)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """One shared engine per URL in this process."""
    return make_engine(url)


def is_connection_loss(error: BaseException) -> bool:
    """True for an error that says the database went away or is busy (worth retrying)."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, OperationalError)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    # Every model and its flush hooks (e.g. petitions' lifecycle rows) are registered.
    import clemency.db.models  # noqa: F401

    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """Open a session, commit if the block succeeds, roll back if it raises."""
    session = session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


_UNIT_OF_WORK_KEYS: set[str] = set()


def unit_of_work_key(key: str) -> str:
    """Register ``key`` as a ``session.info`` entry that lives for one unit of work: it is
    dropped when the session's outermost transaction ends (committed or rolled back)."""
    _UNIT_OF_WORK_KEYS.add(key)
    return key


@event.listens_for(Session, "after_transaction_end")
def _forget_unit_of_work_keys(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        for key in _UNIT_OF_WORK_KEYS:
            session.info.pop(key, None)
