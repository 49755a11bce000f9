"""`clemency demo`: create and seed the demo database if needed, then serve the web app."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from clemency.cli.common import long_running
from clemency.config import Settings

# Kept in step with clemency.cases.demo.seed (a test checks); the seed module itself, with
# SQLAlchemy and Alembic behind it, is imported only when the command runs.
DEFAULT_SEED = 2018
DEFAULT_COUNT = 300


def demo(
    seed: Annotated[int, typer.Option(help="Seed of the synthetic-case generator.")] = DEFAULT_SEED,
    count: Annotated[
        int, typer.Option(help="How many synthetic cases to generate.")
    ] = DEFAULT_COUNT,
    database: Annotated[
        Path | None,
        typer.Option(
            help="The demo SQLite file (default: CLEMENCY_DATABASE_URL if set, else "
            "clemency-demo.db)."
        ),
    ] = None,
    host: Annotated[str, typer.Option(help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the web app afterwards.")
    ] = True,
) -> None:
    """Create the demo database if absent, seed it, print the logins and serve the web app."""
    from sqlalchemy.engine import make_url

    from clemency.audit import keys as audit_keys
    from clemency.cases.demo.seed import (
        DEMO_MFA_EMAIL,
        DEMO_PASSWORD,
        DEMO_TOTP_SECRET,
        demo_email,
        is_seeded,
        seed_demo,
    )
    from clemency.db import migrate
    from clemency.db.session import make_engine, unit_of_work
    from clemency.grants.service import import_bundled_pages

    if database is None and os.environ.get("CLEMENCY_DATABASE_URL"):
        url = Settings(
            database_url=os.environ["CLEMENCY_DATABASE_URL"], environment="development"
        ).database_url
    else:
        url = f"sqlite:///{database or Path('clemency-demo.db')}"
    shown = make_url(url).render_as_string(hide_password=True)
    if url.startswith("sqlite"):
        created = not Path(make_url(url).database or "").exists()
    else:
        created = not migrate.current_heads(url)
    # Keys sit beside the demo's SQLite file (a real deployment keeps them elsewhere).
    key_base = (
        Path(make_url(url).database or "clemency-demo.db")
        if url.startswith("sqlite")
        else Path("clemency-demo.db")
    )
    key_file = demo_key_file(key_base)
    _install_demo_keys(key_file, created=created)
    audit_key_file = audit_keys.demo_key_file(key_base)
    key = (
        audit_keys.load_audit_key(Settings(audit_key_file=audit_key_file))
        if audit_key_file.exists()
        else None
    )
    if key is None:
        key = audit_keys.write_new_key(audit_key_file)
        typer.echo(f"Made the demo's audit key {audit_key_file}.")
    # Mail is written to a folder, never sent, in the demo.
    settings = Settings(
        database_url=url,
        environment="development",
        key_file=key_file,
        audit_key_file=audit_key_file,
        mail_backend="file",
        mail_dir=Path("clemency-demo-mail"),
    )
    migrate.upgrade(url)
    engine = make_engine(url)
    audit_keys.bind(engine, key)
    try:
        with unit_of_work(engine) as session:
            if is_seeded(session=session):
                typer.echo(f"Using the existing demo database {shown} (delete it to reseed).")
            else:
                summary = seed_demo(
                    session=session,
                    seed=seed,
                    count=count,
                    secret_key=settings.secret_key.get_secret_value(),
                )
                pages = import_bundled_pages(session=session)
                typer.echo(
                    f"Imported {sum(p.grant_count for p in pages)} grants from "
                    f"{len(pages)} sources: the Justice Department's pages and its Obama commutation list (the public record)."
                )
                verb = "Created" if created else "Seeded"
                typer.echo(f"{verb} {shown}: {summary.cases} cases (seed {seed}).")
    finally:
        engine.dispose()
    typer.echo("Demo logins (password for all: " + DEMO_PASSWORD + "):")
    for slug in ("justice-clinic", "pardon-project"):
        for role in ("admin", "attorney", "volunteer", "viewer"):
            typer.echo(f"  {demo_email(slug, role):40} {role}")
    typer.echo(
        f"  {DEMO_MFA_EMAIL:40} attorney, with two-factor sign-in "
        f"(TOTP secret {DEMO_TOTP_SECRET}; see docs/demo.md)"
    )
    typer.echo(f"Open http://{host}:{port}/")
    if not serve:
        return
    import uvicorn

    from clemency.web.app import create_app

    typer.echo("E-mail is written to clemency-demo-mail/ instead of being sent.")
    long_running()
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


def demo_key_file(database: Path) -> Path:
    """The demo's own key file, beside its database (``clemency-demo.keys``)."""
    return database.with_suffix(".keys")


def _install_demo_keys(key_file: Path, *, created: bool) -> None:
    """Use the demo's key file, making it on first run, so the demo encrypts like production
    and still needs nothing configured."""
    from clemency.crypto import keys

    if not key_file.exists():
        keys.write(keys.generate(), key_file)
        typer.echo(f"Made the demo's key file {key_file} (delete it with the demo database).")
    keys.install(keys.read(key_file))


def register(app: typer.Typer) -> None:
    """Attach `clemency demo`."""
    app.command("demo")(demo)
