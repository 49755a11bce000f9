"""Stored files of a case (documents, support letters, exhibits): bytes on disk, metadata in
the :class:`~clemency.cases.models.Document` row.

- The storage key is random (never the uploaded name), so nobody can guess or traverse paths;
  files live under ``<data_dir>/documents/<2 hex>/<key>``.
- Every upload passes :func:`clemency.documents.uploads.check_upload` (type by content, an
  allow-list per purpose, active content refused, sizes and expanded sizes bounded, images
  rewritten) before anything is written, up to ``max_bytes``.
- The bytes are written to a temporary file, flushed to disk and renamed before the row is
  added, so a row never points at a half-written file. If the transaction then rolls back, the
  file is an orphan: :func:`orphaned_files` lists them for clean-up.
- The storage key, hash, type and size of a row are set here from the bytes, never by a caller
  (``cases.serialize.SERVER_SET_COLUMNS``): no request or import can point a row at a file.
- Deleting a document (or its case) removes its file once the deletion is committed.
- Reading checks the SHA-256 recorded at upload, so silent corruption is reported, and is
  audited like any read of the case.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path

from sqlalchemy import Connection, event, select
from sqlalchemy.orm import Session, object_session

from clemency.audit import service as audit
from clemency.cases import access
from clemency.cases import service as case_service
from clemency.cases.access import Actor
from clemency.cases.models import Case
from clemency.cases.vocab import DOCUMENT_TYPES
from clemency.db.session import unit_of_work_key
from clemency.errors import BadInput, ClemencyError, ErrorCode
from clemency.files.models import Document
from clemency.files.storage import BlobStore
from clemency.files.uploads import CASE_DOCUMENT, check_upload

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


class StoredFileCorrupt(ClemencyError):
    """The bytes on disk no longer match the hash recorded at upload."""

    code = ErrorCode.INTERNAL
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
    declared: str | None = None,
) -> Document:
    """Check (``documents.uploads.check_upload``, as a case document), write and register one
    file on a case (write access needed; audited). ``declared`` is the browser's type."""
    case = case_service.get_for_user(
        session=session,
        user=user,
        case_id=case_id,
        need=access.Permission.WRITE,
        audit_read=False,
    )
    checked = check_upload(
        content, declared=declared, limit=max_bytes, filename=filename, purpose=CASE_DOCUMENT
    )
    if doc_type not in DOCUMENT_TYPES:
        raise BadInput(f"{doc_type!r} is not a kind of document.", field="doc_type")
    document = register_file(
        session=session,
        case=case,
        data_dir=data_dir,
        content=checked.data,
        content_type=checked.content_type,
        filename=safe_filename(filename),
        doc_type=doc_type,
        dated_on=dated_on,
        source=source,
    )
    audit.record(
        session=session,
        actor_user_id=access.actor_id(user),
        actor_label=access.actor_label(user),
        action="create",
        entity_type="document",
        entity_id=document.id,
        organization_id=case.organization_id,
        case_id=case.id,
        changed_fields=["filename", "doc_type", "dated_on", "source"],
    )
    return document


def register_file(
    *,
    session: Session,
    case: Case,
    data_dir: Path,
    content: bytes,
    content_type: str,
    filename: str,
    doc_type: str,
    dated_on: date | None = None,
    source: str | None = None,
) -> Document:
    """Write checked bytes to the store and add their ``Document`` row (flushed).

    The one place a document row gets its storage key, hash, type and size: from the bytes
    just written, never from a caller (callers have checked access and the content)."""
    bind_store(session=session, data_dir=data_dir)
    key = BlobStore(data_dir).put(content)
    document = Document(
        case_id=case.id,
        storage_key=key,
        filename=filename,
        content_type=content_type,
        doc_type=doc_type,
        sha256=hashlib.sha256(content).hexdigest(),
        size_bytes=len(content),
        dated_on=dated_on,
        source=source,
    )
    session.add(document)
    session.flush()
    return document


# --------------------------------------------------------------------------- removal on delete

_DATA_DIR = "clemency.files.data_dir"
_PENDING_REMOVAL = unit_of_work_key("clemency.files.pending_removal")


def bind_store(*, session: Session, data_dir: Path) -> None:
    """Tell the session where its files live, so deleting a document removes its file."""
    session.info[_DATA_DIR] = data_dir


@event.listens_for(Document, "after_delete")
def _file_unreferenced(_mapper: object, _connection: object, target: Document) -> None:
    session = object_session(target)
    if session is not None:
        session.info.setdefault(_PENDING_REMOVAL, set()).add(target.storage_key)


@event.listens_for(Session, "after_commit")
def _remove_unreferenced_files(session: Session) -> None:
    """After the delete is committed (never before, never on rollback), remove the files no
    row points at any more. Keys still referenced (a rolled-back savepoint) are kept."""
    pending: set[str] | None = session.info.get(_PENDING_REMOVAL)
    data_dir: Path | None = session.info.get(_DATA_DIR)
    if not pending or data_dir is None:
        return  # without a known store the files stay; orphaned_files() lists them
    session.info.pop(_PENDING_REMOVAL, None)
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    with engine.connect() as connection:
        still = set(
            connection.scalars(
                select(Document.storage_key).where(Document.storage_key.in_(pending))
            )
        )
    store = BlobStore(data_dir)
    for key in sorted(pending - still):
        store.delete(key)


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
