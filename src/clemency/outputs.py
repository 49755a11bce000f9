"""Writing a file a person named: the one guard every command that writes a file goes through.

Two promises (style guide, "Never lose data"):

* **Never onto something we read.** :func:`check_output` refuses an output path that is, after
  following symlinks and ``..``, or through a hard link (same device and inode), the database
  file or one of its ``-wal``/``-shm``/``-journal`` companions, an input the command reads, or a
  place inside the data directory's stored folders (:data:`clemency.datadir.STORED_FOLDERS`:
  the stored files, the screening runs, the kept grant pages). It also refuses a directory and
  a missing folder.
* **Never half a file.** :func:`atomic_binary` writes to a temporary file in the same folder,
  flushes and fsyncs it, renames it onto the target and fsyncs the folder. If anything fails
  (a full disk included) the temporary file is removed and any previous file is left as it was.

Plumbing: imports nothing of Clemency's but :mod:`clemency.errors` and :mod:`clemency.datadir`.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TextIO
from urllib.parse import unquote

from clemency import datadir
from clemency.errors import BadInput

SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


class UnsafeOutput(BadInput):
    """The output path would overwrite the database, an input or a stored file."""


# The database part of a URL as SQLAlchemy's make_url finds it (sqlalchemy/engine/url.py),
# so that a command writing a file need not import SQLAlchemy (0.15 s of CPU) to check it.
_URL = re.compile(
    r"""[\w+]+://(?:[^:/]*(?::[^@]*)?@)?(?:(?:\[[^/?]+\]|[^/:?]+)?(?::[^/?]*)?)?"""
    r"""(?:/(?P<database>[^?]*))?"""
)


def sqlite_files(database_url: str | None) -> list[Path]:
    """The files of a SQLite database URL (the file and its companions); [] for a server."""
    if not database_url or not database_url.startswith("sqlite"):
        return []
    match = _URL.match(database_url)
    database = unquote(match["database"]) if match and match["database"] is not None else None
    if not database or database == ":memory:" or database.startswith("file:"):
        return []
    return [Path(database + suffix) for suffix in SQLITE_COMPANIONS]


def _same_file(a: Path, b: Path) -> bool:
    if a.resolve() == b.resolve():
        return True
    try:
        sa, sb = a.stat(), b.stat()
    except OSError:
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def check_output(
    out: Path,
    *,
    database_url: str | None = None,
    reads: Iterable[Path] = (),
    data_dir: Path | None = None,
) -> Path:
    """``out`` if it is safe to write; :class:`UnsafeOutput` naming the reason otherwise."""
    out = Path(out)
    if str(out) in ("", "-"):
        raise UnsafeOutput("the output path is empty; name a file")
    if out.is_dir():
        raise UnsafeOutput(f"output {out} is a folder; name a file inside it")
    for db_file in sqlite_files(database_url):
        if _same_file(out, db_file):
            raise UnsafeOutput(
                f"output {out} is the database file {db_file}; writing it would destroy the "
                "database. Choose another file name"
            )
    for source in reads:
        if _same_file(out, Path(source)):
            raise UnsafeOutput(
                f"output {out} is {source}, which this command reads; choose another file name"
            )
    stored_folders = [Path(data_dir) / f for f in datadir.STORED_FOLDERS] if data_dir else []
    for stored in stored_folders:
        if _inside(out, stored):
            raise UnsafeOutput(
                f"output {out} is inside the stored files ({stored}); choose a file outside it"
            )
    parent = out.resolve().parent
    if not parent.is_dir():
        raise UnsafeOutput(f"output folder {out.parent} does not exist; create it first")
    return out


@contextlib.contextmanager
def atomic_binary(out: Path) -> Iterator[IO[bytes]]:
    """A binary stream onto a temporary file beside ``out``, renamed onto ``out`` on success.

    A symlink named ``out`` is replaced by the new file, never written through.
    """
    with _temporary_beside(Path(out)) as (handle, temporary):
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, out)


@contextlib.contextmanager
def atomic_text(out: Path) -> Iterator[TextIO]:
    """As :func:`atomic_binary`, for UTF-8 text written with no newline translation."""
    with _temporary_beside(Path(out)) as (handle, temporary):
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, out)


@contextlib.contextmanager
def _temporary_beside(out: Path) -> Iterator[tuple[int, str]]:
    folder = out.parent if str(out.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{out.name}.", suffix=".partial")
    try:
        yield handle, temporary
    except BaseException:
        with contextlib.suppress(OSError):
            os.close(handle)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    fsync_folder(folder)


def fsync_file(path: Path) -> None:
    """Flush ``path``'s contents to disk (for files written by another library)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_bytes(out: Path, data: bytes) -> None:
    """Write ``data`` to ``out`` atomically (see :func:`atomic_binary`)."""
    with atomic_binary(out) as stream:
        stream.write(data)


def disk_error_message(out: Path, error: OSError) -> str:
    """One line for an output that could not be written (full disk, no permission...)."""
    reason = error.strerror or str(error)
    return f"could not write {out}: {reason}; nothing was written (free space or choose another folder)"
