"""The demo database, as `clemency demo` builds it, served by the web application."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from clemency.cases.demo.seed import DEMO_PASSWORD, demo_email, seed_demo
from clemency.config import Settings
from clemency.db.migrate import upgrade
from clemency.db.session import make_engine, unit_of_work
from clemency.web.app import create_app


def test_demo_database_is_served_and_searchable(tmp_path: Path) -> None:
    """Migrated and seeded before the web tables exist: the app adds them and indexes the
    cases for search at start."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    upgrade(url)
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        seed_demo(session=session, seed=1, count=7)
    engine.dispose()
    app = create_app(Settings(database_url=url, environment="development", data_dir=tmp_path))
    with TestClient(app, follow_redirects=False) as client:
        assert client.get("/").status_code == 303  # sign in first
        login = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', login)
        assert token is not None
        signed_in = client.post(
            "/login",
            data={
                "email": demo_email("justice-clinic", "attorney"),
                "password": DEMO_PASSWORD,
                "csrf_token": token.group(1),
            },
        )
        assert signed_in.status_code == 303
        found = client.get("/cases", params={"q": "alice johnson"}).text
        assert "Alice Marie Johnson" in found
        assert "1 case found." in found
