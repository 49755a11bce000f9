"""Issue #14: the packet agrees with the case record (demo Alice Marie Johnson): the accepted
letters are counted from the record, the 2018 commutation is shown with the sentence as
commuted, the court is named once, and only the case's own jurisdiction's forms are offered
and accepted. The PDF and the DOCX are read back."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document as DocxDocument
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from clemency.cases.access import Operator
from clemency.cases.demo.alice import ALICE_REFERENCE
from clemency.cases.demo.seed import seed_demo
from clemency.cases.models import Case
from clemency.config import Settings
from clemency.documents import forms
from clemency.documents import service as documents
from clemency.errors import BadInput

AS_OF = date(2020, 9, 1)
COURT = "U.S. District Court for the Western District of Tennessee"


def _alice(session: Session) -> Case:
    seed_demo(session=session, seed=1, count=2, password=None)
    session.flush()
    return session.scalars(select(Case).where(Case.reference == ALICE_REFERENCE)).one()


def _pdf_text(data: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages
    )


def _docx_text(data: bytes) -> str:
    document = DocxDocument(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return " ".join(" ".join(t.split()) for t in [*(p.text for p in document.paragraphs), *cells])


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_pardon_packet_agrees_with_alices_record(
    session: Session, settings: Settings, fmt: str
) -> None:
    alice = _alice(session)
    generated = documents.generate(
        session=session,
        user=Operator("test"),
        case_id=alice.id,
        form_id="us-federal/pardon",
        fmt=fmt,
        as_of=AS_OF,
        settings=settings,
    )
    text = (_pdf_text if fmt == "pdf" else _docx_text)(generated.data)
    missing = " ".join(generated.packet.missing)
    # three accepted letters on record: the count is not "0 of at least 3"
    assert "Letters of support: 0" not in missing
    assert "Letters of support:" not in missing  # three of at least three
    assert missing.count("accepted, but its signed copy is not uploaded") == 3
    # the 2018 commutation and the sentence as commuted
    assert "commutation, granted June 6, 2018, by President Donald J. Trump" in text
    assert "Life imprisonment without parole (as imposed); commuted June 6, 2018" in text
    assert "Life sentence commuted to time served" in text
    # the earlier denial keeps its outcome, dated as precisely as the record knows it: the
    # month only (decided_on_precision "month"), never a day the record does not have
    assert "commutation, denied January 2017, by President Barack Obama" in text
    assert "January 1, 2017" not in text
    # the court is named once, without its abbreviation after it
    assert text.count(COURT) >= 1
    assert f"{COURT}, W.D. Tenn." not in text


def test_only_the_cases_own_jurisdiction_forms(session: Session, settings: Settings) -> None:
    alice = _alice(session)
    offered = forms.for_jurisdiction(alice.jurisdiction)
    assert offered == ["us-federal/commutation", "us-federal/pardon"]
    assert all(not f.startswith(("us-ga/", "us-ny/", "us-ok/")) for f in offered)
    with pytest.raises(
        BadInput, match=r"us-ga/pardon is for us-ga, and this case is in us-federal"
    ):
        documents.generate(
            session=session,
            user=Operator("test"),
            case_id=alice.id,
            form_id="us-ga/pardon",
            fmt="pdf",
            as_of=AS_OF,
            settings=settings,
        )
    with pytest.raises(BadInput, match="There is no form 'us-federal/parole'"):
        forms.check_for_case("us-federal/parole", "us-federal")
