"""Stored files of a case (documents, support letters, exhibits): bytes on disk, metadata in
the :class:`~clemency.cases.models.Document` row.

- The storage key is random (never the uploaded name), so nobody can guess or traverse paths;
  files live under ``<data_dir>/documents/<2 hex>/<key>``.
- The type is taken from the file's first bytes, not from its name or the browser's claim;
  only PDF, PNG, JPEG, DOCX and plain text are accepted, up to ``max_bytes``.
- The bytes are written to a temporary file, flushed to disk and renamed before the row is
  added, so a row never points at a half-written file. If the transaction then rolls back, the
  file is an orphan: :func:`orphaned_files` lists them for clean-up.
- Reading checks the SHA-256 recorded at upload, so silent corruption is reported, and is
  audited like any read of the case.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from clemency.audit import service as audit
from clemency.cases import access
from clemency.cases import service as case_service
from clemency.cases.access import Actor
from clemency.cases.models import Case, Document
from clemency.documents.storage import BlobStore
from clemency.documents.uploads import sniff_content_type
from clemency.errors import ClemencyError, EmptyUpload, UploadRejected, UploadTypeRejected

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


class StoredFileCorrupt(ClemencyError):
    """The bytes on disk no longer match the hash recorded at upload."""

    http_status = 500


def safe_filename(filename: str) -> str:
    """The uploaded name reduced to a harmless display name (never used as a path)."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _SAFE_NAME.sub("_", base).strip(" .") or "file"
    return cleaned[:200]


def store_document(
    *,
    session: Session,
    user: Actor,
    case_id: int,
    filename: str,
    content: bytes,
    doc_type: str,
    data_dir: Path,
    max_bytes: int,
    dated_on: date | None = None,
    source: str | None = None,
) -> Document:
    """Check, write and register one file on a case (write access needed; audited)."""
    case_service.get_for_user(
        session=session,
        user=user,
        case_id=case_id,
        need=access.Permission.WRITE,
        audit_read=False,
    )
    if len(content) > max_bytes:
        raise UploadRejected(
            f"{safe_filename(filename)} is {len(content)} bytes; the limit is {max_bytes}.",
            field="file",
        )
    if not content:
        raise EmptyUpload("The file is empty; choose the file again.", field="file")
    content_type = sniff_content_type(content)
    if content_type is None:
        raise UploadTypeRejected(
            f"{safe_filename(filename)} is not a PDF, PNG, JPEG, DOCX or plain-text file "
            "(judged by its contents, not its name); scan paper documents to PDF.",
            field="file",
        )
    key = BlobStore(data_dir).put(content)
    part = case_service.add_part(
        session=session,
        user=user,
        case_id=case_id,
        kind="documents",
        values={
            "storage_key": key,
            "filename": safe_filename(filename),
            "content_type": content_type,
            "doc_type": doc_type,
            "sha256": hashlib.sha256(content).hexdigest(),
            "size_bytes": len(content),
            "dated_on": dated_on,
            "source": source,
        },
    )
    assert isinstance(part, Document)
    return part


def read_document(
    *, session: Session, user: Actor, case_id: int, document_id: int, data_dir: Path
) -> tuple[Document, bytes]:
    """The document's row and bytes, if the user may see the case; the read is audited."""
    document = case_service.get_part(
        session=session, user=user, case_id=case_id, kind="documents", part_id=document_id
    )
    assert isinstance(document, Document)
    content = BlobStore(data_dir).get(document.storage_key)
    if hashlib.sha256(content).hexdigest() != document.sha256:
        raise StoredFileCorrupt(
            f"Stored file of document {document_id} does not match its recorded SHA-256; "
            "restore it from backup.",
            document_id=document_id,
        )
    case = session.get(Case, case_id)  # already loaded by the access check
    audit.record(
        session=session,
        actor_user_id=access.actor_id(user),
        actor_label=access.actor_label(user),
        action="read",
        entity_type="document",
        entity_id=document_id,
        organization_id=case.organization_id if case is not None else None,
        case_id=case_id,
    )
    return document, content


def orphaned_files(*, session: Session, data_dir: Path) -> list[Path]:
    """Stored files no document row points at (left by rolled-back uploads), for clean-up."""
    root = BlobStore(data_dir).root
    if not root.exists():
        return []
    known = set(session.scalars(select(Document.storage_key)))
    return sorted(
        path
        for path in root.glob("*/*")
        if path.is_file() and path.suffix != ".partial" and path.name not in known
    )
