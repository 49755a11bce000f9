"""Uploading and downloading a case's documents in the browser pages: checked before storing,
downloaded as a sandboxed attachment, refused files leave nothing behind."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from clemency.db.session import unit_of_work
from clemency.files.models import Document
from tests.integration.web.conftest import Site, csrf_of


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


def _documents(site: Site) -> int:
    with unit_of_work(site.engine) as session:
        return int(session.scalar(select(func.count()).select_from(Document)) or 0)


def _stored_files(site: Site) -> list[Path]:
    root = Path(site.settings.data_dir) / "documents"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_upload_then_download_gives_the_same_bytes(site: Site) -> None:
    client = site.client(("a", "attorney"))
    case_id = site.cases["a_other"]
    token = csrf_of(client, f"/cases/{case_id}/documents/new")
    response = client.post(
        f"/cases/{case_id}/documents",
        data={"csrf_token": token, "doc_type": "judgment", "dated_on": "1997-01-15"},
        files={"file": ("judgment.pdf", PDF, "application/pdf")},
    )
    assert response.status_code == 303, response.text
    page = client.get(f"/cases/{case_id}").text
    assert "judgment.pdf" in page
    with unit_of_work(site.engine) as session:
        document_id = session.scalars(select(Document.id)).one()
    download = client.get(f"/cases/{case_id}/documents/file?document={document_id}")
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["content-security-policy"] == "sandbox"
    assert download.headers["x-content-type-options"] == "nosniff"


def test_a_mislabelled_or_oversized_file_is_refused_and_nothing_is_stored(site: Site) -> None:
    client = site.client(("a", "attorney"))
    case_id = site.cases["a_other"]
    token = csrf_of(client, f"/cases/{case_id}/documents/new")
    html = client.post(
        f"/cases/{case_id}/documents",
        data={"csrf_token": token, "doc_type": "judgment"},
        files={"file": ("judgment.pdf", b"\x89\x00<html><script>x</script>", "application/pdf")},
    )
    assert html.status_code == 415
    assert "judged by its contents" in html.text
    big = client.post(
        f"/cases/{case_id}/documents",
        data={"csrf_token": token, "doc_type": "judgment"},
        files={"file": ("big.pdf", PDF + b"0" * site.settings.max_upload_bytes, "application/pdf")},
    )
    assert big.status_code in (413, 422)
    missing_type = client.post(
        f"/cases/{case_id}/documents",
        data={"csrf_token": token, "doc_type": ""},
        files={"file": ("judgment.pdf", PDF, "application/pdf")},
    )
    assert missing_type.status_code == 422
    assert "Choose the kind of document." in missing_type.text
    assert _documents(site) == 0
    assert _stored_files(site) == []


def test_a_viewer_may_not_upload(site: Site) -> None:
    viewer = site.client(("a", "viewer"))
    assert viewer.get(f"/cases/{site.cases['a_other']}/documents/new").status_code == 403
