"""Sample letters and the Alice Marie Johnson packet input (public facts, domain.md §7)."""

from __future__ import annotations

import hashlib
import io
from datetime import date

from clemency.documents.assemble import (
    Attachment,
    ConvictionData,
    PacketInput,
    PersonData,
    PriorPetition,
)
from clemency.files.text import DOCX, PDF, TEXT

ALICE_OFFENSES = (
    "Conspiracy to possess with intent to distribute cocaine",
    "Attempted possession with intent to distribute cocaine",
    "Money laundering",
    "Conspiracy to commit money laundering",
    "Structuring",
)


def pdf_letter(text: str) -> bytes:
    """A one-page PDF letter with a text layer, made the way a supporter's word processor would."""
    from weasyprint import HTML

    body = "".join(f"<p>{line}</p>" for line in text.split("\n"))
    return HTML(
        string=f"<html><body style='font-family: DejaVu Serif'>{body}</body></html>"
    ).write_pdf()  # type: ignore[no-any-return]


def docx_letter(text: str) -> bytes:
    import docx

    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def attachment(
    author: str, relationship: str, content_type: str, text: str, *, is_relative: bool = False
) -> Attachment:
    data = {PDF: pdf_letter, DOCX: docx_letter}.get(content_type, lambda t: t.encode())(text)
    return Attachment(
        title=f"Letter from {author}",
        kind="letter",
        content_type=content_type,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        author=author,
        relationship=relationship,
        is_relative=is_relative,
    )


def alice_letters() -> tuple[Attachment, ...]:
    return (
        attachment(
            "Arcala Washington-Adduci",
            "Warden",
            PDF,
            "To the President:\nMs. Johnson has been a model inmate under my supervision.\nWarden Washington-Adduci",
        ),
        attachment(
            "Case Manager Example",
            "Case manager",
            DOCX,
            "Dear Mr. President,\nI write in support of Alice Marie Johnson's petition.\nHer case manager",
        ),
        attachment(
            "Vocational Instructor Example",
            "Vocational instructor",
            TEXT,
            "Ms. Johnson tutored other women in my vocational class for years.",
        ),
    )


def alice_input(
    form_id: str = "us-federal/commutation", *, long_reasons: bool = True
) -> PacketInput:
    reasons = (
        "Ms. Johnson is a first-time, non-violent offender serving life without parole. "
        + "She has completed many programs and mentored others. " * (40 if long_reasons else 1)
        + "END-OF-REASONS"
    )
    return PacketInput(
        form_id=form_id,
        prepared_on=date(2018, 5, 1),
        person=PersonData(
            full_name="Alice Marie Johnson",
            name_at_conviction="Alice Marie Johnson",
            date_of_birth=date(1955, 5, 30),
            register_number="14873-076",
            citizenship="United States",
            facility="FCI Aliceville",
            address="FCI Aliceville, Aliceville, AL",
        ),
        convictions=(
            ConvictionData(
                court="U.S. District Court, W.D. Tenn.",
                docket_number="(not in the public sources)",
                offenses=ALICE_OFFENSES,
                plea="Trial",
                conviction_date=date(1996, 10, 31),
                sentence_date=None,  # "1997" in the sources; the day is not public
                sentence="Life imprisonment without parole",
            ),
        ),
        answers={
            "court_challenges": "Direct appeal affirmed; no challenge pending.",
            "criminal_history": "None before this conviction.",
            "offense_account": "Part of a cocaine distribution conspiracy from Houston to Memphis, arrested in 1993.",
            "reasons": reasons,
            "release_plan": "Live with family in Memphis and work.",
        },
        facts={"has_pending_court_challenge": False},
        prior_petitions=(
            PriorPetition(
                kind="commutation", filed_on=None, outcome="denied", decided_on=date(2017, 1, 13)
            ),
        ),
        representative="Brittany K. Barnett",
        organization="Example Clinic",
        letters=alice_letters(),
    )
