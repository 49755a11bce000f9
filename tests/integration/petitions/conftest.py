"""Fixtures for the petitions integration tests: a real database (SQLite and PostgreSQL),
the schema from the models (the lead generates migrations after merging), an organization
with an attorney, settings whose data folder is a temporary directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from clemency.config import Settings


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    import clemency.db.models
    import clemency.documents.models
    import clemency.petitions.models  # noqa: F401
    from clemency.db.base import Base
    from clemency.db.session import make_engine

    eng = make_engine(database_url)
    Base.metadata.create_all(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    from clemency.audit import service as audit
    from clemency.db.session import session_factory

    s = session_factory(engine)()
    audit.set_origin(session=s, source="test")
    try:
        yield s
    finally:
        s.rollback()
        s.close()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        data_dir=tmp_path / "data",
        max_upload_bytes=300_000,
    )


@pytest.fixture
def org_and_attorney(session: Session) -> tuple[object, object]:
    from clemency.testing.factories import make_organization, make_user

    org = make_organization(session, "example-clinic")
    return org, make_user(session, org, "attorney")
