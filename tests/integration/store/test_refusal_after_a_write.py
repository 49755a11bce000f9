"""A refused access is audited even when the refused request had already written on SQLite.

SQLite has one writer: a request that has written (a session's idle clock, an earlier change)
holds the write lock until it ends, so the refusal's own transaction waited the whole busy
timeout (30 s) and was then lost. The refusal is now written when the request's unit of work
ends, committed or rolled back. Seen as a stalled authorization matrix under load.

On PostgreSQL the same wait was for a second pooled connection: concurrent requests, each
holding one and each refused, used the pool up and waited for one another until the pool's
timeout (500s in the concurrent first-views test)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import select, text

from clemency.accounts import service as accounts
from clemency.audit import service as audit
from clemency.audit.models import AuditEvent
from clemency.db import migrate
from clemency.db.session import make_engine, unit_of_work


def _refusals(url: str) -> list[str | None]:
    engine = make_engine(url)
    try:
        with unit_of_work(engine) as session:
            return list(
                session.scalars(select(AuditEvent.detail).where(AuditEvent.outcome == "failure"))
            )
    finally:
        engine.dispose()


def _refuse(session: object) -> None:
    audit.record_refusal(
        session=session,  # type: ignore[arg-type]
        actor_user_id=None,
        actor_label="someone@example.org",
        action="read",
        entity_type="case",
        entity_id=7,
        case_id=7,
        detail="refused (read): not theirs",
    )


@pytest.mark.parametrize("ending", ["rollback", "commit"])
def test_a_refusal_after_a_write_is_recorded_when_the_request_ends(
    tmp_path: Path, ending: str
) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    done = threading.Event()

    def request() -> None:
        try:
            with unit_of_work(engine) as session:
                accounts.create_organization(session=session, slug="clinic", name="Clinic")
                session.flush()  # the request now holds SQLite's write lock
                _refuse(session)
                done.set()  # the refusal did not wait for the lock
                assert _refusals(url) == []  # not yet: the lock is still held
                if ending == "rollback":
                    raise LookupError("the request fails after the refusal")
        except LookupError:
            pass

    worker = threading.Thread(target=request)
    worker.start()
    # The old code waited the busy timeout (30 s) inside record_refusal, then lost the row.
    assert done.wait(10), "the refusal waited for the request's own write lock"
    worker.join(60)
    assert _refusals(url) == ["refused (read): not theirs"]
    engine.dispose()


def test_a_refusal_without_a_write_is_recorded_at_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        _refuse(session)
        assert _refusals(url) == ["refused (read): not theirs"]
    engine.dispose()


def test_a_refusal_never_waits_for_a_second_pooled_connection(database_url: str) -> None:
    """One connection in the pool, held by the refused request: the refusal is written after
    the request gives it back (the old code waited the pool's timeout and raised)."""
    migrate.upgrade(database_url)
    engine = make_engine(database_url, pool_size=1, max_overflow=0, pool_timeout=2)

    def refused_request() -> None:
        with unit_of_work(engine) as session:
            session.execute(text("SELECT 1"))  # the request holds the pool's one connection
            _refuse(session)
            raise LookupError("the refused request ends")

    try:
        with pytest.raises(LookupError, match="the refused request ends"):
            refused_request()
        assert _refusals(database_url) == ["refused (read): not theirs"]
    finally:
        engine.dispose()
