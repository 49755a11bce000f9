"""A running web application over a real database with two organizations, a user per role in
each, and cases: ``a_assigned`` (the volunteer of ``a`` is on it), ``a_other``, ``b_case``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from clemency.accounts.passwords import hash_password
from clemency.config import Settings
from clemency.db.session import make_engine, unit_of_work
from clemency.testing import factories
from clemency.web.app import create_app
from tests.conftest import fill_from_template

PASSWORD = "correct horse battery staple"
_HASH = hash_password(PASSWORD)


def create_schema(url: str) -> Engine:
    """Every table (store, audit, accounts, web sessions, search, reviews) on a fresh database."""
    import clemency.accounts.auth_models
    import clemency.db.models
    import clemency.reviews.models
    import clemency.search.models  # noqa: F401
    from clemency.db.base import Base

    engine = make_engine(url)
    Base.metadata.create_all(engine)
    if engine.dialect.name == "postgresql":
        # The job queue's own schema, as migration ``ops_jobs_mail`` creates it: on PostgreSQL a
        # route that queues a job (a packet, a large roster) defers it through procrastinate.
        from procrastinate.schema import SchemaManager

        with engine.begin() as connection:
            connection.exec_driver_sql(SchemaManager.get_schema().replace("%", "%%"))
    return engine


@dataclass
class Site:
    app: object
    engine: Engine
    settings: Settings
    users: dict[tuple[str, str], tuple[int, str]]  # (org, role) -> (user id, email)
    cases: dict[str, int]
    orgs: dict[str, int]

    def client(
        self, who: tuple[str, str] | None = None, *, base_url: str = "http://testserver"
    ) -> TestClient:
        client = TestClient(self.app, base_url=base_url, follow_redirects=False)  # type: ignore[arg-type]
        if who is not None:
            sign_in(client, self.users[who][1])
        return client


def csrf_of(client: TestClient, path: str = "/login") -> str:
    """The CSRF token of the page's forms; every form on the page must carry the same one."""
    import re

    page = client.get(path)
    tokens = re.findall(r'name="csrf_token" value="([^"]*)"', page.text)
    assert tokens, f"no CSRF token on {path}: {page.status_code}"
    assert len(set(tokens)) == 1, f"forms on {path} carry different tokens: {tokens}"
    assert tokens[0], f"forms on {path} carry an empty token"
    return str(tokens[0])


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> None:
    token = csrf_of(client)
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    )
    assert response.status_code == 303, response.text


_Ids = tuple[dict[tuple[str, str], tuple[int, str]], dict[str, int], dict[str, int]]


def _schema_and_world(url: str) -> _Ids:
    """Every table and the two-organization world, with the test password; the ids in it."""
    engine = create_schema(url)
    try:
        with unit_of_work(engine) as session:
            world = factories.make_world(session)
            for user in world.users.values():
                user.password_hash = _HASH
            session.flush()
            users = {key: (u.id, u.email) for key, u in world.users.items()}
            cases = {key: c.id for key, c in world.cases.items()}
            orgs = {key: o.id for key, o in world.orgs.items()}
    finally:
        engine.dispose()
    return users, cases, orgs


@pytest.fixture
def site(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Site]:
    """The world on a copy of this process's template (building it costs far more than the
    copy: tests/conftest.py ``fill_from_template``)."""
    users, cases, orgs = fill_from_template(database_url, "web-world", _schema_and_world, request)
    engine = make_engine(database_url)
    settings = Settings(environment="test", database_url=database_url, data_dir=tmp_path / "data")
    app = create_app(settings)
    with TestClient(app):  # runs the lifespan once
        pass
    yield Site(app, engine, settings, users, cases, orgs)
    app.state.engine.dispose()
    engine.dispose()


def put_on_every_work_list(
    site: Site,
    case_key: str,
    *,
    task_title: str,
    task_assignee: int | None = None,
    convicted_on: date | None = None,
) -> int:
    """Give a case something on every work list and case page: a primary conviction with a
    120-month sentence, an open task, a support letter requested today (a follow-up deadline)
    and a stored eligible screening (the queue). Returns the case id."""
    from clemency.cases.models import Conviction, Sentence
    from clemency.petitions.models import SupportLetter
    from clemency.reviews.models import CaseScreening
    from clemency.tasks.models import Task

    case_id = site.cases[case_key]
    with unit_of_work(site.engine) as session:
        conviction = Conviction(case_id=case_id, is_primary=True, convicted_on=convicted_on)
        session.add(conviction)
        session.flush()
        session.add(Sentence(case_id=case_id, conviction_id=conviction.id, prison_months=120))
        session.add(
            Task(
                case_id=case_id,
                title=task_title,
                assignee_id=task_assignee,
                created_by_label="test",
            )
        )
        session.add(
            SupportLetter(
                case_id=case_id,
                author_name="Pat Doe",
                status="requested",
                requested_on=date.today(),
            )
        )
        session.add(
            CaseScreening(
                case_id=case_id,
                ruleset_id="us-federal/commutation",
                outcome="eligible",
                as_of=date.today(),
                eligible_on=None,
                determination_json="{}",
            )
        )
    return case_id
