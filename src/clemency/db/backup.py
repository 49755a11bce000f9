"""Backups: one archive with a consistent snapshot of the database, the stored files and a
manifest of sha256 hashes; and restoring one into an empty database.

The archive is an uncompressed tar (``clemency backup --out PATH``), written atomically:

* ``manifest.json`` — format, Clemency version, when, the backend, the method, the schema
  revision, and every other member's size and sha256;
* ``database.sqlite`` — a SQLite database, copied with SQLite's online backup API (a
  consistent snapshot while the application keeps running), or ``database.pgdump`` — a
  PostgreSQL database dumped with ``pg_dump --format=custom`` (one consistent snapshot);
* ``files/<folder>/…`` — every folder of the data directory the database points at
  (:data:`clemency.datadir.STORED_FOLDERS`): the stored files (``documents``: uploads, letters,
  exhibits, packets; the database rows hold their sha256 too), the bulk screening runs
  (``screening-runs``: each run's roster and results) and the grant pages kept for queued
  imports (``grant-imports``), as they are on disk. Unfinished files (``*.partial``, names
  starting with a dot) are left out. An archive of format 1 made before the screening runs were
  included holds ``files/documents/`` only and restores as before.

:func:`restore` checks every hash before touching anything, refuses a database that already
has tables (and a non-empty stored folder), and restores with the SQLite backup API or
``pg_restore --single-transaction``. The CLI then runs ``audit verify`` on the result.
Encryption keys and settings are not in the archive (see docs/operations.md).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

from clemency import __version__, datadir
from clemency.errors import BadInput, ClemencyError, ErrorCode

FORMAT = "clemency.backup/1"
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite"
PG_MEMBER = "database.pgdump"
FILES_PREFIX = "files/"
_CHUNK = 1024 * 1024


class BackupError(ClemencyError):
    """A backup or restore that cannot be done; the message says why and what to do."""

    code = ErrorCode.INTERNAL
    http_status = 500


@dataclass
class Manifest:
    backend: str
    method: str
    revision: list[str]
    created_at: str
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    clemency_version: str = __version__
    format: str = FORMAT

    def to_json(self) -> bytes:
        return json.dumps(self.__dict__, indent=2, sort_keys=True).encode("utf-8")


@dataclass(frozen=True)
class BackupSummary:
    out: Path
    backend: str
    files: int
    bytes: int


@dataclass(frozen=True)
class RestoreSummary:
    backend: str
    revision: list[str]
    files: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _backend(url: str) -> str:
    from sqlalchemy.engine import make_url

    name = make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BadInput(f"backups support SQLite and PostgreSQL databases, not {name}")
    return name


def _sqlite_path(url: str) -> Path:
    from sqlalchemy.engine import make_url

    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BadInput(f"{url} is not a SQLite database file")
    return Path(database)


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and the environment that carries it."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    conninfo = parsed.set(drivername="postgresql", password=None).render_as_string(
        hide_password=False
    )
    return conninfo, env


def _revision(url: str) -> list[str]:
    from clemency.db.migrate import current_heads

    return sorted(current_heads(url))


def _snapshot_sqlite(url: str, target: Path) -> None:
    source_path = _sqlite_path(url)
    if not source_path.is_file():
        raise BadInput(f"no SQLite database at {source_path}")
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
        source.close()


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"`{name}` is not installed; install the PostgreSQL client tools (the same major "
            "version as the server) to back up or restore a PostgreSQL database"
        )
    return found


def _snapshot_postgres(url: str, target: Path) -> None:
    conninfo, env = _libpq(url)
    completed = subprocess.run(  # noqa: S603 - fixed program, arguments are not a shell line
        [
            _tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={target}",
            f"--dbname={conninfo}",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if completed.returncode != 0:
        first = (completed.stderr.strip().splitlines() or ["unknown error"])[0]
        raise BackupError(f"pg_dump failed: {first}")


def _stored_files(data_dir: Path | None) -> Iterator[tuple[str, Path]]:
    """``(member name, path)`` of every finished file in the stored folders."""
    if data_dir is None:
        return
    for folder in datadir.STORED_FOLDERS:
        root = data_dir / folder
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            unfinished = path.name.startswith(".") or path.name.endswith(".partial")
            if path.is_file() and not path.is_symlink() and not unfinished:
                yield f"{FILES_PREFIX}{folder}/{path.relative_to(root).as_posix()}", path


def backup(*, database_url: str, data_dir: Path | None, stream: IO[bytes]) -> Manifest:
    """Write a backup archive of the database and the stored files to ``stream``."""
    backend = _backend(database_url)
    revision = _revision(database_url)
    with tempfile.TemporaryDirectory(prefix="clemency-backup-") as scratch:
        if backend == "sqlite":
            member, method = SQLITE_MEMBER, "sqlite backup API"
            dump = Path(scratch) / member
            _snapshot_sqlite(database_url, dump)
        else:
            member, method = PG_MEMBER, "pg_dump --format=custom"
            dump = Path(scratch) / member
            _snapshot_postgres(database_url, dump)
        members: list[tuple[str, Path]] = [(member, dump), *_stored_files(data_dir)]
        manifest = Manifest(
            backend=backend,
            method=method,
            revision=revision,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        for name, path in members:
            manifest.files[name] = {"size": path.stat().st_size, "sha256": _sha256(path)}
        with tarfile.open(fileobj=stream, mode="w", format=tarfile.PAX_FORMAT) as archive:
            body = manifest.to_json()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(body)
            info.mtime = int(datetime.now(UTC).timestamp())
            archive.addfile(info, io.BytesIO(body))
            for name, path in members:
                archive.add(path, arcname=name, recursive=False)
    return manifest


# --------------------------------------------------------------------------- restore


def _safe_member(name: str) -> bool:
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts:
        return False
    return name in (MANIFEST, SQLITE_MEMBER, PG_MEMBER) or (
        len(pure.parts) > 2
        and pure.parts[0] == FILES_PREFIX.rstrip("/")
        and pure.parts[1] in datadir.STORED_FOLDERS
    )


def _unpack(archive_path: Path, into: Path) -> Manifest:
    """Extract a backup into ``into`` after checking names; then check every hash."""
    try:
        archive = tarfile.open(archive_path, mode="r:")  # noqa: SIM115 - closed by the with below
    except (tarfile.TarError, OSError) as error:
        raise BadInput(f"{archive_path} is not a Clemency backup ({error})") from error
    with archive:
        seen: list[str] = []
        for member in archive:
            if not member.isfile() or not _safe_member(member.name):
                raise BadInput(
                    f"{archive_path}: unexpected entry {member.name!r}; not a Clemency backup"
                )
            target = into / member.name
            target.parent.mkdir(parents=True, exist_ok=True)
            source = archive.extractfile(member)
            assert source is not None
            with source, target.open("wb") as out:
                shutil.copyfileobj(source, out, _CHUNK)
            seen.append(member.name)
    if MANIFEST not in seen:
        raise BadInput(f"{archive_path} has no {MANIFEST}; not a Clemency backup")
    try:
        raw = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
        manifest = Manifest(**raw)
    except (ValueError, TypeError) as error:
        raise BadInput(f"{archive_path}: the manifest is not readable ({error})") from error
    if manifest.format != FORMAT:
        raise BadInput(f"{archive_path}: backup format {manifest.format!r}, expected {FORMAT}")
    extra = sorted(set(seen) - {MANIFEST} - set(manifest.files))
    missing = sorted(set(manifest.files) - set(seen))
    if extra or missing:
        raise BadInput(
            f"{archive_path}: the archive and its manifest disagree "
            f"(missing {missing[:3]}, unlisted {extra[:3]}); the backup is damaged"
        )
    for name, expected in manifest.files.items():
        if _sha256(into / name) != expected["sha256"]:
            raise BadInput(
                f"{archive_path}: {name} does not match its sha256 in the manifest; the backup "
                "is damaged. Use another backup"
            )
    return manifest


def _refuse_non_empty(url: str, backend: str) -> None:
    if backend == "sqlite":
        path = _sqlite_path(url)
        if path.exists() and path.stat().st_size > 0:
            raise BadInput(
                f"{path} already exists; restore into a new, empty database (a new file name)"
            )
        return
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            tables = connection.execute(
                sa.text(
                    "SELECT count(*) FROM information_schema.tables "
                    "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
                )
            ).scalar_one()
    finally:
        engine.dispose()
    if tables:
        raise BadInput(
            f"the database already has {tables} tables; restore into a new, empty database "
            "(createdb NAME)"
        )


def restore(*, archive: Path, database_url: str, data_dir: Path | None) -> RestoreSummary:
    """Restore ``archive`` into the empty database at ``database_url`` (and the stored folders
    into ``data_dir``). Nothing is written before every hash has been checked."""
    backend = _backend(database_url)
    with tempfile.TemporaryDirectory(prefix="clemency-restore-") as scratch:
        unpacked = Path(scratch)
        manifest = _unpack(archive, unpacked)
        if manifest.backend != backend:
            raise BadInput(
                f"{archive} is a backup of a {manifest.backend} database; restore it into "
                f"{manifest.backend}, not {backend} (to move between backends use "
                "`clemency export cases` and `clemency import cases`)"
            )
        files = [name for name in manifest.files if name.startswith(FILES_PREFIX)]
        if files and data_dir is None:
            raise BadInput("the backup holds stored files; give --data-dir to restore them")
        for name in sorted({PurePosixPath(name).parts[1] for name in files}):
            assert data_dir is not None
            folder = data_dir / name
            if folder.exists() and any(folder.iterdir()):
                raise BadInput(
                    f"{folder} is not empty; restore the stored files into a new data folder"
                )
        _refuse_non_empty(database_url, backend)
        if backend == "sqlite":
            _restore_sqlite(unpacked / SQLITE_MEMBER, _sqlite_path(database_url))
        else:
            _restore_postgres(unpacked / PG_MEMBER, database_url)
        for name in files:
            assert data_dir is not None
            target = data_dir / name[len(FILES_PREFIX) :]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(unpacked / name, target)
    return RestoreSummary(backend, manifest.revision, len(files))


def _restore_sqlite(source_path: Path, target: Path) -> None:
    if not target.parent.is_dir():
        raise BadInput(f"folder {target.parent} does not exist; create it first")
    partial = target.with_name(f".{target.name}.restoring")
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    os.replace(partial, target)


def _restore_postgres(dump: Path, url: str) -> None:
    conninfo, env = _libpq(url)
    completed = subprocess.run(  # noqa: S603 - fixed program, arguments are not a shell line
        [
            _tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={conninfo}",
            str(dump),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if completed.returncode != 0:
        first = (completed.stderr.strip().splitlines() or ["unknown error"])[0]
        raise BackupError(f"pg_restore failed, nothing was restored: {first}")
