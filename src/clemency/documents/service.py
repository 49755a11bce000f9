"""Packets from stored cases: collect the data, assemble, render, and record what produced it.

:func:`packet_input` reads the case (person, primary conviction first, counts, sentence,
custody, accepted support letters and their files, chosen documents, draft answers) into the
pure :class:`~clemency.documents.assemble.PacketInput`. :func:`generate` assembles and renders
it and appends a :class:`~clemency.documents.models.PacketRecord` with the data hash and the
template version, audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from clemency.audit import service as audit
from clemency.cases import access
from clemency.cases import facts as case_facts
from clemency.cases import service as case_service
from clemency.cases.access import Actor
from clemency.cases.models import Case, Conviction, Sentence
from clemency.config import Settings
from clemency.documents import assemble as asm
from clemency.documents import forms as packet_forms
from clemency.documents.models import PacketRecord
from clemency.errors import BadInput, ClemencyError, NotFound

if TYPE_CHECKING:  # packets are made for a petition; petitions sit above documents
    from clemency.petitions.models import Petition
from clemency.accounts.models import Organization
from clemency.cases.access import Permission
from clemency.config import get_settings
from clemency.documents.models import PetitionAnswer
from clemency.files.models import Document
from clemency.files.storage import BlobStore
from clemency.files.text import DOCX, PDF, TEXT, unreadable_reason

#: Document types attached to a packet as exhibits (never medical records or correspondence).
EXHIBIT_TYPES = (
    "judgment",
    "psr",
    "indictment",
    "docket_report",
    "bop_progress_report",
    "disciplinary_record",
    "program_certificate",
    "personal_statement",
)
ATTACHABLE = (PDF, DOCX, TEXT)
FORMATS = ("pdf", "docx")


@dataclass(frozen=True)
class Generated:
    data: bytes
    packet: asm.Packet
    record: PacketRecord
    media_type: str
    filename: str


def _money(cents: int | None, what: str) -> str | None:
    return None if cents is None else f"{what} ${cents / 100:,.2f}"


def sentence_text(sentence: Sentence | None) -> str | None:
    """The sentence in words, e.g. 'Life imprisonment; supervised release 60 months'."""
    if sentence is None:
        return None
    parts: list[str] = []
    if sentence.is_death:
        parts.append("Death")
    elif sentence.is_life:
        parts.append("Life imprisonment without parole")
    elif sentence.prison_months is not None:
        parts.append(f"{sentence.prison_months} months' imprisonment")
    if sentence.probation_months:
        parts.append(f"probation {sentence.probation_months} months")
    if sentence.supervised_release_months:
        parts.append(f"supervised release {sentence.supervised_release_months} months")
    for cents, what in (
        (sentence.fine_cents, "fine"),
        (sentence.restitution_cents, "restitution"),
        (sentence.forfeiture_cents, "forfeiture"),
        (sentence.special_assessment_cents, "special assessment"),
    ):
        text = _money(cents, what)
        if text is not None and cents:
            parts.append(text)
    return "; ".join(parts) or None


def _conviction(
    c: Conviction, release_date: date | None, grants: tuple[asm.PriorPetition, ...]
) -> asm.ConvictionData:
    # A court's full name may already name its district ("U.S. District Court for the Western
    # District of Tennessee"): then the district ("W.D. Tenn.") is not repeated; a short name
    # ("U.S. District Court") keeps it, so the packet never loses which court.
    names_district = c.court_name is not None and "district of" in c.court_name.lower()
    court = (
        c.court_name
        if names_district
        else ", ".join(x for x in (c.court_name, c.district) if x) or None
    )
    imposed = sentence_text(c.sentence)
    return asm.ConvictionData(
        court=court,
        docket_number=c.docket_number,
        offenses=tuple(count.offense_text for count in c.counts),
        plea={"plea": "Guilty plea", "trial": "Trial"}.get(c.disposition or ""),
        conviction_date=c.convicted_on,
        sentence_date=c.sentenced_on,
        sentence=asm.sentence_as_changed(imposed, grants) if c.is_primary else imposed,
        release_date=release_date if c.is_primary else None,
    )


def _answers(session: Session, case: Case) -> dict[str, str]:

    rows = session.scalars(select(PetitionAnswer).where(PetitionAnswer.case_id == case.id))
    return {r.key: r.text for r in rows}


def _attachment(
    store: BlobStore, doc: Document, unreadable: list[str], **extra: object
) -> asm.Attachment | None:
    """The document as an exhibit, or None (and a line in ``unreadable``) when its stored file
    is gone, altered or cannot be opened: one bad file never stops the packet."""
    content_type = doc.content_type or PDF
    try:
        data = store.get(doc.storage_key, sha256=doc.sha256)
    except ClemencyError as error:
        reason: str | None = f"its stored file cannot be read ({error.message})"
    else:
        reason = unreadable_reason(content_type, data)
    if reason is not None:
        unreadable.append(
            f"Exhibit {doc.filename} (document {doc.id}) cannot be read: {reason}. "
            "Upload a good copy and remove this one."
        )
        return None
    return asm.Attachment(
        data=data,
        sha256=doc.sha256,
        content_type=content_type,
        dated=doc.dated_on,
        **extra,  # type: ignore[arg-type]
    )


def _clemency_history(case: Case, petition: Petition | None) -> tuple[asm.PriorPetition, ...]:
    """Earlier petitions (not ``petition``, not drafts) with their decisions, and the grants
    and denials on record made outside a petition (a commutation from the White House), in
    date order: what the record says, so the packet never omits a grant."""
    decided = {d.petition_id: d for d in case.decisions if d.petition_id is not None}
    history = [
        asm.PriorPetition(
            kind=p.kind,
            filed_on=p.filed_on,
            outcome=decided[p.id].outcome if p.id in decided else p.status,
            decided_on=decided[p.id].decided_on if p.id in decided else None,
            decided_by=decided[p.id].decided_by if p.id in decided else None,
            terms=decided[p.id].terms if p.id in decided else None,
            decided_on_precision=(decided[p.id].decided_on_precision if p.id in decided else "day"),
        )
        for p in case.petitions
        if petition is None or p.id != petition.id
        if p.status != "draft"
    ]
    history += [
        asm.PriorPetition(
            kind=d.kind,
            filed_on=None,
            outcome=d.outcome,
            decided_on=d.decided_on,
            decided_by=d.decided_by,
            terms=d.terms,
            decided_on_precision=d.decided_on_precision,
        )
        for d in case.decisions
        if d.petition_id is None
    ]
    return tuple(sorted(history, key=lambda p: p.decided_on or p.filed_on or date.max))


def packet_input(
    *,
    session: Session,
    case: Case,
    form_id: str,
    as_of: date,
    settings: Settings,
    petition: Petition | None = None,
) -> asm.PacketInput:
    """The pure packet input for ``case`` (caller has checked access)."""
    store = BlobStore(settings.data_dir)
    person = case.person
    answers = _answers(session, case)
    facts = case_facts.facts_for_case(case)
    for key, text in answers.items():
        if key.startswith("facts."):
            facts.setdefault(key[6:], text)
    release = facts.get("release_date")
    convictions = sorted(case.convictions, key=lambda c: (not c.is_primary, c.id))
    facility = case.custody[-1].facility if case.custody else None
    unreadable: list[str] = []
    letters = []
    attached_ids: set[int] = set()
    for letter in sorted(case.support_letters, key=lambda x: (x.received_on or date.max, x.id)):
        if letter.status != "accepted" or letter.document_id is None:
            continue
        doc = session.get(Document, letter.document_id)
        if doc is None or doc.content_type not in ATTACHABLE:
            continue
        attached = _attachment(
            store,
            doc,
            unreadable,
            title=f"Letter from {letter.author_name}",
            kind="letter",
            author=letter.author_name,
            relationship=letter.author_relationship or letter.author_title,
            is_relative=letter.is_relative,
        )
        if attached is not None:
            letters.append(attached)
            attached_ids.add(letter.id)
    documents = [
        attached
        for d in case.documents
        if d.doc_type in EXHIBIT_TYPES and d.content_type in ATTACHABLE
        if (
            attached := _attachment(
                store, d, unreadable, title=d.filename, kind="document", doc_type=d.doc_type
            )
        )
        is not None
    ]
    priors = _clemency_history(case, petition)
    grants = tuple(p for p in priors if p.outcome == "granted")
    org = case.organization_id

    organization = session.get(Organization, org)
    return asm.PacketInput(
        form_id=form_id,
        prepared_on=as_of,
        person=asm.PersonData(
            full_name=person.full_name,
            name_at_conviction=person.name_at_conviction
            or answers.get("person.name_at_conviction"),
            aliases=tuple(a.strip() for a in (person.aliases or "").splitlines() if a.strip()),
            date_of_birth=person.date_of_birth,
            register_number=person.bop_register_number,
            facility=facility
            if facts.get("is_in_custody") is True
            else answers.get("person.facility", facility),
            place_of_birth=answers.get("person.place_of_birth"),
            citizenship=answers.get("person.citizenship"),
            address=answers.get("person.address"),
            phone=answers.get("person.phone"),
            email=answers.get("person.email"),
            din=answers.get("person.din"),
            doc_number=answers.get("person.doc_number"),
        ),
        convictions=tuple(
            _conviction(c, release if isinstance(release, date) else None, grants)
            for c in convictions
        ),
        answers={k[8:]: v for k, v in answers.items() if k.startswith("answers.")},
        facts=facts,
        prior_petitions=priors,
        representative=answers.get("representative"),
        organization=organization.name if organization is not None else None,
        letters=tuple(letters),
        letters_on_record=tuple(
            asm.LetterOnRecord(
                author=letter.author_name,
                is_relative=letter.is_relative,
                attached=letter.id in attached_ids,
            )
            for letter in case.support_letters
            if letter.status == "accepted"
        ),
        documents=tuple(documents),
        case_ref=case.reference,
        unreadable=tuple(unreadable),
    )


def missing_for_petition(
    *,
    session: Session,
    case: Case,
    petition: Petition,
    as_of: date,
    settings: Settings | None = None,
) -> tuple[str, ...]:
    """What the petition's packet still lacks (the submit guard uses it)."""

    form_id = packet_forms.form_id_for(petition.jurisdiction, petition.kind)
    if form_id is None:
        return (f"no packet form exists for {petition.jurisdiction} {petition.kind} petitions",)
    data = packet_input(
        session=session,
        case=case,
        form_id=form_id,
        as_of=as_of,
        settings=settings or get_settings(),
        petition=petition,
    )
    return asm.assemble(data).missing


