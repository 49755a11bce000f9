"""Grant imports as a background job (kind ``grants_import``): ``clemency grants import PAGE
--queue``.

:func:`stage` checks the file at once (it must parse: a page that cannot be read is reported to
the operator, never queued) and keeps a copy of its bytes in the shared file store,
``<data_dir>/grant-imports/<sha256>``, so a worker on another machine reads the same bytes.
:func:`run` (registered by :mod:`clemency.jobs.catalog`; ``jobs`` sits above ``grants``) parses
the kept copy, checks its SHA-256 and stores it with :func:`clemency.grants.service.store_page`,
which adds nothing when a page with the same SHA-256 is already stored, so a job run twice, or
the same page queued twice, never duplicates a row. The import is audited.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clemency import datadir
from clemency.audit import service as audit
from clemency.errors import ClemencyError, ErrorCode
from clemency.grants import service
from clemency.grants.sources import parse_bytes

if TYPE_CHECKING:  # the registry sits above grants; only its type is named here
    from clemency.jobs.registry import JobContext

KIND = "grants_import"
TITLE = "Import a grant page or commutation list"
FOLDER = datadir.GRANT_IMPORTS


class StagedFileMissing(ClemencyError):
    """The kept copy of a queued page is gone or altered (the file store is not shared?)."""

    code = ErrorCode.INTERNAL
    http_status = 500  # retried: a file store that was briefly unreachable may answer later


def staged_path(data_dir: Path, sha256: str) -> Path:
    return data_dir / FOLDER / sha256


def stage(*, data_dir: Path, data: bytes, source_file: str) -> dict[str, Any]:
    """Parse ``data`` (raising the parser's error if it is not a grant page), keep a copy in
    the file store, and return the job's payload."""
    page = parse_bytes(data, source_file=source_file)
    target = staged_path(data_dir, page.source_sha256)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".staging-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    return {"sha256": page.source_sha256, "source_file": source_file, "grants": len(page.grants)}


def run(context: JobContext) -> dict[str, Any]:
    """Store the staged page (nothing is added when it was imported before)."""
    sha256, source_file = str(context.payload["sha256"]), str(context.payload["source_file"])
    context.progress(0.05)  # before the session reads or writes (SQLite: one writer)
    path = staged_path(context.settings.data_dir, sha256)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise StagedFileMissing(
            f"the queued copy of {source_file} ({path}) cannot be read: "
            f"{error.strerror or error}; is CLEMENCY_DATA_DIR the same on every machine?"
        ) from error
    if hashlib.sha256(data).hexdigest() != sha256:
        raise StagedFileMissing(
            f"the queued copy of {source_file} ({path}) was altered; queue the import again."
        )
    page = parse_bytes(data, source_file=source_file)
    result = service.store_page(session=context.session, page=page)
    audit.record(
        session=context.session,
        actor_user_id=context.user_id,
        actor_label="system:jobs",
        action="import",
        entity_type="grant_source",
        entity_id=result.source_id,
        detail=(
            f"{result.grant_count} grants stored from {result.file_name}"
            if result.created
            else f"{result.file_name} was imported before (same sha256); nothing added"
        )
        + f" (job {context.public_id})",
    )
    return {
        "source_id": result.source_id,
        "sha256": result.sha256,
        "file": result.file_name,
        "created": result.created,
        "grants": result.grant_count,
    }
