"""One upload check serves every upload (issue 12, finding 2): case documents over HTTP and
support letters through their service refuse every hostile file, store nothing, and accept the
ordinary files each purpose allows."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from clemency.db.session import unit_of_work
from clemency.errors import UploadRejected
from clemency.files.models import Document
from clemency.files.text import DOCX, PDF
from clemency.files.uploads import check_upload
from tests.integration.web.conftest import Site, csrf_of, site  # noqa: F401 - the fixture
from tests.security.hostile_files import HOSTILE, jpeg, png
from tests.unit.petitions.samples import docx_letter, pdf_letter

LIMIT = 5_000_000


def _post(s: Site, data: bytes, name: str, content_type: str) -> tuple[int, str]:
    client = s.client(("a", "attorney"))
    case_id = s.cases["a_other"]
    token = csrf_of(client, f"/cases/{case_id}/documents/new")
    response = client.post(
        f"/cases/{case_id}/documents",
        data={"csrf_token": token, "doc_type": "judgment"},
        files={"file": (name, data, content_type)},
    )
    return response.status_code, response.text


def _nothing_stored(s: Site) -> None:
    with unit_of_work(s.engine) as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 0
    root = Path(s.settings.data_dir) / "documents"
    assert not root.exists() or not [p for p in root.rglob("*") if p.is_file()]


@pytest.fixture
def roomy_site(site: Site) -> Site:  # noqa: F811
    site.settings.max_upload_bytes = LIMIT
    return site


@pytest.mark.parametrize("which", sorted(HOSTILE))
def test_case_documents_refuse_hostile_files(roomy_site: Site, which: str) -> None:
    data, name, content_type = HOSTILE[which]
    status, page = _post(roomy_site, data, name, content_type)
    assert status in (413, 415, 422), (status, page[-500:])
    _nothing_stored(roomy_site)


@pytest.mark.parametrize("which", sorted(HOSTILE))
def test_support_letters_refuse_hostile_files(which: str) -> None:
    data, name, content_type = HOSTILE[which]
    with pytest.raises(UploadRejected) as refused:
        check_upload(data, declared=content_type, limit=LIMIT, filename=name)
    assert refused.value.http_status in (413, 415, 422)


ORDINARY = {
    "pdf": (pdf_letter("Judgment in a criminal case."), "judgment.pdf", PDF),
    "docx": (docx_letter("A certificate."), "certificate.docx", DOCX),
    "text": (b"Typed notes from the hearing.\n", "notes.txt", "text/plain"),
    "png": (png(), "scan.png", "image/png"),
    "jpeg": (jpeg(), "photo.jpg", "image/jpeg"),
}


@pytest.mark.parametrize("which", sorted(ORDINARY))
def test_case_documents_accept_ordinary_files(roomy_site: Site, which: str) -> None:
    data, name, content_type = ORDINARY[which]
    status, page = _post(roomy_site, data, name, content_type)
    assert status == 303, page[-500:]
    with unit_of_work(roomy_site.engine) as session:
        document = session.scalars(select(Document)).one()
    assert document.content_type == content_type


def test_images_are_rewritten_so_nothing_rides_along(roomy_site: Site) -> None:
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "CANARY-METADATA-5b1d")  # a text chunk the decoder never shows
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (1, 2, 3)).save(out, "PNG", pnginfo=info)
    original = out.getvalue()
    assert b"CANARY-METADATA-5b1d" in original
    status, _ = _post(roomy_site, original, "scan.png", "image/png")
    assert status == 303
    client = roomy_site.client(("a", "attorney"))
    with unit_of_work(roomy_site.engine) as session:
        document = session.scalars(select(Document)).one()
    stored = client.get(
        f"/cases/{roomy_site.cases['a_other']}/documents/file",
        params={"document": document.id},
    ).content
    assert Image.open(io.BytesIO(stored)).size == (64, 48)
    assert Image.open(io.BytesIO(stored)).getpixel((5, 5)) == (1, 2, 3)
    assert b"CANARY-METADATA-5b1d" not in stored
    assert document.sha256 == __import__("hashlib").sha256(stored).hexdigest()


def test_letters_take_no_images() -> None:
    with pytest.raises(UploadRejected) as refused:
        check_upload(png(), declared="image/png", limit=LIMIT, filename="letter.png")
    assert refused.value.http_status == 415
