"""Apps made in one process share the site's routes but never each other's data.

``create_app`` gives every app the routes of one router built once a process (web/app.py,
``_site``): FastAPI builds a route's handler when an app first matches a request, and building
it again for every app cost about 0.2 s of CPU per app. What must hold: two apps on two
databases each answer from their own database, under their own settings.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from clemency.accounts.models import Organization, User
from clemency.config import Settings
from clemency.db.session import unit_of_work
from clemency.testing import factories
from clemency.web.app import create_app
from tests.conftest import fill_from_template
from tests.integration.web.conftest import Site, _schema_and_world, sign_in


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only: the two databases are files (what is checked does not depend on the
    backend)."""
    return f"sqlite:///{tmp_path / 'first.db'}"


def test_two_apps_share_routes_and_each_answers_from_its_own_database(
    site: Site, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    other_url = f"sqlite:///{tmp_path / 'other.db'}"
    fill_from_template(other_url, "web-world", _schema_and_world, request)
    other_settings = Settings(
        environment="test", database_url=other_url, data_dir=tmp_path / "other-data"
    )
    other_app = create_app(other_settings)
    # the same handlers, built once (an app that rebuilt them would not share these objects)
    shared = [r for r in site.app.router.routes if r in other_app.router.routes]  # type: ignore[attr-defined]
    assert len(shared) >= 20

    admin_id, admin_email = site.users[("a", "admin")]
    with unit_of_work(site.engine) as session:
        admin = session.get(User, admin_id)
        organization = session.get(Organization, site.orgs["a"])
        assert admin is not None
        assert organization is not None
        only_here = factories.make_case(
            session,
            admin,
            organization,
            person={"given_name": "Only", "family_name": "Inthefirst"},
        ).id

    first = TestClient(site.app, follow_redirects=False)  # type: ignore[arg-type]
    second = TestClient(other_app, follow_redirects=False)
    for client in (first, second):
        sign_in(client, admin_email)
    page = first.get(f"/cases/{only_here}")
    assert page.status_code == 200
    assert "Inthefirst" in page.text
    assert second.get(f"/cases/{only_here}").status_code == 404
    assert "Inthefirst" in first.get("/cases").text
    assert "Inthefirst" not in second.get("/cases").text
    assert other_app.state.settings.data_dir == tmp_path / "other-data"
    other_app.state.engine.dispose()
