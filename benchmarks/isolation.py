"""What a benchmark needs to share a server with other people's work safely.

Each run creates its own PostgreSQL database under a name no other run can have (the process
id and random bytes) and drops that database alone, and its servers listen on sockets the
benchmark itself bound to a port the kernel chose, handed to uvicorn with ``--fd``: no fixed
name, no fixed port, nothing of anyone else's dropped or taken over. What a run created is
undone in ``finally`` blocks, so also on an error or Ctrl-C, and on SIGTERM once
:func:`stop_on_sigterm` is called.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa


@contextmanager
def own_database(pg_url: str | None, prefix: str) -> Iterator[str]:
    """This run's own database: on the PostgreSQL server of ``pg_url`` if given (see
    :func:`own_postgres_database`), else a SQLite file in a temporary folder; gone afterwards."""
    if pg_url:
        with own_postgres_database(pg_url, prefix) as url:
            yield url
    else:
        with tempfile.TemporaryDirectory(prefix=f"{prefix}-") as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"


@contextmanager
def own_postgres_database(admin_url: str, prefix: str) -> Iterator[str]:
    """Create a database of a fresh name, yield its URL, then drop it (and only it)."""
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            yield (
                sa.engine.make_url(admin_url)
                .set(database=name)
                .render_as_string(hide_password=False)
            )
        finally:
            # FORCE ends the sessions of our own servers should one still be shutting down;
            # the name is ours alone, so no one else's session is touched.
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def listening_socket() -> socket.socket:
    """A loopback socket bound to a port the kernel picked, already listening.

    Pass ``sock.fileno()`` to ``uvicorn --fd`` (with ``pass_fds``): the port is held from the
    moment it is chosen, so no other process can take it between choosing and serving."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # uvicorn wraps an inherited descriptor as AF_UNIX, so asyncio never sets TCP_NODELAY on
    # the connections it accepts; Nagle's algorithm then holds the body of every response
    # until the client's delayed ACK, about 40 ms a request. Linux copies the option from the
    # listening socket to each accepted one.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def stop_on_sigterm() -> None:
    """Make SIGTERM end the run as Ctrl-C does: by an exception, so ``finally`` blocks (and
    context managers such as :func:`own_postgres_database`) still clean up."""

    def interrupt(signum: int, frame: object) -> None:
        del frame
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, interrupt)


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """Stop a server this run started (SIGTERM, then SIGKILL after 30 s) and reap it."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
