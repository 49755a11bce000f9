"""`clemency grants` commands: import the Justice Department's grant pages, and statistics."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from clemency.cli.common import fail, report
from clemency.errors import ClemencyError
from clemency.grants.schemas import ParsedPage


class OutputFormat(StrEnum):
    json = "json"
    text = "text"


def _parse(path: Path) -> ParsedPage:
    from clemency.grants.sources import parse_source

    try:
        return parse_source(path)
    except ClemencyError as error:
        report(error)


def _text_lines(page: ParsedPage) -> list[str]:
    from clemency.grants.stats import import_summary
    from clemency.grants.terms import describe

    lines = [f"{page.title} — {page.source_file} (sha256 {page.source_sha256[:12]}…)"]
    for grant in page.grants:
        courts = ",".join(sorted({c.court_id or "?" for c in grant.convictions})) or "-"
        when = grant.grant_date.isoformat() if grant.grant_date else "no date"
        terms = f"  {{{describe(grant.terms)}}}" if grant.terms else ""
        flags = f"  [{'; '.join(grant.flags)}]" if grant.flags else ""
        lines.append(
            f"{grant.entry_index:4d}  {when}  {grant.kind:<11} {grant.name}  {courts}  {grant.category}{terms}{flags}"
        )
    lines.append(f"{len(page.grants)} grants in {len(page.sections)} sections")
    summary = import_summary(page)
    dates = ", ".join(f"{d}: {n}" for d, n in summary["by_grant_date"].items())
    lines.append(
        f"{summary['grants']} grants parsed, {summary['grants_named_in_warnings']} of them named "
        f"in warnings, {summary['grants_without_grant_date']} without a grant date; by grant date: {dates}"
    )
    if page.licence:
        lines.append(f"source: {page.source_description or page.title}; licence: {page.licence}")
    lines.extend(f"warning: {w}" for w in page.warnings)
    return lines


def import_command(
    page: Annotated[
        Path,
        typer.Argument(
            help="A saved 'Pardons Granted by President …' page (HTML), or the commutation "
            "list as CSV (key,info); recognised by content."
        ),
    ],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="json (default) or text.")
    ] = OutputFormat.json,
    db: Annotated[
        str | None,
        typer.Option("--db", help="Database URL to store the grants in (idempotent per page)."),
    ] = None,
    queue: Annotated[
        bool,
        typer.Option(
            "--queue",
            help="Check the file now, then store it as a background job (grants_import) in "
            "--db or CLEMENCY_DATABASE_URL; the job shows on Admin → Jobs.",
        ),
    ] = False,
) -> None:
    """Parse a grant page or commutation CSV and print its grants; with --db, store them;
    with --queue, queue the storing as a job."""
    if not page.exists():
        fail(f"{page}: no such file", 1)
    if queue:
        _queue_import(page, db, output_format)
        return
    if db is None:
        parsed = _parse(page)
        if output_format is OutputFormat.json:
            typer.echo(json.dumps(parsed.model_dump(mode="json"), indent=2, ensure_ascii=False))
        else:
            typer.echo("\n".join(_text_lines(parsed)))
        return
    parsed = _parse(page)
    from sqlalchemy import inspect
    from sqlalchemy.exc import SQLAlchemyError

    from clemency.db.session import make_engine, unit_of_work
    from clemency.grants import service

    try:
        engine = make_engine(db)
        inspector = inspect(engine)
        missing = {"grant_sources", "grants", "grant_convictions"} - set(
            inspector.get_table_names()
        )
        if not missing and "licence" not in {
            c["name"] for c in inspector.get_columns("grant_sources")
        }:
            missing = {"grant_sources.licence"}
    except SQLAlchemyError as error:  # a bad URL or an unreachable server: one line
        fail(f"cannot open the database {db!r}: {error}")
    if missing:
        fail(
            f"the database has no {', '.join(sorted(missing))} table(s): run `clemency db upgrade` first"
        )
    try:
        with unit_of_work(engine) as session:
            result = service.store_page(session=session, page=parsed)
    except SQLAlchemyError as error:
        fail(f"cannot store the grants in {db!r}: {str(error).splitlines()[0]}")
    finally:
        engine.dispose()
    from clemency.grants.stats import import_summary

    figures = import_summary(parsed)
    summary = {
        "source_id": result.source_id,
        "file": result.file_name,
        "sha256": result.sha256,
        "created": result.created,
        "grants": result.grant_count,
        "grants_named_in_warnings": figures["grants_named_in_warnings"],
        "grants_without_grant_date": figures["grants_without_grant_date"],
        "by_grant_date": figures["by_grant_date"],
        "warnings": parsed.warnings,
    }
    if output_format is OutputFormat.json:
        typer.echo(json.dumps(summary, indent=2))
    elif result.created:
        typer.echo(f"stored {result.grant_count} grants from {result.file_name}")
    else:
        typer.echo(f"{result.file_name} was imported before (same sha256); nothing added")


def _queue_import(page: Path, db: str | None, output_format: OutputFormat) -> None:
    """Stage the page in the file store and queue a ``grants_import`` job (audited)."""
    import getpass

    from sqlalchemy.exc import SQLAlchemyError

    from clemency.audit import service as audit
    from clemency.config import get_settings
    from clemency.db.session import make_engine, unit_of_work
    from clemency.grants import import_job
    from clemency.jobs import service as jobs

    settings = get_settings()
    if db is not None:
        settings = settings.model_copy(update={"database_url": db})
    try:
        data = page.read_bytes()
    except OSError as error:
        fail(f"{page}: cannot read it: {error.strerror or error}")
    try:
        payload = import_job.stage(data_dir=settings.data_dir, data=data, source_file=page.name)
    except ClemencyError as error:
        report(error)
    except OSError as error:
        fail(f"cannot keep a copy in {settings.data_dir}: {error.strerror or error}")
    try:
        operator = f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        operator = "cli:operator"
    engine = make_engine(settings.database_url)
    try:
        with unit_of_work(engine) as session:
            audit.set_origin(session=session, source="cli")
            job = jobs.pending_like(
                session=session, kind=import_job.KIND, payload=payload, user_id=None
            ) or jobs.enqueue(
                session=session,
                settings=settings,
                kind=import_job.KIND,
                payload=payload,
                actor_label=operator[:254],
            )
            public_id, status = job.public_id, job.status
    except SQLAlchemyError as error:
        fail(
            f"cannot queue the import in the database: {str(error).splitlines()[0]} "
            "(is it reachable, and migrated with `clemency db upgrade`?)"
        )
    finally:
        engine.dispose()
    runner = (
        "`clemency worker`"
        if jobs.backend_of(settings) == "procrastinate"
        else "the server's job thread, or `clemency worker --once`"
    )
    if output_format is OutputFormat.json:
        typer.echo(json.dumps({"job": public_id, "status": status, **payload}, indent=2))
    else:
        typer.echo(
            f"queued job {public_id} ({import_job.KIND}, {status}): {payload['grants']} grants "
            f"in {page.name}; {runner} stores them; see Admin → Jobs"
        )


def stats_command(
    pages: Annotated[
        list[Path], typer.Argument(help="One or more saved grant pages (HTML) or commutation CSVs.")
    ],
    out: Annotated[
        Path, typer.Option("--out", help="Directory for the CSV files and the PNG/SVG charts.")
    ],
) -> None:
    """Statistics of the grants on the pages: CSV tables and PNG/SVG charts in --out."""
    from clemency.grants import charts, stats

    grants = []
    for path in pages:
        if not path.exists():
            fail(f"{path}: no such file", 1)
        grants.extend(_parse(path).grants)
    try:
        written = stats.write_tables(grants, out) + charts.write_charts(grants, out)
    except OSError as error:
        fail(f"cannot write to {out}: {error.strerror or error}")
    for path in written:
        typer.echo(str(path))
    for row in stats.comparison(grants):
        if row["kind"] == "pardon" or row["parsed"]:
            typer.echo(
                f"{row['president']}: {row['parsed']} {row['kind']}s parsed, "
                f"{row['published']} published",
                err=True,
            )


def register(app: typer.Typer) -> None:
    """Attach `clemency grants import` and `clemency grants stats`."""
    group = typer.Typer(
        help="The public record: grants parsed from the Justice Department's pages.",
        no_args_is_help=True,
    )
    group.command("import")(import_command)
    group.command("stats")(stats_command)
    app.add_typer(group, name="grants")