def generate(
    *,
    session: Session,
    user: Actor,
    case_id: int,
    form_id: str,
    fmt: str,
    as_of: date,
    settings: Settings,
    petition_id: int | None = None,
) -> Generated:
    """Assemble and render a packet, and record which data and template produced it."""
    # Each renderer is imported when its format is asked for (WeasyPrint, python-docx: ~1 s).
    from clemency.documents.render_pdf import layout_sha256

    if fmt not in FORMATS:
        raise BadInput(f"format must be pdf or docx, not {fmt!r}.", field="format")
    case = case_service.get_for_user(session=session, user=user, case_id=case_id)
    packet_forms.check_for_case(form_id, case.jurisdiction)
    petition = None
    if petition_id is not None:  # only a petition of this case
        petition = next((p for p in case.petitions if p.id == petition_id), None)
        if petition is None:
            raise NotFound(f"case {case_id} has no petition {petition_id}.")
    data = packet_input(
        session=session,
        case=case,
        form_id=form_id,
        as_of=as_of,
        settings=settings,
        petition=petition,
    )
    packet = asm.assemble(data, layout_sha256=layout_sha256())
    register = case.person.bop_register_number
    org = data.organization
    if fmt == "pdf":
        from clemency.documents.render_pdf import render_pdf

        output = render_pdf(packet, register_number=register, organization=org)
        media = PDF
    else:
        from clemency.documents.render_docx import render_docx

        output = render_docx(packet, register_number=register, organization=org)
        media = DOCX
    import hashlib

    record = PacketRecord(
        case_id=case.id,
        petition_id=petition.id if petition is not None and petition.case_id == case.id else None,
        form_id=form_id,
        format=fmt,
        data_sha256=packet.data_sha256,
        template_version=packet.template_version,
        output_sha256=hashlib.sha256(output).hexdigest(),
        size_bytes=len(output),
        is_draft=packet.is_draft,
        missing="\n".join(packet.missing) or None,
        exhibit_count=len(packet.exhibits),
        generated_by=access.actor_label(user),
    )
    session.add(record)
    session.flush()
    case_service.audit_change(
        session=session,
        actor=user,
        action="export",
        entity_type="packet",
        entity_id=record.id,
        case=case,
        detail=f"{form_id} {fmt} template {packet.template_version} data {packet.data_sha256[:12]}"
        + (" DRAFT" if packet.is_draft else ""),
    )
    safe_ref = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in case.reference)
    filename = f"{safe_ref}-{form_id.replace('/', '-')}{'-DRAFT' if packet.is_draft else ''}.{fmt}"
    return Generated(data=output, packet=packet, record=record, media_type=media, filename=filename)


