"""`clemency screen`: run a ruleset over a whole roster (CSV or Parquet) and summarize it."""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from clemency.cli.common import fail, guard_output, report
from clemency.config import get_settings
from clemency.errors import ClemencyError


def _as_of(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; write YYYY-MM-DD") from None


class _Bar:
    """A progress bar on stderr, shown only on a terminal and only once a run lasts > 1 s."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.progress: Any = None
        self.task: Any = None

    def __call__(self, fraction: float) -> None:
        if self.progress is None:
            if not sys.stderr.isatty() or time.monotonic() - self.started < 1.0:
                return
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self.progress = Progress(
                TextColumn("screening"),
                BarColumn(),
                TextColumn("{task.percentage:>3.0f}%"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.progress.start()
            self.task = self.progress.add_task("screen", total=1.0)
        self.progress.update(self.task, completed=fraction)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


def screen(
    roster: Annotated[
        Path, typer.Argument(help="Roster file (.csv or .parquet) whose columns are facts.")
    ],
    ruleset: Annotated[str, typer.Option("--ruleset", help="Ruleset id, e.g. us-federal/pardon.")],
    as_of: Annotated[
        str, typer.Option("--as-of", help="Date the rules are applied on (YYYY-MM-DD).")
    ],
    out: Annotated[Path, typer.Option("--out", help="Result file (.csv or .parquet).")],
    engine: Annotated[
        str,
        typer.Option(
            "--engine", help="duckdb (default, streaming SQL), python (reference) or spark."
        ),
    ] = "duckdb",
    compare_ruleset: Annotated[
        str | None,
        typer.Option("--compare", help="Also screen with this ruleset; count who changes outcome."),
    ] = None,
    compare_param: Annotated[
        str | None,
        typer.Option(
            "--compare-param",
            help="Also screen with one parameter changed (NAME=VALUE, e.g. min_years_served=8).",
        ),
    ] = None,
    allow_missing_columns: Annotated[
        bool,
        typer.Option(
            "--allow-missing-columns",
            help="Treat a fact column the roster lacks as unknown for everyone instead of refusing.",
        ),
    ] = False,
    save: Annotated[
        bool, typer.Option("--save", help="Store the run in the case database.")
    ] = False,
    import_cases: Annotated[
        bool,
        typer.Option(
            "--import-cases",
            help="With --save: open a case for each eligible or needs-review person not yet stored.",
        ),
    ] = False,
    org: Annotated[
        str | None,
        typer.Option("--org", help="With --import-cases: slug of the organization the cases join."),
    ] = None,
    db: Annotated[
        str | None, typer.Option("--db", help="Database URL (default: CLEMENCY_DATABASE_URL).")
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Who runs it, stored with --save (default: login).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Screen every row of ROSTER with a ruleset and write one result row per person.

    Rows with unreadable values come out as `invalid` with the reason; the run goes on.
    """
    from clemency.screening import service

    when = _as_of(as_of)
    if compare_ruleset and compare_param:
        fail("use either --compare or --compare-param, not both", 2)
    if import_cases and not save:
        fail("--import-cases needs --save", 2)
    if import_cases and not org:
        fail("--import-cases needs --org SLUG (the organization the new cases belong to)", 2)
    settings = get_settings()
    guard_output(
        out, database_url=db or settings.database_url, reads=[roster], data_dir=settings.data_dir
    )
    bar = _Bar()
    try:
        extra_paths = settings.rulesets_paths
        chosen = service.load(ruleset, extra_paths)
        alternative, label = None, ""
        if compare_ruleset:
            alternative = service.load(compare_ruleset, extra_paths)
        elif compare_param:
            alternative, label = service.with_parameter(chosen, compare_param)
        result = service.screen(
            roster,
            chosen,
            when,
            out,
            engine=engine,
            allow_missing_columns=allow_missing_columns,
            progress=bar,
            alternative=alternative,
            alternative_label=label,
        )
        bar.close()
        saved = None
        if save:
            from clemency.screening import record

            saved = record.save(
                result, db_url=db, run_by=by, organization=org, import_cases=import_cases
            )
    except ClemencyError as error:
        bar.close()
        report(error)
    _print(result, saved, as_json)


def _print(result: Any, saved: Any, as_json: bool) -> None:
    rows = result.summary.rows
    speed = rows / result.seconds if result.seconds > 0 else 0.0
    if as_json:
        payload = {
            "ruleset": {
                "id": result.ruleset.id,
                "version": result.ruleset.version,
                "sha256": result.ruleset.sha256,
            },
            "as_of": result.as_of.isoformat(),
            "engine": result.engine,
            "out": str(result.out),
            "seconds": round(result.seconds, 3),
            "absent_columns": result.absent_columns,
            "summary": result.summary.to_dict(),
            "comparison": result.comparison.to_dict() if result.comparison else None,
            "saved": saved.to_dict() if saved is not None else None,
        }
        typer.echo(json.dumps(payload, indent=2))
        return
    typer.echo(
        f"{result.ruleset.id} {result.ruleset.version} as of {result.as_of.isoformat()} "
        f"({result.engine}): {result.out} in {result.seconds:.2f} s ({speed:,.0f} rows/s)"
    )
    if result.absent_columns:
        typer.echo("Columns absent, unknown for everyone: " + ", ".join(result.absent_columns))
    for line in result.summary.lines():
        typer.echo(line)
    if result.comparison is not None:
        for line in result.comparison.lines():
            typer.echo(line)
    if saved is not None:
        for line in saved.lines():
            typer.echo(line)


def register(app: typer.Typer) -> None:
    """Attach `clemency screen` to the root app."""
    app.command("screen")(screen)
