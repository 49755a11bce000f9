"""The production server behind ``clemency serve``: gunicorn managing uvicorn workers.

gunicorn's master keeps ``--workers`` processes alive, restarts one that dies, hands new
connections to whichever worker accepts first (no worker hoards keep-alive connections the way
uvicorn's own ``--workers`` can), and on SIGTERM stops accepting, lets requests in flight finish
(up to ``graceful_timeout``) and exits; SIGHUP reloads the workers one by one.

Prometheus's multiprocess mode needs ``PROMETHEUS_MULTIPROC_DIR`` set *before* any worker imports
``prometheus_client``; :func:`run` sets it (a fresh temporary folder unless the operator gave
one), empties it at start, and tells the client when a worker exits.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from clemency.config import Settings

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"  # the same name as clemency.ops.metrics, not imported


def _prepare_multiproc_dir() -> Path:
    given = os.environ.get(MULTIPROC_ENV)
    if given:
        folder = Path(given)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.db"):  # samples of a previous run would be counted again
            stale.unlink()
    else:
        folder = Path(tempfile.mkdtemp(prefix="clemency-metrics-"))
        os.environ[MULTIPROC_ENV] = str(folder)
    return folder


def _log_config(log_format: str) -> dict[str, Any]:
    """gunicorn's and the workers' logging, in the format of ``CLEMENCY_LOG_FORMAT``."""
    formatter: dict[str, Any] = (
        {"()": "clemency.ops.logs.JsonFormatter"}
        if log_format == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    )
    stderr = {"class": "logging.StreamHandler", "formatter": "main", "stream": "ext://sys.stderr"}
    quiet = {"level": "WARNING", "handlers": [], "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"main": formatter},
        "handlers": {"stderr": stderr},
        "root": {"level": "INFO", "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
            "gunicorn.access": quiet,
            "uvicorn.access": quiet,  # prints raw paths (letter tokens) and client addresses
            "uvicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
            "alembic": {"level": "WARNING", "handlers": [], "propagate": True},
        },
    }


def gunicorn_options(
    settings: Settings, *, bind: list[str], workers: int, graceful_timeout: int = 30
) -> dict[str, Any]:
    """The gunicorn settings ``clemency serve`` runs with."""

    def child_exit(_server: object, worker: Any) -> None:
        from clemency.ops.metrics import mark_process_dead

        mark_process_dead(worker.pid)

    return {
        "bind": bind,
        "workers": workers,
        "worker_class": "uvicorn_worker.UvicornWorker",
        "graceful_timeout": graceful_timeout,
        "timeout": 120,  # a worker silent this long is killed and replaced
        "keepalive": 5,
        "forwarded_allow_ips": settings.forwarded_allow_ips,
        "proxy_protocol": False,
        "accesslog": None,  # clemency.access logs each request without personal data
        "errorlog": "-",
        "loglevel": "info",
        "logconfig_dict": _log_config(settings.log_format),
        "control_socket_disable": True,
        "child_exit": child_exit,
        "proc_name": "clemency",
    }


def run(settings: Settings, *, bind: list[str], workers: int) -> None:
    """Serve ``clemency.web.app:create_app`` until SIGTERM/SIGINT."""
    folder = _prepare_multiproc_dir()
    from gunicorn.app.base import BaseApplication

    options = gunicorn_options(settings, bind=bind, workers=workers)

    class _Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            # Runs in each worker after the fork, so every worker has its own engine/pool.
            from clemency.web.app import create_app

            return create_app(settings)

    try:
        _Server().run()
    finally:
        if os.environ.get(MULTIPROC_ENV) == str(folder) and folder.name.startswith(
            "clemency-metrics-"
        ):
            shutil.rmtree(folder, ignore_errors=True)
