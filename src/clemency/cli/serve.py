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
) -> None:
    """Serve the web application with several workers. Run `clemency db upgrade` first."""
    import uvicorn

    from clemency.config import get_settings

    get_settings()  # refuse placeholder secrets in production before starting any worker
    uvicorn.run(
        "clemency.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=proxy_headers,
        forwarded_allow_ips="127.0.0.1",
        log_level="info",
        server_header=False,
    )


def register(app: typer.Typer) -> None:
    """Attach `clemency serve`."""
    app.command("serve")(serve)
