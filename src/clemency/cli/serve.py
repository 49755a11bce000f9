"""`clemency serve`: the production web server (settings from ``CLEMENCY_*``).

It runs the production profile unless told otherwise: ``CLEMENCY_ENVIRONMENT`` when set, else
``production``; ``--development`` is the explicit choice of the development profile. Outside
the development profile it refuses to start with the placeholder secret, and in production
without an audit key (``clemency demo`` is the zero-setup way to try Clemency).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer

from clemency.cli.common import fail, long_running

if TYPE_CHECKING:
    from clemency.config import Settings


def startup_problem(settings: Settings) -> str | None:
    """Why ``settings`` are not fit to serve with (None: they are)."""
    from clemency.audit import keys
    from clemency.config import PLACEHOLDER_SECRET
    from clemency.errors import ClemencyError

    if settings.environment == "development":
        return None
    if settings.secret_key.get_secret_value() == PLACEHOLDER_SECRET:
        return (
            f"CLEMENCY_SECRET_KEY is the development placeholder and the profile is "
            f"{settings.environment}; set a long random value (`python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))'`), or pass --development on a machine only you "
            "can reach."
        )
    try:
        key = keys.load_audit_key(settings)
    except ClemencyError as error:
        return error.message
    if key is None and settings.environment == "production":
        return (
            "no audit key: set CLEMENCY_AUDIT_KEY_FILE to a key file kept apart from the "
            "database (make one with `clemency audit keygen FILE`); see docs/security.md."
        )
    return None


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(help="Worker processes (one per core is a good start).")
    ] = 2,
    proxy_headers: Annotated[
        bool, typer.Option(help="Trust X-Forwarded-* from the reverse proxy in front.")
    ] = True,
    development: Annotated[
        bool,
        typer.Option(
            "--development",
            help="Run the development profile (placeholder secret allowed, no HSTS, no audit "
            "key required). Only on a machine nobody else can reach.",
        ),
    ] = False,
    bind: Annotated[
        list[str] | None,
        typer.Option(
            help="HOST:PORT or unix:PATH to listen on (repeatable; overrides --host/--port)."
        ),
    ] = None,
) -> None:
    """Serve the web application with several workers (production profile unless
    CLEMENCY_ENVIRONMENT or --development says otherwise). Run `clemency db upgrade` first."""
    from pydantic import ValidationError

    from clemency.config import get_settings
    from clemency.web import server

    if development:
        os.environ["CLEMENCY_ENVIRONMENT"] = "development"
    else:
        os.environ.setdefault("CLEMENCY_ENVIRONMENT", "production")
    get_settings.cache_clear()  # the workers read the same environment
    try:
        settings = get_settings()
    except ValidationError as error:
        fail("; ".join(str(item["msg"]).removeprefix("Value error, ") for item in error.errors()))
    problem = startup_problem(settings)
    if problem is not None:
        fail(problem)
    if not proxy_headers:
        settings = settings.model_copy(update={"forwarded_allow_ips": ""})
    typer.echo(
        f"Serving the {settings.environment} profile on {', '.join(bind or [f'{host}:{port}'])}"
    )
    long_running()
    server.run(settings, bind=bind or [f"{host}:{port}"], workers=workers)


def register(app: typer.Typer) -> None:
    """Attach `clemency serve`."""
    app.command("serve")(serve)
