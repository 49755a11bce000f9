"""`clemency worker`: run background jobs (deploy/systemd/clemency-worker.service)."""

from __future__ import annotations

from typing import Annotated

import typer

from clemency.cli.common import long_running
from clemency.config import get_settings


def worker(
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, help="Jobs run at the same time.")
    ] = 2,
    once: Annotated[
        bool,
        typer.Option("--once", help="Run the jobs due now, then exit (thread backend only)."),
    ] = False,
) -> None:
    """Run queued jobs until stopped (SIGTERM finishes the jobs in hand, then exits).

    On PostgreSQL this is procrastinate's worker (with the daily reminders' schedule); with
    the thread backend (SQLite) the server runs jobs itself, and this runs them in the
    foreground instead (e.g. with `--once` from cron)."""
    from clemency.db.session import make_engine
    from clemency.jobs import service

    settings = get_settings()
    engine = make_engine(settings.database_url)
    if not once:
        long_running()
        if settings.environment != "test":
            from clemency.jobs import warmup

            warmup.warm_up()  # WeasyPrint and the job modules load now, not in a job
    try:
        if service.backend_of(settings) == "procrastinate":
            from clemency.jobs import worker as procrastinate_worker

            typer.echo(f"clemency worker: procrastinate, queue {service.QUEUE!r}", err=True)
            procrastinate_worker.run(engine, settings, concurrency=concurrency)
            return
        from clemency.jobs.thread import POLL_SECONDS, Runner

        runner = Runner(engine, settings)
        if once:
            typer.echo(f"ran {runner.run_due()} job(s)")
            return
        typer.echo("clemency worker: thread backend, polling the jobs table", err=True)
        runner.start()
        try:
            while runner.alive():
                runner._thread.join(POLL_SECONDS)
        except KeyboardInterrupt:
            runner.stop()
    finally:
        engine.dispose()


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)
