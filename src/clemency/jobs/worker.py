"""The procrastinate side: one task that runs a job of ours, one periodic task (daily
reminders), and the worker loop ``clemency worker`` starts."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, make_url

from clemency.config import Settings
from clemency.jobs import service

log = logging.getLogger(__name__)


def conninfo(database_url: str) -> str:
    """libpq connection string for a SQLAlchemy PostgreSQL URL."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def build_app(engine: Engine, settings: Settings) -> Any:
    """A procrastinate App bound to our database, with our two tasks."""
    import procrastinate

    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=conninfo(settings.database_url))
    )

    @app.task(name=service.TASK_NAME, queue=service.QUEUE, pass_context=False)
    def run_job(job_id: int) -> None:
        # our row holds state and retries; procrastinate only delivers "run N now"
        service.execute(engine, settings, job_id)

    @app.periodic(cron="0 7 * * *", periodic_id="daily-reminders")
    @app.task(name="clemency.daily_reminders", queue=service.QUEUE, pass_context=False)
    def daily_reminders(timestamp: int) -> None:
        from clemency.ops import reminders

        day = datetime.fromtimestamp(timestamp, UTC).date()
        reminders.queue_daily(engine, settings, day)

    return app


def run(engine: Engine, settings: Settings, *, concurrency: int = 2) -> None:
    """Run the procrastinate worker until SIGINT/SIGTERM (it finishes the jobs in hand)."""
    build_app(engine, settings).run_worker(
        queues=[service.QUEUE],
        concurrency=concurrency,
        install_signal_handlers=True,
        shutdown_graceful_timeout=30,
    )
