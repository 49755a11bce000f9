"""Each request looks at the rule files once, and the next request sees an edit.

``RequestContext`` runs every request in one ``registry.snapshot()`` (web/observability.py): the
case page looks the rulesets up several times and pays the file-system calls once. What must
hold: a snapshot lives as long as one request, not as long as the process, so a ruleset folder
added to the configured paths between two requests is listed by the second.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from clemency.web.app import create_app
from tests.integration.web.conftest import Site, sign_in
from tests.rulesets import federal_pardon_as


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only: what is checked is the web layer's handling of rule files."""
    return f"sqlite:///{tmp_path / 'site.db'}"


def test_a_ruleset_added_between_two_requests_is_listed_by_the_second(
    site: Site, tmp_path: Path
) -> None:
    extra = tmp_path / "rulesets"
    extra.mkdir()
    app = create_app(site.settings.model_copy(update={"rulesets_paths": [extra]}))
    with TestClient(app, follow_redirects=False) as client:  # type: ignore[arg-type]
        sign_in(client, site.users[("a", "attorney")][1])
        before = {r["id"] for r in client.get("/api/v1/rulesets").json()["items"]}
        assert "us-zz/pardon" not in before
        federal_pardon_as("us-zz", extra / "us-zz" / "pardon")
        after = {r["id"] for r in client.get("/api/v1/rulesets").json()["items"]}
        assert after == before | {"us-zz/pardon"}
        assert client.get("/api/v1/rulesets/us-zz/pardon").status_code == 200
    app.state.engine.dispose()
