"""Packet generation as a background job (kind ``generate_packet``).

A packet with many exhibits takes seconds to render, so the case page queues it: :func:`request`
checks what was asked (the form is one of the case's jurisdiction, the format is known, the
petition is one of this case) and records the request in the audit trail; the web layer then
queues the job (``jobs`` sits above ``documents``: :mod:`clemency.jobs.catalog` registers
:func:`run`). :func:`run` checks access again *when it runs* (the person may have lost access
meanwhile), generates the packet through :func:`clemency.documents.service.generate` (which
appends the ``PacketRecord`` and audits the export) and stores it as a document of the case
(type ``petition``, which is never attached to a later packet as an exhibit), so it is
downloaded like any document, with its read audited.

Idempotent: the document's ``source`` names the job, so a re-run of a job whose packet was
stored returns that document; a run that fails half-way rolls back with its unit of work (the
file written is then an orphan that ``files.service.orphaned_files`` lists).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clemency.accounts.models import User
from clemency.audit import service as audit
from clemency.cases import service as case_service
from clemency.cases.access import Actor, Permission
from clemency.documents import forms as packet_forms
from clemency.documents import service as documents
from clemency.errors import BadInput, NotFound
from clemency.files import service as files
from clemency.files.models import Document

if TYPE_CHECKING:  # the registry sits above documents; only its type is named here
    from clemency.jobs.registry import JobContext

KIND = "generate_packet"
TITLE = "Generate a petition packet"
DOC_TYPE = "petition"


def source_of(public_id: str) -> str:
    """The stored packet's ``Document.source``: which job made it."""
    return f"generated packet (job {public_id})"


def request(
    *,
    session: Session,
    user: Actor,
    case_id: int,
    form_id: str,
    fmt: str,
    as_of: date,
    petition_id: int | None = None,
) -> dict[str, Any]:
    """Check a packet request and audit it; returns the job's payload.

    Storing the packet adds a document to the case, so this needs write access (a viewer
    downloads the packet directly, ``GET /cases/<id>/packet``, which stores nothing)."""
    case = case_service.get_for_user(
        session=session, user=user, case_id=case_id, need=Permission.WRITE, audit_read=False
    )
    if fmt not in documents.FORMATS:
        raise BadInput(f"format must be pdf or docx, not {fmt!r}.", field="format")
    packet_forms.check_for_case(form_id, case.jurisdiction)
    if petition_id is not None and all(p.id != petition_id for p in case.petitions):
        raise NotFound(f"case {case_id} has no petition {petition_id}.")
    case_service.audit_change(
        session=session,
        actor=user,
        action="export",
        entity_type="packet",
        entity_id=None,
        case=case,
        detail=f"{form_id} {fmt} requested (background job)",
    )
    return {
        "case_id": case.id,
        "form_id": form_id,
        "format": fmt,
        "as_of": as_of.isoformat(),
        "petition_id": petition_id,
    }


def run(context: JobContext) -> dict[str, Any]:
    """Generate the packet of ``context.payload`` and store it as a document of the case."""
    session, payload = context.session, context.payload
    case_id = int(payload["case_id"])
    context.progress(0.05)  # before the session reads or writes (SQLite: one writer)
    existing = session.scalar(
        select(Document).where(
            Document.case_id == case_id, Document.source == source_of(context.public_id)
        )
    )
    if existing is not None:
        return _result(existing, missing=None, draft=None)
    user = session.get(User, context.user_id) if context.user_id is not None else None
    if user is None or not user.is_active:
        raise NotFound("The person who asked for this packet no longer has an account.")
    case = case_service.get_for_user(
        session=session, user=user, case_id=case_id, need=Permission.WRITE, audit_read=False
    )
    generated = documents.generate(
        session=session,
        user=user,
        case_id=case_id,
        form_id=str(payload["form_id"]),
        fmt=str(payload["format"]),
        as_of=date.fromisoformat(str(payload["as_of"])),
        settings=context.settings,
        petition_id=payload.get("petition_id"),
    )
    document = files.register_file(
        session=session,
        case=case,
        data_dir=context.settings.data_dir,
        content=generated.data,
        content_type=generated.media_type,
        filename=generated.filename,
        doc_type=DOC_TYPE,
        dated_on=generated.packet.prepared_on,
        source=source_of(context.public_id),
    )
    audit.record(
        session=session,
        actor_user_id=user.id,
        actor_label=user.email,
        action="create",
        entity_type="document",
        entity_id=document.id,
        organization_id=case.organization_id,
        case_id=case.id,
        detail=f"packet {generated.record.form_id} {generated.record.format} stored "
        f"(packet record {generated.record.id}, job {context.public_id})",
    )
    return _result(document, missing=len(generated.packet.missing), draft=generated.packet.is_draft)


def _result(document: Document, *, missing: int | None, draft: bool | None) -> dict[str, Any]:
    return {
        "document_id": document.id,
        "filename": document.filename,
        "size_bytes": document.size_bytes,
        "missing": missing,
        "draft": draft,
    }
