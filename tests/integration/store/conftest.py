"""Store fixtures: a migrated database on each backend, sessions, and a two-org world."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from clemency.audit import service as audit
from clemency.db.migrate import upgrade
from clemency.db.session import make_engine, session_factory
from clemency.testing.factories import World, make_world


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A database migrated to head (so every store test also runs the migrations)."""
    upgrade(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    session = session_factory(engine)()
    audit.set_origin(session, source="test")
    yield session
    session.rollback()
    session.close()


@pytest.fixture
def world(session: Session) -> World:
    built = make_world(session)
    session.commit()
    return built
