"""Bring everything encrypted under the active key: plaintext left from before encryption is
encrypted, values and files under an older key get their data key re-wrapped.

Used by ``clemency keys rotate`` (after a new key is made active) and by the migration that
introduced encryption. Works on a plain SQLAlchemy connection (inside the caller's
transaction) so the migration can run it; files are rewritten one by one, atomically, and are
readable whether or not they have been rewritten yet.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, column, select, table, update

from clemency import datadir
from clemency.crypto import envelope, keys
from clemency.crypto.columns import ENCRYPTED_COLUMNS


@dataclass
class RotationReport:
    values: int = 0
    files: int = 0
    files_skipped: int = 0  # already under the active key


def rotate_rows(connection: Connection, report: RotationReport) -> None:
    for table_name, column_name in ENCRYPTED_COLUMNS:
        context = f"{table_name}.{column_name}"
        rows_table = table(table_name, column("id"), column(column_name))
        rows = connection.execute(
            select(rows_table.c.id, rows_table.c[column_name]).where(
                rows_table.c[column_name].is_not(None)
            )
        ).all()
        for row_id, value in rows:
            new = envelope.rewrap_text(str(value), context)
            if new != value:
                connection.execute(
                    update(rows_table).where(rows_table.c.id == row_id).values({column_name: new})
                )
                report.values += 1


def rotate_files(data_dir: Path, report: RotationReport) -> None:
    root = data_dir / datadir.DOCUMENTS
    if not root.exists():
        return
    for path in sorted(root.glob("*/*")):
        if not path.is_file() or path.suffix == ".partial":
            continue
        data = path.read_bytes()
        new = envelope.rewrap_file(data)
        if new == data:
            report.files_skipped += 1
            continue
        tmp = path.with_suffix(".partial")
        with open(tmp, "wb") as handle:
            handle.write(new)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        report.files += 1


def rotate_all(connection: Connection, data_dir: Path | None) -> RotationReport:
    """Everything under the active key (a keyring must be configured)."""
    if keys.current() is None:
        raise keys.KeyError_("no keys are configured; nothing can be encrypted.")
    report = RotationReport()
    rotate_rows(connection, report)
    if data_dir is not None:
        rotate_files(data_dir, report)
    return report
