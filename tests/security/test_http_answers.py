"""Finding 9 of issue #12, HTTP answers: 405 without ``Allow``; a 405 and an unexpected 500
both answered ``"code": "bad_input"``; a ``text/plain`` JSON body got 422 (should be 415); an
empty upload got 413 (should be 422); ``/api/v1/docs`` loaded Swagger UI from a CDN that the
Content-Security-Policy blocks."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.integration.web.conftest import Site, csrf_of

ATTORNEY = ("a", "attorney")


def _json_client(site: Site) -> tuple[TestClient, dict[str, str]]:
    client = site.client(ATTORNEY)
    return client, {"x-csrf-token": csrf_of(client, "/")}


def test_405_names_the_allowed_methods_and_has_its_own_code(site: Site) -> None:
    client, headers = _json_client(site)
    answer = client.put("/api/v1/cases", json={}, headers=headers)
    assert answer.status_code == 405
    assert answer.json()["code"] == "method_not_allowed"
    allowed = {m.strip() for m in answer.headers["allow"].split(",")}
    assert {"GET", "POST"} <= allowed
    assert "PUT" not in allowed
    page = client.delete("/login", headers=headers)
    assert page.status_code == 405
    assert {m.strip() for m in page.headers["allow"].split(",")} >= {"GET", "POST"}


def test_an_unexpected_error_is_a_500_with_its_own_code_and_no_internals(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clemency.web.api import rulesets

    def broken(*_args: object, **_kwargs: object) -> object:
        raise RuntimeError("secret internal detail /srv/clemency SELECT * FROM users")

    monkeypatch.setattr(rulesets, "list_rulesets", broken)
    client = TestClient(site.app, raise_server_exceptions=False, follow_redirects=False)  # type: ignore[arg-type]
    from tests.integration.web.conftest import sign_in

    sign_in(client, site.users[ATTORNEY][1])
    answer = client.get("/api/v1/rulesets")
    assert answer.status_code == 500
    body = answer.json()
    assert set(body) == {"ok", "code", "message", "details"}
    assert body["ok"] is False
    assert body["code"] == "internal_error"
    assert body["details"] == {"request_id": answer.headers["x-request-id"]}
    assert answer.headers["x-request-id"] in body["message"]
    assert "secret" not in answer.text
    assert "SELECT" not in answer.text
    assert "Traceback" not in answer.text
    assert answer.headers["x-content-type-options"] == "nosniff"  # headers on a 500 too
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]


@pytest.mark.parametrize("content_type", ["text/plain", None, "application/x-www-form-urlencoded"])
def test_a_json_operation_refuses_other_media_types_with_415(
    site: Site, content_type: str | None
) -> None:
    client, headers = _json_client(site)
    if content_type is not None:
        headers["content-type"] = content_type
    body = b'{"ruleset": "us-federal/pardon", "facts": {}}'
    answer = client.post("/api/v1/check", content=body, headers=headers)
    assert answer.status_code == 415
    assert answer.json()["code"] == "unsupported_media_type"
    same_as_json = client.post(
        "/api/v1/check", content=body, headers={**headers, "content-type": "application/json"}
    )
    assert same_as_json.status_code != 415


def test_an_empty_document_upload_is_422_not_413(site: Site) -> None:
    client = site.client(ATTORNEY)
    case_id = site.cases["a_other"]
    token = csrf_of(client, f"/cases/{case_id}/documents/new")
    answer = client.post(
        f"/cases/{case_id}/documents",
        data={"csrf_token": token, "doc_type": "other"},
        files={"file": ("empty.pdf", b"", "application/pdf")},
    )
    assert answer.status_code == 422
    assert "empty" in answer.text


def test_an_empty_roster_upload_is_422_not_413(site: Site) -> None:
    client, headers = _json_client(site)
    answer = client.post(
        "/api/v1/screening-runs",
        data={"ruleset_id": "us-federal/pardon", "as_of": "2024-01-01"},
        files={"roster": ("roster.csv", b"", "text/csv")},
        headers=headers,
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "empty_upload"


def test_the_api_docs_page_loads_nothing_from_elsewhere(site: Site) -> None:
    client = site.client()
    answer = client.get("/api/v1/docs")
    assert answer.status_code == 200
    assert "default-src 'self'" in answer.headers["content-security-policy"]
    external = re.findall(r'(?:src|href)="(https?:)?//', answer.text)
    assert external == []
    assert "/api/v1/cases" in answer.text
    assert "/api/v1/openapi.json" in answer.text
