"""Lifecycle rows are written when petitions are (any way they are created), and migration
``reliability`` backfills the petitions created before, so no page has to write them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlalchemy as sa

from clemency.db.migrate import upgrade
from clemency.petitions import lifecycle

from .web import seed


def _counts(url: str) -> tuple[int, int, list[tuple[str, str]]]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        petitions = connection.execute(sa.text("SELECT count(*) FROM petitions")).scalar_one()
        stages = connection.execute(sa.text("SELECT count(*) FROM petition_stages")).scalar_one()
        pairs = connection.execute(
            sa.text(
                "SELECT p.status, s.stage FROM petitions p "
                "JOIN petition_stages s ON s.petition_id = p.id ORDER BY p.id"
            )
        ).all()
    engine.dispose()
    return petitions, stages, [tuple(p) for p in pairs]  # type: ignore[misc]


def test_every_seeded_petition_has_its_row_from_the_start(database_url: str) -> None:
    """The demo seeds petitions through the case parts, not the petition service."""
    seed(database_url, count=30)
    petitions, stages, pairs = _counts(database_url)
    assert petitions > 0
    assert stages == petitions
    states = lifecycle.load("us-federal").spec.states
    initial = lifecycle.load("us-federal").spec.initial
    assert all(stage == (status if status in states else initial) for status, stage in pairs)


def test_the_migration_backfills_petitions_that_have_no_row(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    url = f"sqlite:///{path}"
    upgrade(url, "0003")
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(
            "INSERT INTO organizations (id, slug, name, version, created_at, updated_at) "
            "VALUES (1, 'o', 'O', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        )
        connection.execute(
            "INSERT INTO people (id, given_name, family_name, version, created_at, updated_at) "
            "VALUES (1, 'A', 'Person', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        )
        connection.execute(
            "INSERT INTO cases (id, organization_id, person_id, reference, jurisdiction, stage,"
            " is_synthetic, version, created_at, updated_at) VALUES (1, 1, 1, 'R-1',"
            " 'us-federal', 'intake', 0, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        )
        for pid, status in ((1, "submitted"), (2, "draft"), (3, "granted")):
            connection.execute(
                "INSERT INTO petitions (id, case_id, jurisdiction, kind, status, filed_on,"
                " version, created_at, updated_at) VALUES (?, 1, 'us-federal', 'pardon', ?,"
                " '2024-01-02', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
                (pid, status),
            )
    connection.close()
    upgrade(url)
    petitions, stages, pairs = _counts(url)
    assert (petitions, stages) == (3, 3)
    states = lifecycle.load("us-federal").spec.states
    expected = [
        (s, s if s in states else lifecycle.load("us-federal").spec.initial)
        for s in ("submitted", "draft", "granted")
    ]
    assert pairs == expected
