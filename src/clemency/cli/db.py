"""`clemency db` commands."""

from __future__ import annotations

from typing import Annotated

import typer

from clemency.config import get_settings

# SQLAlchemy and Alembic are imported inside the commands: every `clemency` invocation loads
# this module, and a bulk screening run should not pay for the migration machinery.

db_app = typer.Typer(help="Database: apply migrations.", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade(
    database_url: Annotated[
        str | None,
        typer.Option("--database-url", help="SQLAlchemy URL; default CLEMENCY_DATABASE_URL."),
    ] = None,
    revision: Annotated[str, typer.Option(help="Target revision.")] = "head",
) -> None:
    """Apply the migrations (creates a SQLite file if it does not exist)."""
    from sqlalchemy.engine import make_url

    from clemency.db import migrate

    url = database_url or get_settings().database_url
    migrate.upgrade(url, revision)
    shown = make_url(url).render_as_string(hide_password=True)
    typer.echo(f"{shown} is at revision {', '.join(sorted(migrate.current_heads(url)))}")


def register(app: typer.Typer) -> None:
    """Attach `db` to the root app."""
    app.add_typer(db_app, name="db")
