"""Response headers on every kind of answer (issue #12 "Also"; security.md AS-V8, AS-V12):
Content-Security-Policy with ``frame-ancestors 'none'``, ``X-Content-Type-Options: nosniff``,
HSTS in production only, and ``Cache-Control: no-store`` on private pages and API answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from clemency.config import Settings
from clemency.web.app import create_app
from tests.integration.web.conftest import Site

PRIVATE = ["/", "/cases", "/api/v1/cases", "/api/v1/me"]
PUBLIC = ["/login", "/api/v1/docs", "/api/v1/openapi.json"]


def _common(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"


def test_private_pages_and_api_answers_are_never_cached(site: Site) -> None:
    client = site.client(("a", "attorney"))
    case_id = site.cases["a_other"]
    for path in [*PRIVATE, f"/cases/{case_id}", f"/api/v1/cases/{case_id}"]:
        response = client.get(path)
        assert response.status_code == 200, path
        _common(response)
        assert response.headers["cache-control"] == "no-store", path
        assert "strict-transport-security" not in response.headers  # not outside production


def test_error_answers_carry_the_headers_too(site: Site) -> None:
    client = site.client(("a", "attorney"))
    for response in (
        client.get("/no-such-page"),
        client.get(f"/cases/{site.cases['b_case']}"),  # another organization's: 404
        client.get("/api/v1/cases/999999"),
        client.put("/api/v1/cases"),  # 405
        site.client().get("/api/v1/cases"),  # 401
    ):
        assert response.status_code >= 400
        _common(response)
        assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_carry_the_headers(site: Site, path: str) -> None:
    response = site.client().get(path)
    assert response.status_code == 200
    _common(response)


def test_hsts_in_production(site: Site, tmp_path: Path) -> None:
    from clemency.crypto import keys as crypto_keys

    key_file = tmp_path / "clemency.keys"  # production refuses to start without keys
    crypto_keys.write(crypto_keys.generate(), key_file)
    settings = Settings(
        environment="production",
        key_file=key_file,
        secret_key="p" * 48,
        database_url=site.settings.database_url,
        data_dir=tmp_path / "data",
    )
    app = create_app(settings)
    try:
        client = TestClient(app, base_url="https://testserver")
        for path in ("/login", "/api/v1/docs", "/healthz"):
            response = client.get(path)
            hsts = response.headers["strict-transport-security"]
            assert "max-age=31536000" in hsts
            assert "includeSubDomains" in hsts
            _common(response)
    finally:
        app.state.engine.dispose()


def test_static_files_are_cacheable_but_still_nosniff(site: Site) -> None:
    from clemency.web.templating import STATIC_DIR

    name = next(p.name for p in Path(STATIC_DIR).iterdir() if p.suffix == ".css")
    response = site.client().get(f"/static/{name}")
    assert response.status_code == 200
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"].startswith("public")
