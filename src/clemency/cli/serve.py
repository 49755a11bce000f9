"""`clemency serve`: the production web server (settings from ``CLEMENCY_*``)."""

from __future__ import annotations

from typing import Annotated

import typer


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(help="Worker processes (one per core is a good start).")
    ] = 2,
    proxy_headers: Annotated[
        bool, typer.Option(help="Trust X-Forwarded-* from the reverse proxy in front.")
    ] = True,
    bind: Annotated[
        list[str] | None,
        typer.Option(
            help="HOST:PORT or unix:PATH to listen on (repeatable; overrides --host/--port)."
        ),
    ] = None,
) -> None:
    """Serve the web application with several workers. Run `clemency db upgrade` first."""
    from clemency.config import get_settings
    from clemency.web import server

    settings = get_settings()  # refuse placeholder secrets in production before any worker
    if not proxy_headers:
        settings = settings.model_copy(update={"forwarded_allow_ips": ""})
    server.run(settings, bind=bind or [f"{host}:{port}"], workers=workers)


def register(app: typer.Typer) -> None:
    """Attach `clemency serve`."""
    app.command("serve")(serve)
