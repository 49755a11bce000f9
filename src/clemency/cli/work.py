"""`clemency tasks` and `clemency queues`: the background jobs of the work queues (run daily
from cron or a systemd timer; docs/queues.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

import typer

from clemency.cli.common import fail, report
from clemency.errors import ClemencyError

tasks_app = typer.Typer(help="Tasks: create the system's tasks.", no_args_is_help=True)
queues_app = typer.Typer(
    help="Screening queues: screen cases, report decisions.", no_args_is_help=True
)


def _as_of(value: str | None) -> date:
    if value is None:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--as-of {value!r} is not a date; use YYYY-MM-DD (e.g. 2027-01-31).", 2)


DatabaseUrl = Annotated[
    str | None, typer.Option("--database-url", help="Default: settings (CLEMENCY_DATABASE_URL).")
]
AsOf = Annotated[
    str | None, typer.Option("--as-of", help="The day to act as of (YYYY-MM-DD; default today).")
]


@tasks_app.command("refresh")
def refresh(as_of: AsOf = None, database_url: DatabaseUrl = None) -> None:
    """Create the tasks the system calls for (letters not returned in 14 days, deadlines due
    within 14 days, petitions without a filing date). Idempotent: run it as often as you like."""
    from clemency.audit import service as audit
    from clemency.config import get_settings
    from clemency.db.session import make_engine, unit_of_work
    from clemency.tasks import service as tasks

    day = _as_of(as_of)
    engine = make_engine(database_url or get_settings().database_url)
    try:
        with unit_of_work(engine) as session:
            audit.set_origin(session=session, source="cli")
            result = tasks.refresh(session=session, as_of=day)
    except ClemencyError as error:
        report(error)
    finally:
        engine.dispose()
    causes = ", ".join(f"{n} {kind}" for kind, n in sorted(result.by_cause.items())) or "none"
    typer.echo(
        f"tasks as of {day.isoformat()}: {result.created} created ({causes}), "
        f"{result.already} already there"
    )


@queues_app.command("screen")
def screen(
    as_of: AsOf = None,
    batch: Annotated[int, typer.Option("--batch", min=1, max=5000, help="Cases per batch.")] = 500,
    database_url: DatabaseUrl = None,
) -> None:
    """Screen every case that has no stored determination and no petition, so that it can
    appear in the screening queue (one transaction per batch)."""
    from clemency.audit import service as audit
    from clemency.config import get_settings
    from clemency.db.session import make_engine, unit_of_work
    from clemency.queues import service as queues

    day = _as_of(as_of)
    settings = get_settings()
    engine = make_engine(database_url or settings.database_url)
    total, after = 0, 0
    try:
        while True:
            with unit_of_work(engine) as session:
                audit.set_origin(session=session, source="cli")
                count, last = queues.screen_unscreened(
                    session=session,
                    as_of=day,
                    after_id=after,
                    limit=batch,
                    extra_paths=settings.rulesets_paths,
                )
            total += count
            if last is None:
                break
            after = last
    except ClemencyError as error:
        report(error)
    finally:
        engine.dispose()
    typer.echo(f"screened {total} case(s) as of {day.isoformat()}")


def register(app: typer.Typer) -> None:
    """Attach ``clemency tasks ...`` and ``clemency queues ...``."""
    app.add_typer(tasks_app, name="tasks")
    app.add_typer(queues_app, name="queues")
