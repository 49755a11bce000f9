"""What every command shares: the user-error exit, settings and the unit of work."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from pathlib import Path
from typing import NoReturn

import typer

from clemency.errors import ClemencyError

DEBUG = {"on": False}

# The collector's thresholds while a command runs (see `short_lived`). A command is one short
# process whose heap only grows while it starts (SQLAlchemy's mapped models, WeasyPrint):
# with Python's defaults the collector walks that whole heap again every few thousand
# allocations, 0.15 s of a 1.5 s packet. Young objects are still collected as usual; only the
# full passes come 100 times less often.
COMMAND_GC_THRESHOLD = (700, 10, 1000)
_GC_DEFAULTS = gc.get_threshold()


def short_lived() -> None:
    """Collector thresholds for a command (put back by `long_running` or at the end)."""
    gc.set_threshold(*COMMAND_GC_THRESHOLD)


def long_running() -> None:
    """Python's collector thresholds again, for a command that serves until it is stopped."""
    gc.set_threshold(*_GC_DEFAULTS)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a one-line message on stderr and exit (1: user error, 2: bad usage)."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def report(error: ClemencyError) -> NoReturn:
    if DEBUG["on"]:
        raise error
    fail(error.message)


def guard_output(
    out: Path,
    *,
    database_url: str | None = None,
    reads: Iterable[Path] = (),
    data_dir: Path | None = None,
) -> Path:
    """``out`` if it may be written (see :mod:`clemency.outputs`); otherwise one line, exit 1."""
    from clemency import outputs

    try:
        return outputs.check_output(out, database_url=database_url, reads=reads, data_dir=data_dir)
    except ClemencyError as error:
        report(error)


def read_input(path: Path, *, limit: int, what: str) -> str:
    """The UTF-8 text of an input file, or one line and exit 1.

    Refuses a missing file, a folder, a device or pipe (``/dev/zero`` never ends), a file
    larger than ``limit`` bytes (read at most ``limit + 1``) and bytes that are not UTF-8.
    """
    import stat

    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        fail(f"{path}: no such file.")
    except OSError as error:
        fail(f"{path}: cannot read it ({error.strerror or error}).")
    if stat.S_ISDIR(mode):
        fail(f"{path} is a folder; give the {what} file inside it.")
    if not stat.S_ISREG(mode):
        fail(f"{path} is not a regular file (a device or a pipe); give a {what} file.")
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        fail(f"{path}: cannot read it ({error.strerror or error}).")
    if len(data) > limit:
        fail(f"{path} is larger than {limit:,} bytes, the most a {what} file may be.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        fail(
            f"{path} line {line}: not UTF-8 text (byte {error.start}); save the {what} file "
            "as UTF-8."
        )


def database_error_message(error: BaseException) -> str | None:
    """One line for a database that is missing, unreachable or not migrated; None otherwise.

    Such an error is the user's to fix (a wrong URL, a new database), not a crash; the
    traceback is still there with --debug. SQLAlchemy is not imported to recognise it.
    """
    if not type(error).__module__.startswith("sqlalchemy"):
        return None
    cause = getattr(error, "orig", None) or error
    text = str(cause).strip()
    first_line = text.splitlines()[0] if text else type(cause).__name__
    lowered = first_line.lower()
    if "no such table" in lowered or ("relation" in lowered and "does not exist" in lowered):
        return (
            f"the database has no Clemency tables ({first_line}). Check CLEMENCY_DATABASE_URL "
            "(or --database-url) and run `clemency db upgrade` if the database is new."
        )
    if any(word in lowered for word in ("unable to open", "could not connect", "connection")):
        return (
            f"cannot reach the database ({first_line}). Check CLEMENCY_DATABASE_URL "
            "(or --database-url) and that the database server is running."
        )
    return f"the database refused the command ({first_line}); nothing was changed."
