"""Queue, run, retry and show jobs. The state lives in our ``jobs`` table for both backends:

- ``procrastinate`` (PostgreSQL): :func:`enqueue` also inserts a procrastinate job ("run job
  N", at time T) in the *same transaction* through procrastinate's own SQL function, so the
  worker never sees a job whose row is not committed, and a rolled-back request queues nothing.
- ``thread`` (SQLite, the demo): a thread of the server process polls for due jobs
  (:mod:`clemency.jobs.thread`).

:func:`execute` is the one place a job runs: it claims the row (queued → running, attempts+1),
calls the job's function in a unit of work, and records done, or a retry after a backoff of
``jobs_retry_seconds * 2**(attempt-1)``, or failed with the reason after ``max_attempts``. Every
transition is audited. A row that is not ``queued`` is not run again (idempotent delivery).
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.orm import Session

from clemency.audit import service as audit
from clemency.config import Settings
from clemency.db.base import utcnow
from clemency.db.session import unit_of_work
from clemency.errors import ClemencyError, NotFound
from clemency.jobs import registry, wake
from clemency.jobs.models import Job
from clemency.ops import metrics

log = logging.getLogger(__name__)

QUEUE = "clemency"
TASK_NAME = "clemency.run_job"
_ACTOR = "system:jobs"


def backend_of(settings: Settings) -> str:
    """``procrastinate`` or ``thread`` (``auto``: procrastinate on PostgreSQL)."""
    if settings.jobs_backend != "auto":
        return settings.jobs_backend
    return "procrastinate" if settings.database_url.startswith("postgresql") else "thread"


def backoff(settings: Settings, attempt: int) -> timedelta:
    return timedelta(seconds=settings.jobs_retry_seconds * 2 ** max(attempt - 1, 0))


def _defer_procrastinate(session: Session, job_id: int, at: datetime | None) -> None:
    """Insert procrastinate's job in the caller's transaction (its versioned SQL API)."""
    session.execute(
        text(
            "SELECT procrastinate_defer_jobs_v1(ARRAY[ROW(:queue, :task, 0, NULL, NULL, "
            "CAST(:args AS jsonb), :at)::procrastinate_job_to_defer_v1])"
        ),
        {"queue": QUEUE, "task": TASK_NAME, "args": json.dumps({"job_id": job_id}), "at": at},
    )


def _wake(session: Session, settings: Settings, job: Job, at: datetime | None) -> None:
    if backend_of(settings) == "procrastinate":
        _defer_procrastinate(session, job.id, at)
    else:
        wake.after_commit(session=session)


def enqueue(
    *,
    session: Session,
    settings: Settings,
    kind: str,
    payload: dict[str, Any],
    user_id: int | None = None,
    actor_label: str = _ACTOR,
    key: str | None = None,
    public_id: str | None = None,
) -> Job:
    """Queue a job of ``kind`` (flushes; runs once the caller commits). With ``key``, a job
    already queued under the same key is returned instead of a second one."""
    if key is not None:
        existing = session.scalar(select(Job).where(Job.key == key))
        if existing is not None:
            return existing
    job = _new(session, settings, kind, payload, user_id, actor_label, key, public_id, "queued")
    _wake(session, settings, job, None)
    return job


def run_now(
    *,
    session: Session,
    settings: Settings,
    kind: str,
    payload: dict[str, Any],
    user_id: int | None = None,
    actor_label: str = _ACTOR,
    public_id: str | None = None,
) -> Job:
    """Run a job of ``kind`` at once in the caller's unit of work (small work: the same
    function and record as a queued job; an error is raised to the caller, nothing is kept)."""
    job = _new(session, settings, kind, payload, user_id, actor_label, None, public_id, "running")
    job.attempts, job.started_at = 1, utcnow()
    job.result = registry.kind(kind).function(
        registry.JobContext(
            session=session,
            settings=settings,
            public_id=job.public_id,
            payload=payload,
            user_id=user_id,
            attempt=1,
            progress=lambda _fraction: None,
        )
    )
    job.status, job.progress, job.finished_at = "done", 1.0, utcnow()
    session.flush()
    return job


def _new(
    session: Session,
    settings: Settings,
    kind: str,
    payload: dict[str, Any],
    user_id: int | None,
    actor_label: str,
    key: str | None,
    public_id: str | None,
    status: str,
) -> Job:
    registry.kind(kind)  # an unknown kind is a bug: fail now, not in the worker
    job = Job(
        public_id=public_id or secrets.token_hex(16),
        kind=kind,
        key=key,
        status=status,
        attempts=0,
        max_attempts=settings.jobs_max_attempts,
        run_after=utcnow(),
        progress=0.0,
        payload=payload,
        user_id=user_id,
    )
    session.add(job)
    session.flush()
    audit.record(
        session=session,
        actor_user_id=user_id,
        actor_label=actor_label,
        action="create",
        entity_type="job",
        entity_id=job.public_id,
        detail=f"{kind} {status}",
    )
    return job


@dataclass(frozen=True)
class Claimed:
    id: int
    public_id: str
    kind: str
    payload: dict[str, Any]
    user_id: int | None
    attempt: int


def _claim(engine: Engine, job_id: int) -> Claimed | None:
    """queued → running in its own transaction; None when someone else has it or it is over."""
    now = utcnow()
    with unit_of_work(engine) as session:
        result = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == "queued")
            .values(status="running", attempts=Job.attempts + 1, started_at=now, progress=0.0)
        )
        if int(getattr(result, "rowcount", 0) or 0) != 1:
            return None
        job = session.get(Job, job_id)
        assert job is not None
        return Claimed(
            job.id, job.public_id, job.kind, dict(job.payload or {}), job.user_id, job.attempts
        )


def _progress_writer(engine: Engine, job_id: int) -> Any:
    def write(fraction: float) -> None:
        with engine.begin() as connection:
            connection.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == "running")
                .values(progress=max(0.0, min(1.0, float(fraction))))
            )

    return write


def reason_of(error: BaseException) -> str:
    if isinstance(error, ClemencyError):
        return error.message[:1000]
    return f"{type(error).__name__}: {error}"[:1000]


def execute(engine: Engine, settings: Settings, job_id: int) -> str | None:
    """Run job ``job_id`` if it is queued; returns its new status (None: not ours to run)."""
    claimed = _claim(engine, job_id)
    if claimed is None:
        return None
    started = time.monotonic()
    log.info("job %s (%s) attempt %d started", claimed.public_id, claimed.kind, claimed.attempt)
    try:
        with unit_of_work(engine) as session:
            audit.set_origin(session=session, source="job")
            context = registry.JobContext(
                session=session,
                settings=settings,
                public_id=claimed.public_id,
                payload=claimed.payload,
                user_id=claimed.user_id,
                attempt=claimed.attempt,
                progress=_progress_writer(engine, job_id),
            )
            result = registry.kind(claimed.kind).function(context)
            job = session.get(Job, job_id)
            assert job is not None
            job.status, job.result, job.progress = "done", result, 1.0
            job.finished_at, job.error = utcnow(), None
            audit.record(
                session=session,
                actor_user_id=claimed.user_id,
                actor_label=_ACTOR,
                action="update",
                entity_type="job",
                entity_id=claimed.public_id,
                detail=f"{claimed.kind} finished (attempt {claimed.attempt})",
            )
        log.info(
            "job %s (%s) attempt %d done in %.2f s",
            claimed.public_id,
            claimed.kind,
            claimed.attempt,
            time.monotonic() - started,
        )
        return "done"
    except Exception as error:
        log.warning(
            "job %s (%s) attempt %d failed: %s",
            claimed.public_id,
            claimed.kind,
            claimed.attempt,
            type(error).__name__,
        )
        # a mistake in what was asked (bad input, 4xx) fails at once: retrying cannot help
        final = isinstance(error, ClemencyError) and error.http_status < 500
        return _record_failure(engine, settings, claimed, reason_of(error), final=final)


def _record_failure(
    engine: Engine, settings: Settings, claimed: Claimed, reason: str, *, final: bool
) -> str:
    with unit_of_work(engine) as session:
        audit.set_origin(session=session, source="job")
        job = session.get(Job, claimed.id)
        assert job is not None
        job.error = reason
        if job.attempts < job.max_attempts and not final:
            job.status = "queued"
            job.run_after = utcnow() + backoff(settings, job.attempts)
            _wake(session, settings, job, job.run_after)
            detail = f"{job.kind} attempt {job.attempts} failed, retry at {job.run_after:%H:%M:%S}"
        else:
            job.status, job.finished_at = "failed", utcnow()
            metrics.JOBS_FAILED.labels(job.kind).inc()
            detail = f"{job.kind} failed after {job.attempts} attempts"
        audit.record(
            session=session,
            actor_user_id=claimed.user_id,
            actor_label=_ACTOR,
            action="update",
            outcome="failure",
            entity_type="job",
            entity_id=claimed.public_id,
            detail=f"{detail}: {reason}"[:1000],
        )
        return job.status


def due(*, session: Session, limit: int = 10) -> list[int]:
    """Ids of queued jobs whose time has come, oldest first (the thread runner's poll)."""
    return list(
        session.scalars(
            select(Job.id)
            .where(Job.status == "queued", Job.run_after <= utcnow())
            .order_by(Job.run_after, Job.id)
            .limit(limit)
        )
    )


def pending_like(
    *, session: Session, kind: str, payload: dict[str, Any], user_id: int | None
) -> Job | None:
    """A job of ``kind`` for ``user_id`` with the same payload that is still queued or running
    (a second click on "Generate" returns it instead of queueing the same work twice)."""
    rows = session.scalars(
        select(Job)
        .where(Job.kind == kind, Job.status.in_(("queued", "running")))
        .where(Job.user_id.is_(None) if user_id is None else Job.user_id == user_id)
        .order_by(Job.id.desc())
        .limit(50)
    )
    return next((row for row in rows if (row.payload or {}) == payload), None)


def get_for_user(*, session: Session, public_id: str, user_id: int) -> Job:
    job = session.scalar(select(Job).where(Job.public_id == public_id))
    if job is None or job.user_id != user_id:
        raise NotFound("No such job.", job_id=public_id)
    return job


def recent(*, session: Session, organization_id: int, limit: int = 100) -> list[Job]:
    """The newest jobs of the organization's members, and system jobs (no user)."""
    from clemency.accounts.models import Membership

    members = select(Membership.user_id).where(Membership.organization_id == organization_id)
    return list(
        session.scalars(
            select(Job)
            .where((Job.user_id.is_(None)) | (Job.user_id.in_(members)))
            .order_by(Job.id.desc())
            .limit(limit)
        )
    )


def counts(*, session: Session) -> dict[tuple[str, str], int]:
    """``{(kind, status): n}`` over every job on record."""
    rows = session.execute(
        select(Job.kind, Job.status, func.count()).group_by(Job.kind, Job.status)
    )
    return {(k, s): int(n) for k, s, n in rows}


def refresh_metrics(*, session: Session) -> None:
    """Set the queue-depth and failed-job gauges from the table (called at each scrape)."""
    for name in registry.kinds():
        metrics.JOBS_QUEUED.labels(name).set(0)
        metrics.JOBS_FAILED_NOW.labels(name).set(0)
    for (kind_name, status), n in counts(session=session).items():
        if status == "queued":
            metrics.JOBS_QUEUED.labels(kind_name).set(n)
        elif status == "failed":
            metrics.JOBS_FAILED_NOW.labels(kind_name).set(n)


@dataclass(frozen=True)
class QueueStatus:
    ok: bool
    backend: str
    reason: str | None = None


def queue_status(
    engine: Engine, settings: Settings, runner_alive: bool | None = None
) -> QueueStatus:
    """Whether jobs can be queued and will be run: procrastinate's tables answer (PostgreSQL),
    or this process's runner thread is alive (``runner_alive``; None when not a server)."""
    backend = backend_of(settings)
    if backend == "thread":
        if runner_alive is False:
            return QueueStatus(False, backend, "job runner thread is not running")
        return QueueStatus(True, backend)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1 FROM procrastinate_jobs LIMIT 1"))
    except Exception as error:  # any driver error: the queue cannot be reached
        return QueueStatus(
            False,
            backend,
            f"job queue unreachable ({type(error).__name__}); run `clemency db upgrade`",
        )
    return QueueStatus(True, backend)
