"""`clemency export cases` and `clemency import cases`: whole cases as JSON Lines or CSV."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from clemency import outputs
from clemency.cli.common import fail, guard_output, read_input, report
from clemency.config import get_settings
from clemency.errors import ClemencyError

if TYPE_CHECKING:
    from clemency.cases.access import Actor

# The store (SQLAlchemy, models, services) is imported inside the commands so that every
# other `clemency` command starts without it.

export_app = typer.Typer(help="Export records.", no_args_is_help=True)
import_app = typer.Typer(help="Import records.", no_args_is_help=True)

AS_HELP = (
    "Act as this user (their access rules apply and the audit names them). "
    "Default: the command-line operator, who sees every case."
)


def actor_for(session: object, email: str | None) -> Actor:
    """The user named by --as, or the command-line operator."""
    from clemency.accounts import service as accounts
    from clemency.cases.access import Operator

    if email is None:
        return Operator(f"cli:{getpass.getuser()}")
    user = accounts.get_user_by_email(session=session, email=email)  # type: ignore[arg-type]
    if user is None:
        fail(f"no user {email!r} in this database")
    return user


@export_app.command("cases")
def export_cases(
    fmt: Annotated[str, typer.Option("--format", help="json (JSON Lines) or csv.")] = "json",
    out: Annotated[
        Path | None, typer.Option("--out", help="Output file (default: standard output).")
    ] = None,
    organization: Annotated[str | None, typer.Option(help="Only this organization (slug).")] = None,
    as_user: Annotated[str | None, typer.Option("--as", help=AS_HELP)] = None,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="Default: settings.")
    ] = None,
) -> None:
    """Write every case you may see, in (organization, reference) order; each one is audited."""
    from clemency.audit import service as audit
    from clemency.cases import transfer
    from clemency.db.session import make_engine, unit_of_work

    if fmt not in ("json", "csv"):
        fail(f"unknown format {fmt!r}; use json or csv", code=2)
    settings = get_settings()
    url = database_url or settings.database_url
    if out is not None:
        guard_output(out, database_url=url, data_dir=settings.data_dir)
    engine = make_engine(url)
    try:
        with unit_of_work(engine) as session:
            audit.set_origin(session=session, source="cli")
            documents = transfer.export_cases(
                session=session, user=actor_for(session, as_user), organization_slug=organization
            )
            if out is None:
                count = transfer.write_documents(documents, sys.stdout, fmt)
            else:
                with outputs.atomic_text(out) as stream:
                    count = transfer.write_documents(documents, stream, fmt)
    except ClemencyError as error:
        report(error)
    except OSError as error:
        if out is None:
            raise
        fail(outputs.disk_error_message(out, error))
    finally:
        engine.dispose()
    typer.echo(f"exported {count} cases" + (f" to {out}" if out else ""), err=True)


IMPORT_MAX_BYTES = 1024**3
"""The largest case import read (1 GiB, some 300,000 cases as JSON Lines)."""


@import_app.command("cases")
def import_cases(
    file: Annotated[Path, typer.Argument(help="A file written by `clemency export cases`.")],
    fmt: Annotated[
        str | None, typer.Option("--format", help="json or csv (default: from the file name).")
    ] = None,
    all_or_nothing: Annotated[
        bool,
        typer.Option(
            "--all-or-nothing/--skip-bad",
            help="On a bad row import nothing (default), or import every other row.",
        ),
    ] = True,
    as_user: Annotated[str | None, typer.Option("--as", help=AS_HELP)] = None,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="Default: settings.")
    ] = None,
    create_organizations: Annotated[
        bool,
        typer.Option(
            "--create-organizations",
            help="Create organizations named in the file that are missing.",
        ),
    ] = False,
) -> None:
    """Import cases in one transaction; bad rows are reported with their line numbers."""
    from clemency.audit import service as audit
    from clemency.cases import transfer
    from clemency.db.session import make_engine, unit_of_work

    fmt = fmt or ("csv" if file.suffix.lower() == ".csv" else "json")
    if fmt not in ("json", "csv"):
        fail(f"unknown format {fmt!r}; use json or csv", code=2)
    text = read_input(file, limit=IMPORT_MAX_BYTES, what="case import")
    engine = make_engine(database_url or get_settings().database_url)
    try:
        with unit_of_work(engine) as session:
            audit.set_origin(session=session, source="cli")
            result = transfer.import_cases(
                session=session,
                user=actor_for(session, as_user),
                rows=transfer.read_documents(text, fmt),
                mode="all_or_nothing" if all_or_nothing else "skip_bad",
                source_name=file.name,
                create_organizations=create_organizations,
            )
    except ClemencyError as error:
        problems = error.fields.get("problems")
        if isinstance(problems, list):
            for problem in problems:
                typer.echo(f"  {file.name} {problem}", err=True)
        report(error)
    finally:
        engine.dispose()
    for problem in result.problems:
        typer.echo(f"skipped: {file.name} {problem}", err=True)
    typer.echo(f"imported {len(result.imported)} cases, skipped {len(result.problems)}")


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")
    app.add_typer(import_app, name="import")
