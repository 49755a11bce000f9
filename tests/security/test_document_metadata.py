"""Document metadata is the server's: a caller cannot point a new or changed document row at
another organization's stored file, and deleting a document removes its file (issue 12,
finding 4). Over HTTP, through the case-part API, plus the import path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from clemency.cases import transfer
from clemency.cases.access import Operator
from clemency.db.session import unit_of_work
from clemency.errors import DataImportError
from clemency.files.models import Document
from tests.integration.web.conftest import Site, csrf_of, site  # noqa: F401 - the fixture
from tests.unit.petitions.samples import pdf_letter

SECRET_OF_B = pdf_letter("Organization B's privileged memorandum.")


def _api(s: Site, who: tuple[str, str]) -> tuple[TestClient, dict[str, str]]:
    client = s.client(who)
    return client, {"x-csrf-token": csrf_of(client, "/")}


def _upload(s: Site, who: tuple[str, str], case: str, data: bytes, name: str) -> Document:
    client = s.client(who)
    case_id = s.cases[case]
    token = csrf_of(client, f"/cases/{case_id}/documents/new")
    response = client.post(
        f"/cases/{case_id}/documents",
        data={"csrf_token": token, "doc_type": "judgment"},
        files={"file": (name, data, "application/pdf")},
    )
    assert response.status_code == 303, response.text[-600:]
    with unit_of_work(s.engine) as session:
        return session.scalars(
            select(Document).where(Document.case_id == case_id).order_by(Document.id.desc())
        ).first()  # type: ignore[return-value]


def _stored_files(s: Site) -> set[str]:
    root = Path(s.settings.data_dir) / "documents"
    return {p.name for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _documents_of(s: Site, case: str) -> list[Document]:
    with unit_of_work(s.engine) as session:
        return list(session.scalars(select(Document).where(Document.case_id == s.cases[case])))


STOLEN = ("storage_key", "sha256", "content_type", "size_bytes")


@pytest.mark.parametrize("field", STOLEN)
def test_a_new_document_row_cannot_name_a_stored_file(site: Site, field: str) -> None:  # noqa: F811
    theirs = _upload(site, ("b", "attorney"), "b_case", SECRET_OF_B, "memo.pdf")
    client, headers = _api(site, ("a", "attorney"))
    case_id = site.cases["a_other"]
    values: dict[str, Any] = {
        "filename": "innocent.pdf",
        "doc_type": "judgment",
        "storage_key": theirs.storage_key,
        "sha256": theirs.sha256,
        "content_type": theirs.content_type,
        "size_bytes": theirs.size_bytes,
    }
    # only the one field under test is sent besides the harmless ones, and then all of them
    for sent in ({k: v for k, v in values.items() if k in (field, "filename", "doc_type")}, values):
        made = client.post(
            f"/api/v1/cases/{case_id}/parts/documents", json={"values": sent}, headers=headers
        )
        assert made.status_code == 422, made.text
        assert "upload" in made.json()["message"].lower()
    assert _documents_of(site, "a_other") == []
    # and the file of B cannot be reached from A's case by any document id
    for document_id in range(1, theirs.id + 3):
        got = client.get(f"/cases/{case_id}/documents/file", params={"document": document_id})
        assert SECRET_OF_B not in got.content


@pytest.mark.parametrize("field", STOLEN)
def test_an_existing_document_cannot_be_repointed(site: Site, field: str) -> None:  # noqa: F811
    theirs = _upload(site, ("b", "attorney"), "b_case", SECRET_OF_B, "memo.pdf")
    mine = _upload(site, ("a", "attorney"), "a_other", pdf_letter("Our judgment."), "mine.pdf")
    client, headers = _api(site, ("a", "attorney"))
    changed = client.patch(
        f"/api/v1/cases/{site.cases['a_other']}/parts/documents/{mine.id}",
        json={"expected_version": mine.version, "changes": {field: getattr(theirs, field)}},
        headers=headers,
    )
    assert changed.status_code == 422, changed.text
    download = client.get(
        f"/cases/{site.cases['a_other']}/documents/file", params={"document": mine.id}
    )
    assert download.status_code == 200
    assert SECRET_OF_B not in download.content


def test_an_import_cannot_name_a_stored_file(site: Site) -> None:  # noqa: F811
    theirs = _upload(site, ("b", "attorney"), "b_case", SECRET_OF_B, "memo.pdf")
    row = {
        "format": transfer.FORMAT,
        "organization": "a",
        "reference": "IMPORTED-1",
        "stage": "intake",
        "jurisdiction": "us-federal",
        "person": {"given_name": "Imported", "family_name": "Person"},
        "documents": [
            {
                "filename": "memo.pdf",
                "doc_type": "judgment",
                "storage_key": theirs.storage_key,
                "sha256": theirs.sha256,
                "content_type": theirs.content_type,
                "size_bytes": theirs.size_bytes,
            }
        ],
    }
    with unit_of_work(site.engine) as session:
        from clemency.accounts.models import Organization, User

        row["organization"] = session.scalar(
            select(Organization.slug).where(Organization.id == site.orgs["a"])
        )
        user = session.get(User, site.users[("a", "attorney")][0])
        with pytest.raises(DataImportError) as refused:
            transfer.import_cases(session=session, user=user, rows=[(1, row)])  # type: ignore[arg-type]
        session.rollback()
    assert "set by the server" in str(refused.value.fields.get("problems"))
    with unit_of_work(site.engine) as session:
        keys = list(session.scalars(select(Document.storage_key)))
    assert keys == [theirs.storage_key]
    assert Operator  # the command-line operator moving a database keeps its documents


def test_deleting_a_document_removes_its_file(site: Site) -> None:  # noqa: F811
    mine = _upload(site, ("a", "attorney"), "a_other", pdf_letter("To be deleted."), "old.pdf")
    kept = _upload(site, ("a", "attorney"), "a_other", pdf_letter("To be kept."), "keep.pdf")
    assert {mine.storage_key, kept.storage_key} <= _stored_files(site)
    client, headers = _api(site, ("a", "attorney"))
    gone = client.delete(
        f"/api/v1/cases/{site.cases['a_other']}/parts/documents/{mine.id}",
        params={"expected_version": mine.version},
        headers=headers,
    )
    assert gone.status_code == 204, gone.text
    assert _stored_files(site) == {kept.storage_key}


def test_a_refused_delete_keeps_the_file(site: Site) -> None:  # noqa: F811
    mine = _upload(site, ("a", "attorney"), "a_other", pdf_letter("Still here."), "here.pdf")
    client, headers = _api(site, ("a", "attorney"))
    stale = client.delete(
        f"/api/v1/cases/{site.cases['a_other']}/parts/documents/{mine.id}",
        params={"expected_version": mine.version + 5},
        headers=headers,
    )
    assert stale.status_code == 409, stale.text
    assert _stored_files(site) == {mine.storage_key}


def test_deleting_a_case_removes_its_files(site: Site) -> None:  # noqa: F811
    mine = _upload(site, ("a", "attorney"), "a_other", pdf_letter("Case file."), "case.pdf")
    theirs = _upload(site, ("b", "attorney"), "b_case", SECRET_OF_B, "memo.pdf")
    client, headers = _api(site, ("a", "admin"))
    version = client.get(f"/api/v1/cases/{site.cases['a_other']}").json()["version"]
    gone = client.delete(
        f"/api/v1/cases/{site.cases['a_other']}",
        params={"expected_version": version},
        headers=headers,
    )
    assert gone.status_code == 204, gone.text
    assert mine.storage_key not in _stored_files(site)
    assert _stored_files(site) == {theirs.storage_key}
