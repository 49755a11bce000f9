"""Prometheus metrics with the official client, single- or multi-process.

With several worker processes (``clemency serve``) each process writes its samples under
``PROMETHEUS_MULTIPROC_DIR`` and :func:`exposition` merges them; :mod:`clemency.web.server`
sets that variable up before any worker imports this module (the client chooses its storage at
import time). Labels never carry personal data: routes are templates
(``/cases/{case_id}``), never the raw path.

Job metrics: queue depth and jobs now failed are read from the ``jobs`` table at each scrape
(:func:`clemency.jobs.service.refresh_metrics`), so they are right whichever process ran the
jobs; failures and screened rows are also counted as they happen in the process that ran them.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as _multiprocess
from sqlalchemy import Engine
from sqlalchemy.pool import QueuePool

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

REQUESTS = Counter(
    "clemency_http_requests_total",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "clemency_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
POOL_IN_USE = Gauge(
    "clemency_db_pool_connections_in_use",
    "Database connections checked out of the pool (summed over live workers).",
    multiprocess_mode="livesum",
)
POOL_SIZE = Gauge(
    "clemency_db_pool_size",
    "Configured database pool size (summed over live workers).",
    multiprocess_mode="livesum",
)
JOBS_QUEUED = Gauge(
    "clemency_jobs_queued", "Jobs waiting in the queue.", ["kind"], multiprocess_mode="max"
)
JOBS_FAILED_NOW = Gauge(
    "clemency_jobs_failed_now",
    "Jobs on record whose last attempt failed for good (read from the jobs table).",
    ["kind"],
    multiprocess_mode="max",
)
JOBS_FAILED = Counter("clemency_jobs_failed_total", "Jobs that failed, by kind.", ["kind"])
SCREENING_ROWS = Counter(
    "clemency_screening_rows_total", "Roster rows screened (rate() gives rows per second)."
)
MAIL_SENT = Counter(
    "clemency_mail_total",
    "E-mails handed to the mail backend, by kind and outcome.",
    ["kind", "outcome"],
)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)


def observe_pool(engine: Engine) -> None:
    """Record how much of ``engine``'s pool is in use (SQLite's default pool has no size)."""
    pool = engine.pool
    if isinstance(pool, QueuePool):
        POOL_IN_USE.set(pool.checkedout())
        POOL_SIZE.set(pool.size())


def exposition() -> tuple[bytes, str]:
    """The metrics page (body, content type), merged over worker processes when needed."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        _multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def mark_process_dead(pid: int) -> None:
    """Forget a worker's live gauges (gunicorn's ``child_exit`` hook)."""
    if os.environ.get(MULTIPROC_ENV):
        _multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]
