"""`clemency db` commands, and the case export/import groups (registered from here)."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy.engine import make_url

from clemency.audit import service as audit
from clemency.cli import cases as cases_cli
from clemency.cli.common import fail
from clemency.config import get_settings
from clemency.db import migrate
from clemency.db.session import make_engine, session_factory

db_app = typer.Typer(help="Database: apply migrations.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade(
    database_url: Annotated[
        str | None,
        typer.Option("--database-url", help="SQLAlchemy URL; default CLEMENCY_DATABASE_URL."),
    ] = None,
    revision: Annotated[str, typer.Option(help="Target revision.")] = "head",
) -> None:
    """Apply the migrations (creates a SQLite file if it does not exist)."""
    url = database_url or get_settings().database_url
    migrate.upgrade(url, revision)
    shown = make_url(url).render_as_string(hide_password=True)
    typer.echo(f"{shown} is at revision {', '.join(sorted(migrate.current_heads(url)))}")


@audit_app.command("verify")
def verify_audit(
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="Default: CLEMENCY_DATABASE_URL.")
    ] = None,
) -> None:
    """Recompute the audit trail's hash chain; exit 1 naming the first row that does not match."""
    engine = make_engine(database_url or get_settings().database_url)
    try:
        with session_factory(engine)() as session:
            result = audit.verify_chain(session=session)
    finally:
        engine.dispose()
    if not result.ok:
        where = f"row {result.first_broken_id}" if result.first_broken_id else "the end"
        fail(f"audit trail broken at {where}: {result.reason} ({result.rows_checked} rows read)")
    typer.echo(f"audit trail intact: {result.rows_checked} rows")


def register(app: typer.Typer) -> None:
    """Attach `db`, `audit`, `export` and `import` to the root app."""
    app.add_typer(db_app, name="db")
    app.add_typer(audit_app, name="audit")
    cases_cli.register(app)
