"""What a signed-in request reads of the accounts: the session, the user's organizations and
roles, once each (web/deps.py ``get_identity`` hands the roles it read to
``cases.access.remember_roles``, so the visibility check does not read them again)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from tests.integration.web.conftest import Site, sign_in


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only: what is counted is the statements the application sends."""
    return f"sqlite:///{tmp_path / 'site.db'}"


@pytest.mark.parametrize("path", ["/cases", "/cases/{case}", "/api/v1/cases"])
def test_a_signed_in_request_reads_the_memberships_once(site: Site, path: str) -> None:
    client = TestClient(site.app, follow_redirects=False)  # type: ignore[arg-type]
    sign_in(client, site.users[("a", "attorney")][1])
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        statements.append(" ".join(statement.split()))

    engine = site.app.state.engine  # type: ignore[attr-defined]
    event.listen(engine, "before_cursor_execute", seen)
    try:
        answer = client.get(path.format(case=site.cases["a_other"]))
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert answer.status_code == 200
    from_memberships = [
        s for s in statements if " FROM memberships" in s or "JOIN memberships" in s
    ]
    assert len(from_memberships) == 1, from_memberships
    assert len([s for s in statements if "FROM web_sessions" in s]) == 1
