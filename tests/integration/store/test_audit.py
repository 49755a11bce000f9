"""Every read and write of a case leaves an audit row; the trail is append-only and chained."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from clemency.audit import service as audit
from clemency.audit.models import AuditEvent
from clemency.cases import service as cases
from clemency.testing.factories import World


def _new_rows(session: Session, after: int) -> list[AuditEvent]:
    return list(
        session.scalars(select(AuditEvent).where(AuditEvent.id > after).order_by(AuditEvent.id))
    )


def _last_id(session: Session) -> int:
    return session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0


def test_every_read_and_write_of_a_case_leaves_one_audit_row(
    session: Session, world: World
) -> None:
    attorney = world.users[("a", "attorney")]
    case = world.cases["a_other"]
    steps = [
        (
            "read",
            "case",
            lambda: cases.get_for_user(session=session, user=attorney, case_id=case.id),
        ),
        (
            "update",
            "case",
            lambda: cases.update_case(
                session=session,
                user=attorney,
                case_id=case.id,
                expected_version=case.version,
                changes={"stage": "screening"},
            ),
        ),
        (
            "update",
            "person",
            lambda: cases.update_person(
                session=session,
                user=attorney,
                case_id=case.id,
                expected_version=case.person.version,
                changes={"date_of_birth": "1960-02-29"},
            ),
        ),
        (
            "create",
            "healthnote",
            lambda: cases.add_part(
                session=session,
                user=attorney,
                case_id=case.id,
                kind="health_notes",
                values={"text": "CANARY-diagnosis"},
            ),
        ),
        (
            "read",
            "healthnote",
            lambda: cases.list_parts(
                session=session, user=attorney, case_id=case.id, kind="health_notes"
            ),
        ),
    ]
    for action, entity, step in steps:
        before = _last_id(session)
        step()
        rows = _new_rows(session, before)
        assert [(r.action, r.entity_type) for r in rows if r.action != "read" or action == "read"][
            -1:
        ] == [(action, entity)]
        row = rows[-1]
        assert (row.actor_user_id, row.actor_label) == (attorney.id, attorney.email)
        assert (row.organization_id, row.case_id, row.source) == (
            world.orgs["a"].id,
            case.id,
            "test",
        )
    session.commit()
    person_row = session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "person")).one()
    assert person_row.changed_fields == "date_of_birth"
    # No audit row carries a sensitive value.
    for row in session.scalars(select(AuditEvent)):
        assert "CANARY" not in " ".join(str(v) for v in vars(row).values())


def test_delete_is_audited_and_the_audit_rows_outlive_the_case(
    session: Session, world: World
) -> None:
    case = world.cases["a_other"]
    cases.delete_case(
        session=session,
        user=world.users[("a", "admin")],
        case_id=case.id,
        expected_version=case.version,
    )
    session.commit()
    actions = [e.action for e in audit.events_for_case(session=session, case_id=case.id)]
    assert actions[0] == "create"
    assert actions[-1] == "delete"


def test_the_hash_chain_verifies_and_names_the_first_tampered_row(
    engine: Engine, session: Session, world: World
) -> None:
    for _ in range(3):
        cases.get_for_user(
            session=session, user=world.users[("a", "admin")], case_id=world.cases["a_other"].id
        )
    session.commit()
    report = audit.verify_chain(session=session)
    assert report.ok
    assert report.rows_checked >= 10
    victim = session.scalars(select(AuditEvent).order_by(AuditEvent.id).offset(4).limit(1)).one()
    with engine.begin() as connection:  # a superuser bypassing the append-only trigger
        if engine.dialect.name == "sqlite":
            connection.execute(text("DROP TRIGGER audit_events_no_update"))
        else:
            connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        connection.execute(
            text("UPDATE audit_events SET actor_label = 'someone-else' WHERE id = :id"),
            {"id": victim.id},
        )
    session.expire_all()
    broken = audit.verify_chain(session=session)
    assert (broken.ok, broken.first_broken_id) == (False, victim.id)


def test_the_service_layer_has_no_way_to_change_audit_rows() -> None:
    public = {
        name
        for name, value in vars(audit).items()
        if callable(value) and getattr(value, "__module__", "") == audit.__name__
    }
    assert "record" in public
    assert not {name for name in public if "update" in name or "delete" in name}


@pytest.mark.parametrize("source", ["203.0.113.9", "cli"])
def test_origin_is_recorded(session: Session, world: World, source: str) -> None:
    audit.set_origin(session, source=source, request_id="req-1")
    cases.get_for_user(
        session=session, user=world.users[("a", "viewer")], case_id=world.cases["a_other"].id
    )
    row = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    assert (row.source, row.request_id, row.action) == (source, "req-1", "read")
