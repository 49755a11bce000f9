"""Store fixtures: a migrated database on each backend, sessions, and a two-org world.

Migrating takes a second or two, so each backend is migrated once per test process into a
template (tests/conftest.py ``fill_from_template``) and every test gets a fresh copy.
The template itself is made by the real migrations, so every store test still runs on the
migrated schema (test_migrations.py checks it equals the models).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from clemency.accounts.models import Organization, User
from clemency.audit import service as audit
from clemency.cases.models import Case
from clemency.db.migrate import upgrade
from clemency.db.session import make_engine, session_factory
from clemency.testing.factories import World, make_world
from tests.conftest import fill_from_template

_WorldIds = dict[str, dict[Any, int]]
_WORLD_IDS = pytest.StashKey[_WorldIds]()


def _migrated_world(url: str) -> _WorldIds:
    """The migrated schema with the two-organization world in it; the ids of its rows."""
    upgrade(url)
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            audit.set_origin(session=session, source="test")
            built = make_world(session)
            session.commit()
            return {
                "orgs": {key: org.id for key, org in built.orgs.items()},
                "users": {key: user.id for key, user in built.users.items()},
                "cases": {key: case.id for key, case in built.cases.items()},
            }
    finally:
        engine.dispose()


@pytest.fixture
def engine(database_url: str, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A database migrated to head (a copy of the once-migrated template); with the world in
    it when the test asks for ``world`` (a copy of a template holding it: building the world
    through the services costs more than the copy)."""
    if "world" in request.fixturenames:
        request.node.stash[_WORLD_IDS] = fill_from_template(
            database_url, "migrated-world", _migrated_world, request
        )
    else:
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
def world(session: Session, request: pytest.FixtureRequest) -> World:
    """Orgs ``a`` and ``b``, a user per role in each, and three cases (``make_world``), read
    from the copy the ``engine`` fixture made."""
    ids = request.node.stash[_WORLD_IDS]
    built = World(
        orgs={key: session.get_one(Organization, id_) for key, id_ in ids["orgs"].items()},
        users={key: session.get_one(User, id_) for key, id_ in ids["users"].items()},
        cases={key: session.get_one(Case, id_) for key, id_ in ids["cases"].items()},
    )
    session.commit()  # the test starts outside a transaction, as after building the world
    return built
