"""The placeholder demo page lists the cases and marks the synthetic ones."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from clemency.cases.demo.seed import seed_demo
from clemency.config import Settings
from clemency.db.migrate import upgrade
from clemency.db.session import make_engine, unit_of_work
from clemency.web.app import create_app


def test_demo_page_lists_alice_and_marks_synthetic_people(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    upgrade(url)
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        seed_demo(session, seed=1, count=7, password=None)
    engine.dispose()
    client = TestClient(create_app(Settings(database_url=url, environment="development")))
    page = client.get("/")
    assert page.status_code == 200
    assert "Alice Marie Johnson</td>" in page.text  # no "synthetic" mark on her row
    assert page.text.count('<span class="synthetic">synthetic</span>') == 7 + 1  # rows + legend
    production = Settings(database_url=url, environment="production", secret_key="s" * 40)
    assert TestClient(create_app(production)).get("/").status_code == 404
