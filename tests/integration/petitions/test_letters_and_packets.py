"""Support letters through private links, and packets generated from stored cases."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clemency.audit.models import AuditEvent
from clemency.config import Settings
from clemency.documents import service as documents
from clemency.documents.models import PacketRecord
from clemency.errors import BadInput, LinkInvalid, UploadRejected
from clemency.files.models import Document
from clemency.petitions import letters
from clemency.petitions.models import SupportLetter
from tests.unit.petitions.samples import docx_letter, pdf_letter

from .builders import make_alice

NOW = datetime(2018, 3, 1, 9, 0, tzinfo=UTC)


def stored_files(settings: Settings) -> list[Path]:
    root = settings.data_dir / "documents"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def documents_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Document)) or 0


@pytest.fixture
def alice(session: Session, org_and_attorney: tuple[Any, Any]) -> Any:
    org, attorney = org_and_attorney
    return make_alice(session, attorney, org)


def ask(
    session: Session, attorney: Any, case: Any, author: str, relationship: str, **kw: Any
) -> letters.RequestedLetter:
    return letters.request_letter(
        session=session,
        user=attorney,
        case_id=case.id,
        author_name=author,
        relationship=relationship,
        is_relative=kw.pop("is_relative", False),
        contact="supporter@example.org",
        message="Thank you for writing.",
        now=kw.pop("now", NOW),
        **kw,
    )


def test_link_opens_then_upload_is_stored_with_hash_and_link_is_spent(
    session: Session, org_and_attorney: tuple[Any, Any], alice: Any, settings: Settings
) -> None:
    _org, attorney = org_and_attorney
    req = ask(session, attorney, alice, "Arcala Washington-Adduci", "Warden")
    assert req.request.token_hash != req.token
    assert req.token not in req.request.token_hash
    view = letters.open_link(session=session, token=req.token, now=NOW + timedelta(days=1))
    assert (view.person_name, view.author_name) == (
        "Alice Marie Johnson",
        "Arcala Washington-Adduci",
    )
    data = pdf_letter("Ms. Johnson has been a model inmate.")
    letter = letters.upload_via_link(
        session=session,
        token=req.token,
        now=NOW + timedelta(days=2),
        settings=settings,
        data=data,
        filename="../../etc/passwd.pdf",
        declared="application/pdf",
    )
    assert (letter.status, letter.received_on) == ("received", date(2018, 3, 3))
    doc = session.get(Document, letter.document_id)
    assert doc is not None
    import hashlib

    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.filename == "_.._etc_passwd.pdf"
    [path] = stored_files(settings)
    assert path.name == doc.storage_key
    assert path.read_bytes() == data
    with pytest.raises(LinkInvalid, match="already been uploaded"):
        letters.open_link(session=session, token=req.token, now=NOW + timedelta(days=3))
    with pytest.raises(LinkInvalid, match="already been uploaded"):
        letters.upload_via_link(
            session=session,
            token=req.token,
            now=NOW + timedelta(days=3),
            settings=settings,
            typed_text="second try",
        )
    assert documents_count(session) == 1


def test_expired_unknown_and_revoked_links_are_refused(
    session: Session, org_and_attorney: tuple[Any, Any], alice: Any, settings: Settings
) -> None:
    _org, attorney = org_and_attorney
    req = ask(session, attorney, alice, "Case Manager", "Case manager", valid_days=14)
    expiry = NOW + timedelta(days=14)
    letters.open_link(session=session, token=req.token, now=expiry - timedelta(seconds=1))
    with pytest.raises(LinkInvalid, match="expired"):
        letters.upload_via_link(
            session=session, token=req.token, now=expiry, settings=settings, typed_text="late"
        )
    with pytest.raises(LinkInvalid, match="not valid"):
        letters.open_link(session=session, token=req.token[:-2] + "xx", now=NOW)
    other = ask(session, attorney, alice, "Someone", "Friend")
    letters.revoke(
        session=session, user=attorney, case_id=alice.id, letter_id=other.letter.id, now=NOW
    )
    with pytest.raises(LinkInvalid, match="withdrawn"):
        letters.open_link(session=session, token=other.token, now=NOW)
    assert stored_files(settings) == []
    assert documents_count(session) == 0


@pytest.mark.parametrize(
    ("data", "filename", "declared", "status"),
    [
        (b"<html><body>not a pdf</body></html>", "letter.pdf", "application/pdf", 415),
        (b"%PDF-1.7\n" + b"0" * 400_000, "big.pdf", "application/pdf", 413),
        (
            b"%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript /JS (x) >> >>\n%%EOF",
            "l.pdf",
            "application/pdf",
            415,
        ),
    ],
)
def test_bad_uploads_store_nothing_and_keep_the_link_usable(
    session: Session,
    org_and_attorney: tuple[Any, Any],
    alice: Any,
    settings: Settings,
    data: bytes,
    filename: str,
    declared: str,
    status: int,
) -> None:
    _org, attorney = org_and_attorney
    req = ask(session, attorney, alice, "Vocational Instructor", "Instructor")
    with pytest.raises(UploadRejected) as info:
        letters.upload_via_link(
            session=session,
            token=req.token,
            now=NOW,
            settings=settings,
            data=data,
            filename=filename,
            declared=declared,
        )
    assert info.value.http_status == status
    assert stored_files(settings) == []
    assert documents_count(session) == 0
    assert session.get(SupportLetter, req.letter.id).status == "requested"  # type: ignore[union-attr]
    letters.open_link(session=session, token=req.token, now=NOW)  # still usable for a good file


def test_review_needs_a_received_letter_and_a_reason_to_reject(
    session: Session, org_and_attorney: tuple[Any, Any], alice: Any, settings: Settings
) -> None:
    _org, attorney = org_and_attorney
    req = ask(session, attorney, alice, "Friend", "Friend")
    with pytest.raises(BadInput, match="has not been received yet"):
        letters.review(
            session=session,
            user=attorney,
            case_id=alice.id,
            letter_id=req.letter.id,
            accept=True,
            on=NOW.date(),
        )
    letters.upload_via_link(
        session=session, token=req.token, now=NOW, settings=settings, typed_text="Short note."
    )
    with pytest.raises(BadInput, match="say why"):
        letters.review(
            session=session,
            user=attorney,
            case_id=alice.id,
            letter_id=req.letter.id,
            accept=False,
            on=NOW.date(),
        )
    rejected = letters.review(
        session=session,
        user=attorney,
        case_id=alice.id,
        letter_id=req.letter.id,
        accept=False,
        on=NOW.date(),
        reason="Unsigned",
    )
    assert rejected.status == "rejected"


def test_packet_from_the_store_reads_back_with_every_accepted_letter(
    session: Session, org_and_attorney: tuple[Any, Any], alice: Any, settings: Settings
) -> None:
    import docx
    from pypdf import PdfReader

    _org, attorney = org_and_attorney
    bodies = {
        (
            "Arcala Washington-Adduci",
            "Warden",
            "application/pdf",
        ): "Ms. Johnson has been a model inmate under my supervision.",
        (
            "Case Manager",
            "Case manager",
            "docx",
        ): "I write in support of Alice Marie Johnson's petition.",
        (
            "Instructor",
            "Vocational instructor",
            "text",
        ): "Ms. Johnson tutored other women in my vocational class.",
    }
    for (author, rel, kind), body in bodies.items():
        req = ask(session, attorney, alice, author, rel)
        if kind == "text":
            letters.upload_via_link(
                session=session, token=req.token, now=NOW, settings=settings, typed_text=body
            )
        else:
            data = pdf_letter(body) if kind != "docx" else docx_letter(body)
            letters.upload_via_link(
                session=session,
                token=req.token,
                now=NOW,
                settings=settings,
                data=data,
                filename=f"letter.{'pdf' if kind != 'docx' else 'docx'}",
                declared=None,
            )
        letters.review(
            session=session,
            user=attorney,
            case_id=alice.id,
            letter_id=req.letter.id,
            accept=True,
            on=NOW.date(),
        )
    rejected = ask(session, attorney, alice, "Rejected Writer", "Neighbor")
    letters.upload_via_link(
        session=session,
        token=rejected.token,
        now=NOW,
        settings=settings,
        typed_text="REJECTED-TEXT",
    )
    letters.review(
        session=session,
        user=attorney,
        case_id=alice.id,
        letter_id=rejected.letter.id,
        accept=False,
        on=NOW.date(),
        reason="Off topic",
    )

    pdf = documents.generate(
        session=session,
        user=attorney,
        case_id=alice.id,
        form_id="us-federal/commutation",
        fmt="pdf",
        as_of=date(2018, 5, 1),
        settings=settings,
    )
    text = " ".join(
        " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf.data)).pages).split()
    )
    for needle in (
        "Alice Marie Johnson",
        "14873-076",
        "Life imprisonment without parole",
        "Money laundering",
        "Structuring",
        *bodies.values(),
        "Letter of support from Arcala Washington-Adduci, Warden",
    ):
        assert needle in text, needle
    assert "REJECTED-TEXT" not in text
    assert pdf.packet.is_draft  # Alice's narrative answers were never entered
    assert "DRAFT — incomplete" in text
    assert pdf.filename == "AMJ-1-us-federal-commutation-DRAFT.pdf"

    out = documents.generate(
        session=session,
        user=attorney,
        case_id=alice.id,
        form_id="us-federal/commutation",
        fmt="docx",
        as_of=date(2018, 5, 1),
        settings=settings,
    )
    d = docx.Document(io.BytesIO(out.data))
    dtext = " ".join(
        " ".join(
            [p.text for p in d.paragraphs]
            + [c.text for t in d.tables for r in t.rows for c in r.cells]
        ).split()
    )
    for needle in (
        "Alice Marie Johnson",
        "14873-076",
        "Life imprisonment without parole",
        "Money laundering",
        *bodies.values(),
    ):
        assert needle in dtext, needle

    records = list(
        session.scalars(
            select(PacketRecord).where(PacketRecord.case_id == alice.id).order_by(PacketRecord.id)
        )
    )
    assert [(r.format, r.is_draft, r.exhibit_count) for r in records] == [
        ("pdf", True, 3),
        ("docx", True, 3),
    ]
    assert records[0].data_sha256 == records[1].data_sha256 == pdf.packet.data_sha256
    assert records[0].template_version == pdf.packet.template_version
    assert "Account of the offense" in (records[0].missing or "")


def test_every_step_of_a_letter_is_in_the_audit_trail_with_who_did_it(
    session: Session, org_and_attorney: tuple[Any, Any], alice: Any, settings: Settings
) -> None:
    """Staff steps are recorded under the staff member, the upload under the supporter's link
    (no user account); each row names the case and its organization, and none holds content."""
    org, attorney = org_and_attorney
    before = session.scalar(select(func.max(AuditEvent.id))) or 0
    req = ask(session, attorney, alice, "Arcala Washington-Adduci", "Warden")
    letter_id = req.letter.id
    letters.mark_reminded(
        session=session, user=attorney, case_id=alice.id, letter_id=letter_id, on=NOW.date()
    )
    letter = letters.upload_via_link(
        session=session,
        token=req.token,
        now=NOW,
        settings=settings,
        typed_text="A private sentence about Ms. Johnson.",
    )
    letters.review(
        session=session,
        user=attorney,
        case_id=alice.id,
        letter_id=letter_id,
        accept=True,
        on=NOW.date(),
    )
    other = ask(session, attorney, alice, "Someone", "Friend")
    letters.revoke(
        session=session, user=attorney, case_id=alice.id, letter_id=other.letter.id, now=NOW
    )
    rows = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.id > before, AuditEvent.entity_type != "case")
        .order_by(AuditEvent.id)
    ).all()
    got = [
        (r.actor_user_id, r.actor_label, r.action, r.entity_type, r.entity_id, r.detail)
        for r in rows
    ]
    staff = (attorney.id, attorney.email)
    supporter = (None, f"supporter:letter-{letter_id}")
    assert got == [
        (*staff, "create", "support_letter", str(letter_id), "link expires 2018-03-31"),
        (*staff, "update", "letter_request", str(letter_id), "reminder sent"),
        (*supporter, "create", "document", str(letter.document_id), got[2][5]),
        (*staff, "update", "support_letter", str(letter_id), "accepted"),
        (*staff, "create", "support_letter", str(other.letter.id), "link expires 2018-03-31"),
        (*staff, "update", "letter_request", str(other.letter.id), "link revoked"),
    ]
    assert got[2][5].startswith(f"letter {letter_id} received: text/plain ")
    assert "private sentence" not in " ".join(str(r.detail) for r in rows)
    assert {(r.case_id, r.organization_id) for r in rows} == {(alice.id, org.id)}
