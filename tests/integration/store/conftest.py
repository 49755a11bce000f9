"""Store fixtures: a migrated database on each backend, sessions, and a two-org world.

Migrating takes a second or two, so each backend is migrated once per test session into a
template (a SQLite file, a PostgreSQL template database) and every test gets a fresh copy.
The template itself is made by the real migrations, so every store test still runs on the
migrated schema (test_migrations.py checks it equals the models).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from clemency.audit import service as audit
from clemency.db.migrate import upgrade
from clemency.db.session import make_engine, session_factory
from clemency.testing.factories import World, make_world

_TEMPLATES: dict[str, str] = {}


def _sqlite_copy(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    if "sqlite" not in _TEMPLATES:
        template = tmp_path_factory.mktemp("template") / "migrated.db"
        upgrade(f"sqlite:///{template}")
        _TEMPLATES["sqlite"] = str(template)
    shutil.copyfile(_TEMPLATES["sqlite"], sa.engine.make_url(database_url).database or "")


def _postgres_copy(database_url: str, server_url: str) -> None:
    target = sa.engine.make_url(database_url).database
    template = f"{target}_template"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            if "postgresql" not in _TEMPLATES:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)'))
                connection.execute(sa.text(f'CREATE DATABASE "{template}"'))
                upgrade(
                    sa.engine.make_url(database_url)
                    .set(database=template)
                    .render_as_string(hide_password=False)
                )
                _TEMPLATES["postgresql"] = template
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{target}" TEMPLATE "{template}"'))
    finally:
        admin.dispose()


@pytest.fixture
def engine(
    database_url: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A database migrated to head (a copy of the once-migrated template)."""
    if database_url.startswith("sqlite"):
        _sqlite_copy(database_url, tmp_path_factory)
    else:
        _postgres_copy(database_url, request.getfixturevalue("pg_server_url"))
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
