"""Store fixtures: a migrated database on each backend, sessions, and a two-org world.

Migrating takes a second or two, so each backend is migrated once per test process into a
template (tests/conftest.py ``fill_from_template``) and every test gets a fresh copy.
The template itself is made by the real migrations, so every store test still runs on the
migrated schema (test_migrations.py checks it equals the models).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from clemency.audit import service as audit
from clemency.db.migrate import upgrade
from clemency.db.session import make_engine, session_factory
from clemency.testing.factories import World, make_world
from tests.conftest import fill_from_template


@pytest.fixture
def engine(database_url: str, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A database migrated to head (a copy of the once-migrated template)."""
    fill_from_template(database_url, "migrated", upgrade, request)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    session = session_factory(engine)()
    audit.set_origin(session=session, source="test")
    yield session
    session.rollback()
    session.close()


@pytest.fixture
def world(session: Session) -> World:
    built = make_world(session)
    session.commit()
    return built
