"""Precedents for a stored case and organization statistics, through the store's access rules."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import clemency.grants.models  # noqa: F401 - registers the grants tables on Base
from clemency.accounts.models import User
from clemency.cases.access import Operator
from clemency.cases.demo.alice import ALICE_REFERENCE
from clemency.cases.demo.seed import seed_demo
from clemency.cases.models import Case, Person
from clemency.db.models import Base
from clemency.db.session import make_engine, session_factory
from clemency.errors import CaseNotFound
from clemency.grants import casework, service
from tests.conftest import DOJ_PAGES

OBAMA = DOJ_PAGES / "Barack_Obama_2009-2017.html"
OPERATOR = Operator("cli:test")


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    if not OBAMA.exists():
        pytest.skip(f"shared data not found at {OBAMA}")
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('casework') / 'c.db'}")
    Base.metadata.create_all(engine)
    session = session_factory(engine)()
    seed_demo(session=session, seed=3, count=60, password=None)
    service.import_page(session=session, path=OBAMA)
    session.commit()
    yield session
    session.close()
    engine.dispose()


def _user(session: Session, email: str) -> User:
    return session.scalars(select(User).where(User.email == email)).one()


def _alice(session: Session) -> Case:
    return session.scalars(select(Case).where(Case.reference == ALICE_REFERENCE)).one()


def test_precedents_for_alice_are_drug_grants_with_reasons(session: Session) -> None:
    found = casework.precedents_for_case(
        session=session, user=OPERATOR, case_id=_alice(session).id, as_of=date(2018, 6, 1)
    )
    assert found, "the Obama page has drug grants; some must be found"
    assert [p.score for p in found] == sorted((p.score for p in found), reverse=True)
    for precedent in found:
        assert precedent.category == "drug"
        assert any(reason.factor == "offense_category" for reason in precedent.reasons)


def test_precedents_need_the_case_to_be_visible(session: Session) -> None:
    outsider = _user(session, "admin@pardon-project.example")
    with pytest.raises(CaseNotFound):
        casework.precedents_for_case(
            session=session, user=outsider, case_id=_alice(session).id, as_of=date(2018, 6, 1)
        )


def test_organization_statistics_suppress_small_counts_and_name_nobody(session: Session) -> None:
    admin = _user(session, "admin@justice-clinic.example")
    stats = casework.organization_statistics(
        session=session,
        user=admin,
        organization_id=_alice(session).organization_id,
        as_of=date(2026, 11, 29),
        threshold=5,
    )
    assert stats.cases > 0
    published = [
        cell
        for table in (stats.by_stage_and_jurisdiction, stats.outcomes_by_jurisdiction_and_year)
        for row in table.cells
        for cell in row
    ]
    for cell in published:
        assert cell in ("<5", "x") or int(cell) == 0 or int(cell) >= 5, cell
    names = {p.family_name for p in session.scalars(select(Person)) if p.family_name}
    text = repr(stats)
    assert not any(name in text for name in names if len(name) > 3)


def test_statistics_are_refused_to_non_members(session: Session) -> None:
    from clemency.errors import PermissionDenied

    outsider = _user(session, "admin@pardon-project.example")
    with pytest.raises(PermissionDenied):
        casework.organization_statistics(
            session=session,
            user=outsider,
            organization_id=_alice(session).organization_id,
            as_of=date(2026, 11, 29),
        )
