"""Issue #14: an upload over the size limit is answered 413 in the site's own page (the base
template, its navigation and styles), saying the limit in MB and what to do — split the
roster, make the document smaller, or ask an administrator — never a server setting."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from clemency.config import Settings
from clemency.web.app import create_app
from tests.integration.web.conftest import Site, csrf_of, sign_in

LIMIT = 1024 * 1024  # 1 MB: the body limit adds a form's envelope of 64 KB on top
TOO_BIG = b"person_id,conviction_court\n" + b"p,federal_district\n" * 80_000  # about 1.5 MB


@pytest.fixture
def small_site(site: Site, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        environment="test",
        database_url=site.settings.database_url,
        data_dir=tmp_path / "small",
        max_upload_bytes=LIMIT,
    )
    app = create_app(settings)
    client = TestClient(app, follow_redirects=False)
    client.__enter__()
    sign_in(client, site.users[("a", "attorney")][1])
    yield client
    client.__exit__(None, None, None)


def test_an_oversize_roster_gets_the_sites_own_413_page(small_site: TestClient) -> None:
    token = csrf_of(small_site, "/screening")
    answer = small_site.post(
        "/screening",
        data={"csrf_token": token, "ruleset_id": "us-federal/pardon", "as_of": "2024-01-01"},
        files={"roster": ("people.csv", TOO_BIG, "text/csv")},
        headers={"referer": "http://testserver/screening"},
    )
    assert answer.status_code == 413
    assert answer.headers["content-type"].startswith("text/html")
    page = answer.text
    assert '<link rel="stylesheet" href="/static/clemency.css">' in page  # the base template
    assert "<h1>File too large</h1>" in page
    assert "upload limit of 1 MB" in page
    assert "Split the roster into smaller files" in page
    assert "administrator" in page
    assert "CLEMENCY_MAX_UPLOAD_BYTES" not in page  # not the user's business
    assert '<a href="/screening">Back to the form</a>' in page


def test_an_oversize_document_gets_the_same_page_with_its_own_advice(
    small_site: TestClient, site: Site
) -> None:
    case_id = site.cases["a_other"]
    token = csrf_of(small_site, f"/cases/{case_id}/documents/new")
    answer = small_site.post(
        f"/cases/{case_id}/documents",
        data={"csrf_token": token, "title": "Scan"},
        files={"file": ("scan.pdf", b"%PDF-1.7\n" + b"0" * (LIMIT + 200_000), "application/pdf")},
        headers={"referer": "http://elsewhere.example/form"},
    )
    assert answer.status_code == 413
    assert "<h1>File too large</h1>" in answer.text
    assert "upload limit of 1 MB" in answer.text
    assert "Upload a smaller file" in answer.text
    assert "Back to the form" not in answer.text  # another site's page is never linked


def test_the_api_answers_the_limit_as_json(small_site: TestClient, site: Site) -> None:
    case_id = site.cases["a_other"]
    answer = small_site.post(
        f"/api/v1/cases/{case_id}/documents",
        content=b"0" * (LIMIT + 200_000),
        headers={"content-type": "application/pdf"},
    )
    assert answer.status_code == 413
    body = answer.json()
    assert body["ok"] is False
    assert "upload limit of 1 MB" in body["message"]


@pytest.mark.parametrize(
    ("limit", "words"), [(10 * 1024 * 1024 + 64 * 1024, "10 MB"), (500 * 1024, "500 KB")]
)
def test_the_limit_in_words(limit: int, words: str) -> None:
    from clemency.web.security import size_in_words

    assert size_in_words(limit) == words
