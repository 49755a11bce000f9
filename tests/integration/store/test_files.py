"""Stored files: checked by content, written whole, hash-verified and audited on read."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from clemency.audit.models import AuditEvent
from clemency.errors import CaseNotFound, UploadRejected
from clemency.files import service as files
from clemency.testing.factories import World


def _blank_pdf() -> bytes:
    """A real one-page PDF (431 bytes): uploads are opened and checked, not just sniffed."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = _blank_pdf()


def _store(session: Session, world: World, tmp_path: Path, content: bytes, name: str = "a.pdf"):  # type: ignore[no-untyped-def]
    return files.store_document(
        session=session,
        user=world.users[("a", "attorney")],
        case_id=world.cases["a_other"].id,
        filename=name,
        content=content,
        doc_type="judgment",
        data_dir=tmp_path,
        max_bytes=1000,
    )


def test_a_stored_pdf_reads_back_identical_and_the_read_is_audited(
    session: Session, world: World, tmp_path: Path
) -> None:
    document = _store(session, world, tmp_path, PDF, name="../../etc/Judgment 1996.pdf")
    session.commit()
    assert (document.filename, document.content_type, document.size_bytes) == (
        "Judgment 1996.pdf",
        "application/pdf",
        len(PDF),
    )
    assert document.storage_key not in document.filename
    row, content = files.read_document(
        session=session,
        user=world.users[("a", "viewer")],
        case_id=world.cases["a_other"].id,
        document_id=document.id,
        data_dir=tmp_path,
    )
    assert content == PDF
    session.commit()  # reads are chained when the unit of work commits
    last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    assert (last.action, last.entity_type, last.entity_id) == ("read", "document", str(row.id))
    with pytest.raises(CaseNotFound):
        files.read_document(
            session=session,
            user=world.users[("b", "admin")],
            case_id=world.cases["a_other"].id,
            document_id=document.id,
            data_dir=tmp_path,
        )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"MZ\x90\x00 executable", "not a PDF"),
        (b"%PDF-" + b"x" * 2000, "the limit is 1,000"),
        (b"", "empty"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(
    session: Session, world: World, tmp_path: Path, content: bytes, message: str
) -> None:
    with pytest.raises(UploadRejected, match=message):
        _store(session, world, tmp_path, content, name="letter.pdf")
    assert not (tmp_path / "documents").exists()


def test_corruption_on_disk_is_reported_and_orphans_are_found(
    session: Session, world: World, tmp_path: Path
) -> None:
    document = _store(session, world, tmp_path, PDF)
    session.commit()
    stored = next((tmp_path / "documents").glob("*/*"))
    stored.write_bytes(PDF + b"tampered")
    with pytest.raises(files.StoredFileCorrupt):
        files.read_document(
            session=session,
            user=world.users[("a", "admin")],
            case_id=world.cases["a_other"].id,
            document_id=document.id,
            data_dir=tmp_path,
        )
    session.rollback()
    _store(session, world, tmp_path, PDF)
    session.rollback()  # the upload's transaction fails after the file was written
    orphans = files.orphaned_files(session=session, data_dir=tmp_path)
    assert len(orphans) == 1
    assert orphans[0] != stored
