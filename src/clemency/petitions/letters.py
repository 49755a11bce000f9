"""Support letters: ask a supporter through a private link, take the upload, review it.

Flow: staff :func:`request_letter` (a ``SupportLetter`` in status *requested* and a
``LetterRequest`` holding the hash of a random token); the supporter opens the link
(:func:`open_link`) and uploads a PDF, a Word document or typed text
(:func:`upload_via_link`), which is checked for size and type **before** anything is stored
and then kept under a random key with its sha256 (*received*); staff :func:`review` it
(*accepted* or *rejected*). Accepted letters join the packet in the order received.
:func:`overdue` lists requests not answered 21 days after asking, for reminders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from clemency.accounts.models import Organization
from clemency.cases import access
from clemency.cases import service as case_service
from clemency.cases.access import Actor, Permission
from clemency.cases.models import Case
from clemency.config import Settings
from clemency.eligibility.dates import add_days
from clemency.errors import BadInput, LinkInvalid, NotFound
from clemency.files import service as files
from clemency.files.text import DOCX, PDF, TEXT
from clemency.files.uploads import SUPPORT_LETTER, check_upload
from clemency.petitions import links
from clemency.petitions.deadlines import LETTER_FOLLOW_UP_DAYS
from clemency.petitions.models import LetterRequest, SupportLetter

_EXT = {PDF: "pdf", DOCX: "docx", TEXT: "txt"}


@dataclass(frozen=True)
class RequestedLetter:
    letter: SupportLetter
    request: LetterRequest
    token: str  # shown once; put it in the link sent to the supporter


@dataclass(frozen=True)
class LinkView:
    """What the supporter's page may show: nothing beyond whom the letter is for."""

    author_name: str
    person_name: str
    organization_name: str | None
    expires_at: datetime
    message: str | None


def request_letter(
    *,
    session: Session,
    user: Actor,
    case_id: int,
    author_name: str,
    relationship: str | None,
    is_relative: bool | None,
    contact: str | None,
    message: str | None,
    now: datetime,
    valid_days: int = links.DEFAULT_VALID_DAYS,
) -> RequestedLetter:
    """A requested letter and its private link (the token is returned once, never stored)."""
    case = case_service.get_for_user(
        session=session, user=user, case_id=case_id, need=Permission.WRITE, audit_read=False
    )
    if not author_name.strip():
        raise BadInput("the supporter's name is required.", field="author_name")
    link = links.new_link(now, valid_days)
    letter = SupportLetter(
        case_id=case.id,
        author_name=author_name.strip(),
        author_relationship=(relationship or "").strip() or None,
        is_relative=is_relative,
        status="requested",
        requested_on=now.date(),
    )
    session.add(letter)
    session.flush()
    request = LetterRequest(
        case_id=case.id,
        support_letter_id=letter.id,
        token_hash=link.token_hash,
        contact=(contact or "").strip() or None,
        message=(message or "").strip() or None,
        expires_at=link.expires_at,
        requested_by_id=access.actor_id(user),
    )
    session.add(request)
    session.flush()
    case_service.audit_change(
        session=session,
        actor=user,
        action="create",
        entity_type="support_letter",
        entity_id=letter.id,
        case=case,
        detail=f"link expires {link.expires_at:%Y-%m-%d}",
    )
    return RequestedLetter(letter=letter, request=request, token=link.token)


def _by_token(session: Session, token: str) -> LetterRequest:
    if not token or len(token) > 200:
        raise LinkInvalid(
            "This link is not valid. Please ask the person who sent it for a new link.",
            reason="unknown",
        )
    request = session.scalar(
        select(LetterRequest).where(LetterRequest.token_hash == links.hash_token(token))
    )
    if request is None:
        raise LinkInvalid(
            "This link is not valid. Please ask the person who sent it for a new link.",
            reason="unknown",
        )
    return request


