"""Readiness: the database answers, its schema is at the migrations' head, and the job queue
can be reached."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text

if TYPE_CHECKING:
    from clemency.jobs.service import QueueStatus


@lru_cache(maxsize=1)
def code_heads() -> frozenset[str]:
    """The head revision(s) of the migrations shipped with this code."""
    from alembic.script import ScriptDirectory

    from clemency.db.migrate import alembic_config

    return frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


@dataclass(frozen=True)
class Readiness:
    ok: bool
    reason: str | None = None
    database_heads: list[str] = field(default_factory=list)
    code_heads: list[str] = field(default_factory=list)
    job_queue: str | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "reason": self.reason,
            "migrations": {"database": self.database_heads, "code": self.code_heads},
            "job_queue": self.job_queue,
        }


def check(engine: Engine, queue: QueueStatus | None = None) -> Readiness:
    """Whether ``engine``'s database answers and is migrated to the code's head, and (when
    ``queue`` is given) whether the job queue can be reached."""
    from alembic.runtime.migration import MigrationContext

    expected = sorted(code_heads())
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = sorted(MigrationContext.configure(connection).get_current_heads())
    except Exception as error:  # any driver error means "not ready"; the reason says which
        return Readiness(
            ok=False,
            reason=f"database unreachable: {type(error).__name__}",
            code_heads=expected,
        )
    if current != expected:
        return Readiness(
            ok=False,
            reason=(
                "database schema is not at the code's migration head; run `clemency db upgrade`"
                if current
                else "database has no schema; run `clemency db upgrade`"
            ),
            database_heads=current,
            code_heads=expected,
        )
    if queue is not None and not queue.ok:
        return Readiness(
            ok=False,
            reason=queue.reason,
            database_heads=current,
            code_heads=expected,
            job_queue=queue.backend,
        )
    return Readiness(
        ok=True,
        database_heads=current,
        code_heads=expected,
        job_queue=queue.backend if queue is not None else None,
    )
