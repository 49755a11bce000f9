"""The job record the application shows: what, for whom, its state, attempts, progress, reason.

One table for both backends, so the admin page, the upload page and ``/metrics`` read one
thing. On PostgreSQL procrastinate only carries "run job N (now or at T)"; the state is here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clemency.db.base import Base, enum_type, utcnow

JOB_STATUSES = ("queued", "running", "done", "failed")


class Job(Base):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    """Random hex id used in links (a job's page), never guessable from another's."""
    kind: Mapped[str] = mapped_column(String(40), index=True)
    key: Mapped[str | None] = mapped_column(String(200), unique=True)
    """Idempotency key: enqueueing the same key again returns the existing job."""
    status: Mapped[str] = mapped_column(enum_type("job_status", JOB_STATUSES, 10), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    run_after: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    """The last failure's reason (kept when a retry then succeeds is cleared)."""
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