def _aware(moment: datetime) -> datetime:
    from datetime import UTC

    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _check(request: LetterRequest, now: datetime) -> None:
    links.check_usable(
        now=now,
        expires_at=_aware(request.expires_at),
        used_at=None if request.used_at is None else _aware(request.used_at),
        revoked_at=None if request.revoked_at is None else _aware(request.revoked_at),
    )


def open_link(*, session: Session, token: str, now: datetime) -> LinkView:
    """What the supporter sees on opening the link; LinkInvalid if expired, used or unknown."""
    request = _by_token(session, token)
    _check(request, now)
    letter = session.get(SupportLetter, request.support_letter_id)
    case = session.get(Case, request.case_id)
    assert letter is not None
    assert case is not None

    org = session.get(Organization, case.organization_id)
    return LinkView(
        author_name=letter.author_name,
        person_name=case.person.full_name,
        organization_name=org.name if org is not None else None,
        expires_at=_aware(request.expires_at),
        message=request.message,
    )


def _safe_filename(name: str | None, content_type: str, letter_id: int) -> str:
    base = (
        re.sub(r"[^A-Za-z0-9._ -]", "_", (name or "").strip())[:120].strip(" .")
        or f"letter-{letter_id}"
    )
    base = base.rsplit(".", 1)[0] if "." in base else base
    return f"{base}.{_EXT[content_type]}"


def upload_via_link(
    *,
    session: Session,
    token: str,
    now: datetime,
    settings: Settings,
    data: bytes | None = None,
    filename: str | None = None,
    declared: str | None = None,
    typed_text: str | None = None,
) -> SupportLetter:
    """Take the supporter's letter. Link, size and type are checked before anything is stored."""
    request = _by_token(session, token)
    _check(request, now)
    if typed_text is not None and typed_text.strip():
        if data:
            raise BadInput("send either a file or a typed letter, not both.", field="file")
        checked = check_upload(
            typed_text.encode("utf-8"),
            declared=TEXT,
            limit=settings.max_upload_bytes,
            purpose=SUPPORT_LETTER,
        )
    elif data:
        checked = check_upload(
            data,
            declared=declared,
            limit=settings.max_upload_bytes,
            filename=filename,
            purpose=SUPPORT_LETTER,
        )
    else:
        raise BadInput("choose a file to upload or type your letter.", field="file")
    letter = session.get(SupportLetter, request.support_letter_id)
    case = session.get(Case, request.case_id)
    assert letter is not None
    assert case is not None
    document = files.register_file(
        session=session,
        case=case,
        data_dir=settings.data_dir,
        content=checked.data,
        content_type=checked.content_type,
        filename=_safe_filename(filename, checked.content_type, letter.id),
        doc_type="support_letter",
        dated_on=now.date(),
        source=f"upload by {letter.author_name} through a private link",
    )
    letter.document_id = document.id
    letter.status = "received"
    letter.received_on = now.date()
    request.used_at = now
    session.flush()
    case_service.audit_change(
        session=session,
        actor=None,
        system_label=f"supporter:letter-{letter.id}",
        action="create",
        entity_type="document",
        entity_id=document.id,
        case=case,
        detail=f"letter {letter.id} received: {checked.content_type} {checked.size} bytes sha256 {checked.sha256}",
    )
    return letter


def review(
    *,
    session: Session,
    user: Actor,
    case_id: int,
    letter_id: int,
    accept: bool,
    on: date,
    reason: str | None = None,
) -> SupportLetter:
    """Accept a received letter into the packet, or reject it (with a reason)."""
    case = case_service.get_for_user(
        session=session, user=user, case_id=case_id, need=Permission.WRITE, audit_read=False
    )
    letter = session.get(SupportLetter, letter_id)
    if letter is None or letter.case_id != case.id:
        raise NotFound(f"No letter {letter_id} on case {case.id}.", letter_id=letter_id)
    if letter.status not in ("received", "accepted", "rejected") or letter.document_id is None:
        raise BadInput(
            f"the letter from {letter.author_name} has not been received yet, so it cannot be reviewed.",
            field="status",
        )
    if not accept and not (reason or "").strip():
        raise BadInput(
            "say why the letter is rejected (it helps the supporter write a new one).",
            field="reason",
        )
    letter.status = "accepted" if accept else "rejected"
    letter.decided_on = on
    session.flush()
    case_service.audit_change(
        session=session,
        actor=user,
        action="update",
        entity_type="support_letter",
        entity_id=letter.id,
        case=case,
        detail=letter.status,
    )
    return letter