def set_answers(*, session: Session, user: Actor, case_id: int, answers: dict[str, str]) -> None:
    """Save draft answers (``answers.reasons``, ``person.address``, ...); empty text deletes."""

    case = case_service.get_for_user(
        session=session, user=user, case_id=case_id, need=Permission.WRITE, audit_read=False
    )
    existing = {
        r.key: r
        for r in session.scalars(select(PetitionAnswer).where(PetitionAnswer.case_id == case.id))
    }
    changed = []
    for key, text in answers.items():
        if not key.startswith(("answers.", "person.", "facts.")) and key != "representative":
            raise BadInput(f"unknown answer key {key!r}.", field=key)
        row = existing.get(key)
        text = text.strip()
        if not text:
            if row is not None:
                session.delete(row)
                changed.append(key)
        elif row is None:
            session.add(PetitionAnswer(case_id=case.id, key=key, text=text))
            changed.append(key)
        elif row.text != text:
            row.text = text
            changed.append(key)
    session.flush()
    if changed:
        audit.record(
            session=session,
            actor_user_id=access.actor_id(user),
            actor_label=access.actor_label(user),
            action="update",
            entity_type="petition_answers",
            entity_id=case.id,
            organization_id=case.organization_id,
            case_id=case.id,
            changed_fields=changed,
        )
