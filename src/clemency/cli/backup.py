"""`clemency backup` and `clemency restore`: a consistent snapshot of the database and the
stored files, with a manifest of hashes, and its restore into an empty database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from clemency.cli.common import fail, guard_output, report
from clemency.errors import ClemencyError


def backup(
    out: Annotated[Path, typer.Option("--out", help="The backup file to write (a .tar).")],
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="Default: CLEMENCY_DATABASE_URL.")
    ] = None,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Default: CLEMENCY_DATA_DIR.")
    ] = None,
) -> None:
    """Back up the database (a consistent online snapshot) and the stored files."""
    from clemency import outputs
    from clemency.config import get_settings
    from clemency.db import backup as backups

    settings = get_settings()
    url = database_url or settings.database_url
    folder = data_dir or settings.data_dir
    guard_output(out, database_url=url, data_dir=folder)
    try:
        with outputs.atomic_binary(out) as stream:
            manifest = backups.backup(database_url=url, data_dir=folder, stream=stream)
    except ClemencyError as error:
        report(error)
    except OSError as error:
        fail(outputs.disk_error_message(out, error))
    stored = sum(1 for name in manifest.files if name.startswith(backups.FILES_PREFIX))
    typer.echo(
        f"backed up the {manifest.backend} database (revision {', '.join(manifest.revision)}) "
        f"and {stored} stored files to {out} ({out.stat().st_size:,} bytes)"
    )


def restore(
    archive: Annotated[Path, typer.Argument(help="A file written by `clemency backup`.")],
    database_url: Annotated[
        str, typer.Option("--database-url", help="The new, empty database to restore into.")
    ],
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="Folder for the stored files (default: settings)."),
    ] = None,
) -> None:
    """Restore a backup into an empty database, check every hash, then verify the audit trail."""
    from clemency.audit import service as audit
    from clemency.config import get_settings
    from clemency.db import backup as backups
    from clemency.db.session import make_engine, session_factory

    folder = data_dir or get_settings().data_dir
    if not archive.is_file():
        fail(f"{archive}: no such backup file.")
    try:
        summary = backups.restore(archive=archive, database_url=database_url, data_dir=folder)
    except ClemencyError as error:
        report(error)
    engine = make_engine(database_url)
    try:
        with session_factory(engine)() as session:
            result = audit.verify_chain(session=session)
    finally:
        engine.dispose()
    if not result.ok:
        fail(
            f"restored, but the audit trail is broken at row {result.first_broken_id}: "
            f"{result.reason}. Do not use this copy; restore an older backup."
        )
    typer.echo(
        f"restored the {summary.backend} database (revision {', '.join(summary.revision)}) and "
        f"{summary.files} stored files; audit trail intact ({result.rows_checked} rows). "
        "Run `clemency db upgrade` if this Clemency is newer than the backup."
    )


def register(app: typer.Typer) -> None:
    """Attach `clemency backup` and `clemency restore`."""
    app.command("backup")(backup)
    app.command("restore")(restore)