def _requests_of_letter(session: Session, case: Case, letter_id: int) -> list[LetterRequest]:
    """The link requests of letter ``letter_id`` of ``case``; NotFound (nothing changed, nothing
    audited) when the case has no such requested letter, e.g. another case's letter id."""
    requests = list(
        session.scalars(
            select(LetterRequest).where(
                LetterRequest.case_id == case.id, LetterRequest.support_letter_id == letter_id
            )
        )
    )
    if not requests:
        raise NotFound(f"No requested letter {letter_id} on case {case.id}.", letter_id=letter_id)
    return requests


def revoke(*, session: Session, user: Actor, case_id: int, letter_id: int, now: datetime) -> None:
    case = case_service.get_for_user(
        session=session, user=user, case_id=case_id, need=Permission.WRITE, audit_read=False
    )
    for request in _requests_of_letter(session, case, letter_id):
        if request.revoked_at is None and request.used_at is None:
            request.revoked_at = now
    session.flush()
    case_service.audit_change(
        session=session,
        actor=user,
        action="update",
        entity_type="letter_request",
        entity_id=letter_id,
        case=case,
        detail="link revoked",
    )


@dataclass(frozen=True)
class Overdue:
    case_id: int
    letter_id: int
    author_name: str
    requested_on: date
    follow_up_on: date
    contact: str | None
    reminded_on: date | None


def overdue(*, session: Session, case_ids: list[int], as_of: date) -> list[Overdue]:
    """Requested letters not received by their follow-up day (requested + 21 days)."""
    rows = session.execute(
        select(SupportLetter, LetterRequest)
        .join(LetterRequest, LetterRequest.support_letter_id == SupportLetter.id)
        .where(SupportLetter.case_id.in_(case_ids), SupportLetter.status == "requested")
        .order_by(SupportLetter.requested_on, SupportLetter.id)
    ).all()
    out = []
    for letter, request in rows:
        if letter.requested_on is None:
            continue
        due = add_days(letter.requested_on, LETTER_FOLLOW_UP_DAYS)
        if as_of >= due:
            out.append(
                Overdue(
                    letter.case_id,
                    letter.id,
                    letter.author_name,
                    letter.requested_on,
                    due,
                    request.contact,
                    request.reminded_on,
                )
            )
    return out


def mark_reminded(*, session: Session, user: Actor, case_id: int, letter_id: int, on: date) -> None:
    """Note that a reminder went out (the reminder itself is sent by staff or a mailer)."""
    case = case_service.get_for_user(
        session=session, user=user, case_id=case_id, need=Permission.WRITE, audit_read=False
    )
    for request in _requests_of_letter(session, case, letter_id):
        request.reminded_on = on
    session.flush()
    case_service.audit_change(
        session=session,
        actor=user,
        action="update",
        entity_type="letter_request",
        entity_id=letter_id,
        case=case,
        detail="reminder sent",
    )


def requests_of(*, session: Session, case_id: int) -> dict[int, LetterRequest]:
    """The newest request per letter of a case (caller has checked access)."""
    out: dict[int, LetterRequest] = {}
    for r in session.scalars(
        select(LetterRequest).where(LetterRequest.case_id == case_id).order_by(LetterRequest.id)
    ):
        out[r.support_letter_id] = r
    return out
