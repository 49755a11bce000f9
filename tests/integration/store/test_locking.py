"""Optimistic locking: a write based on an old version is refused, never silently applied."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from clemency.audit import service as audit
from clemency.audit.models import AuditEvent
from clemency.cases import service as cases
from clemency.cases.models import Case, Person
from clemency.db.session import session_factory
from clemency.errors import StaleWrite
from clemency.testing.factories import World


def _open(engine: Engine) -> Session:
    session = session_factory(engine)()
    audit.set_origin(session=session, source="test")
    return session


def test_lost_update_between_two_editors_is_refused(engine: Engine, world: World) -> None:
    case_id = world.cases["a_other"].id
    attorney = world.users[("a", "attorney")].id
    first, second = _open(engine), _open(engine)
    try:
        # Both editors load version 1 of the case.
        user_1 = first.get(type(world.users[("a", "attorney")]), attorney)
        user_2 = second.get(type(world.users[("a", "attorney")]), attorney)
        assert user_1 is not None
        assert user_2 is not None
        seen_1 = cases.get_for_user(session=first, user=user_1, case_id=case_id)
        first.commit()  # each read is its own request (and commits its audit row)
        seen_2 = cases.get_for_user(session=second, user=user_2, case_id=case_id)
        second.commit()
        assert seen_1.version == seen_2.version == 1
        cases.update_case(
            session=first,
            user=user_1,
            case_id=case_id,
            expected_version=1,
            changes={"summary": "first editor"},
        )
        first.commit()
        # The second editor still holds version 1 in memory and saves on top of it.
        with pytest.raises(StaleWrite) as refused:
            cases.update_case(
                session=second,
                user=user_2,
                case_id=case_id,
                expected_version=1,
                changes={"summary": "second editor"},
            )
        second.rollback()
    finally:
        first.close()
        second.close()
    assert refused.value.fields["current_version"] == 2
    assert refused.value.fields["current"]["summary"] == "first editor"
    with _open(engine) as check:
        case = check.get(Case, case_id)
        assert case is not None
        assert (case.summary, case.version) == ("first editor", 2)


def test_stale_expected_version_is_refused_before_anything_changes(
    session: Session, world: World
) -> None:
    admin = world.users[("a", "admin")]
    case = world.cases["a_other"]
    person_version = case.person.version
    cases.update_person(
        session=session,
        user=admin,
        case_id=case.id,
        expected_version=person_version,
        changes={"bop_register_number": "12345-678"},
    )
    session.commit()
    with pytest.raises(StaleWrite) as refused:
        cases.update_person(
            session=session,
            user=admin,
            case_id=case.id,
            expected_version=person_version,
            changes={"given_name": "Overwritten"},
        )
    session.rollback()
    assert refused.value.fields["current_version"] == person_version + 1
    person = session.get(Person, case.person_id)
    assert person is not None
    assert person.given_name == "Test"


def test_update_touches_only_the_fields_it_names_and_no_change_writes_nothing(
    session: Session, world: World
) -> None:
    admin = world.users[("a", "admin")]
    case = world.cases["a_other"]
    cases.update_case(
        session=session,
        user=admin,
        case_id=case.id,
        expected_version=1,
        changes={"summary": "kept", "stage": "screening"},
    )
    session.commit()
    before = session.scalar(select(func.count(AuditEvent.id)))
    cases.update_case(
        session=session,
        user=admin,
        case_id=case.id,
        expected_version=2,
        changes={"stage": "screening"},
    )
    session.commit()
    refreshed = session.get(Case, case.id)
    assert refreshed is not None
    assert (refreshed.summary, refreshed.stage, refreshed.version) == ("kept", "screening", 2)
    # No "update" row claims a change that did not happen.
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.id > before).order_by(AuditEvent.id)
    ).all()
    assert actions == []


def test_stale_part_update_and_delete_are_refused(session: Session, world: World) -> None:
    admin = world.users[("a", "admin")]
    case_id = world.cases["a_other"].id
    note = cases.add_part(
        session=session, user=admin, case_id=case_id, kind="notes", values={"text": "one"}
    )
    session.commit()
    cases.update_part(
        session=session,
        user=admin,
        case_id=case_id,
        kind="notes",
        part_id=note.id,
        expected_version=1,
        changes={"text": "two"},
    )
    session.commit()
    with pytest.raises(StaleWrite):
        cases.update_part(
            session=session,
            user=admin,
            case_id=case_id,
            kind="notes",
            part_id=note.id,
            expected_version=1,
            changes={"text": "three"},
        )
    session.rollback()
    with pytest.raises(StaleWrite):
        cases.delete_part(
            session=session,
            user=admin,
            case_id=case_id,
            kind="notes",
            part_id=note.id,
            expected_version=1,
        )
    session.rollback()
    assert [
        n.text for n in cases.list_parts(session=session, user=admin, case_id=case_id, kind="notes")
    ] == ["two"]
