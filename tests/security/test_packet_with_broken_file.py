"""A stored file that cannot be read (truncated PDF, garbage under a PDF type, a file gone
from disk) never breaks the case's packet: it is named in the packet's missing list and the
packet still builds (issue 12, finding 3)."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from clemency.db.session import unit_of_work
from clemency.documents.models import PacketRecord
from clemency.files.models import Document
from clemency.files.storage import BlobStore
from clemency.files.text import DOCX, PDF
from tests.integration.petitions.test_web import client, web  # noqa: F401 - the fixture
from tests.sweeps import sampled
from tests.unit.petitions.samples import pdf_letter

GOOD = pdf_letter("Judgment in a criminal case.")


def _store_directly(site: dict[str, Any], data: bytes, content_type: str, name: str) -> int:
    """A document row and its file written straight to the store, past every upload check
    (as an old release, a restore or a disk fault would leave it)."""
    from sqlalchemy import create_engine

    engine = create_engine(site["settings"].database_url)
    key = BlobStore(site["settings"].data_dir).put(data)
    with unit_of_work(engine) as session:
        document = Document(
            case_id=site["ids"]["alice"],
            storage_key=key,
            filename=name,
            content_type=content_type,
            doc_type="judgment",
            sha256=hashlib.sha256(data).hexdigest(),
            size_bytes=len(data),
        )
        session.add(document)
        session.flush()
        document_id = document.id
    engine.dispose()
    return document_id


BROKEN = {
    "truncated pdf": (GOOD[: len(GOOD) // 3], PDF),
    "garbage named pdf": (b"%PDF-1.7\n\x00\x01garbage" * 40, PDF),
    "garbage named docx": (b"PK\x03\x04 not really a zip", DOCX),
}


@pytest.mark.parametrize(
    ("fmt", "which"),
    sampled(
        [(fmt, which) for fmt in ("pdf", "docx") for which in sorted(BROKEN)],
        loop=[("pdf", "truncated pdf"), ("docx", "garbage named docx")],
        ids="-".join,
    ),
)
def test_an_unreadable_document_is_listed_as_missing_and_the_packet_still_builds(
    web: dict[str, Any],  # noqa: F811 - the fixture
    which: str,
    fmt: str,
) -> None:
    data, content_type = BROKEN[which]
    _store_directly(web, GOOD, PDF, "good-judgment.pdf")
    _store_directly(web, data, content_type, "broken-exhibit.pdf")
    staff = client(web, ("a", "attorney"))
    case_id = web["ids"]["alice"]
    for _ in range(2):  # not once, but every time
        packet = staff.get(
            f"/cases/{case_id}/packet", params={"form": "us-federal/commutation", "format": fmt}
        )
        assert packet.status_code == 200, packet.text[-800:]
    if fmt == "pdf":
        text = " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(packet.content)).pages)
        assert "Judgment in a criminal case." in text  # the readable exhibit is still attached
        assert "broken-exhibit.pdf" in text  # named on the checklist of what is missing
    engine = __import__("sqlalchemy").create_engine(web["settings"].database_url)
    with unit_of_work(engine) as session:
        record = session.scalars(select(PacketRecord).order_by(PacketRecord.id.desc())).first()
        assert record is not None
        assert record.missing is not None
        unreadable = [m for m in record.missing.splitlines() if "broken-exhibit.pdf" in m]
        assert len(unreadable) == 1, record.missing
        assert "cannot be read" in unreadable[0]
        assert record.is_draft
    engine.dispose()


def test_a_file_missing_from_disk_is_listed_as_missing(web: dict[str, Any]) -> None:  # noqa: F811
    document_id = _store_directly(web, GOOD, PDF, "vanished.pdf")
    engine = __import__("sqlalchemy").create_engine(web["settings"].database_url)
    with unit_of_work(engine) as session:
        document = session.get(Document, document_id)
        assert document is not None
        key = document.storage_key
    engine.dispose()
    BlobStore(web["settings"].data_dir).delete(key)
    staff = client(web, ("a", "attorney"))
    packet = staff.get(
        f"/cases/{web['ids']['alice']}/packet",
        params={"form": "us-federal/commutation", "format": "pdf"},
    )
    assert packet.status_code == 200, packet.text[-800:]
    text = " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(packet.content)).pages)
    assert "vanished.pdf" in text
