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
        session.commit()  # reads are chained when the unit of work commits
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
    audit.set_origin(session=session, source=source, request_id="req-1")
    cases.get_for_user(
        session=session, user=world.users[("a", "viewer")], case_id=world.cases["a_other"].id
    )
    session.commit()
    row = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    assert (row.source, row.request_id, row.action) == (source, "req-1", "read")


def test_concurrent_writers_never_fork_the_chain(engine: Engine, world: World) -> None:
    """Two workers reading cases at the same time: every row chains to the one before it."""
    import threading

    from clemency.accounts.models import User
    from clemency.db.session import session_factory

    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def work(user_id: int, case_id: int) -> None:
        try:
            barrier.wait()
            for _ in range(15):
                with session_factory(engine)() as session:
                    audit.set_origin(session=session, source="thread")
                    user = session.get(User, user_id)
                    assert user is not None
                    cases.get_for_user(session=session, user=user, case_id=case_id)
                    session.commit()
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [
        threading.Thread(target=work, args=(world.users[(org, "admin")].id, world.cases[name].id))
        for org, name in (("a", "a_other"), ("b", "b_case"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with session_factory(engine)() as session:
        report = audit.verify_chain(session=session)
        reads = session.scalars(select(AuditEvent.id).where(AuditEvent.source == "thread")).all()
    assert report.ok, report
    assert len(reads) == 30


def test_a_refused_access_is_audited_even_though_the_request_rolls_back(
    engine: Engine, world: World
) -> None:
    from clemency.accounts.models import User
    from clemency.db.session import session_factory
    from clemency.errors import CaseNotFound, PermissionDenied

    hidden = world.cases["b_case"].id
    with session_factory(engine)() as request:
        audit.set_origin(session=request, source="198.51.100.7")
        intruder = request.get(User, world.users[("a", "volunteer")].id)
        assert intruder is not None
        with pytest.raises(CaseNotFound):
            cases.get_for_user(session=request, user=intruder, case_id=hidden)
        request.rollback()
        viewer = request.get(User, world.users[("a", "viewer")].id)
        assert viewer is not None
        with pytest.raises(PermissionDenied):
            cases.update_case(
                session=request,
                user=viewer,
                case_id=world.cases["a_other"].id,
                expected_version=1,
                changes={"summary": "x"},
            )
        request.rollback()
    with session_factory(engine)() as check:
        refusals = check.scalars(
            select(AuditEvent).where(AuditEvent.outcome == "failure").order_by(AuditEvent.id)
        ).all()
        assert [(r.action, r.case_id, r.source, r.actor_label) for r in refusals] == [
            ("read", hidden, "198.51.100.7", world.users[("a", "volunteer")].email),
            (
                "update",
                world.cases["a_other"].id,
                "198.51.100.7",
                world.users[("a", "viewer")].email,
            ),
        ]
        assert audit.verify_chain(session=check).ok


def test_a_read_is_chained_at_commit_and_holds_no_lock_before(
    engine: Engine, session: Session, world: World
) -> None:
    """A read waits for the commit: until then another transaction can append to the chain."""
    attorney = world.users[("a", "attorney")]
    case = world.cases["a_other"]
    session.commit()
    before = _last_id(session)
    cases.get_for_user(session=session, user=attorney, case_id=case.id)
    assert [e.action for e in audit.pending_reads(session=session)] == ["read"]
    assert _new_rows(session, before) == []
    with Session(engine) as other:  # would wait on the chain head if the read held it
        audit.record(
            session=other,
            actor_user_id=None,
            actor_label="cli:test",
            action="update",
            entity_type="case",
            entity_id=case.id,
            case_id=case.id,
        )
        other.commit()
    session.commit()
    rows = _new_rows(session, before)
    assert [(r.action, r.actor_label) for r in rows] == [
        ("update", "cli:test"),
        ("read", attorney.email),
    ]
    assert audit.pending_reads(session=session) == []
    assert audit.verify_chain(session=session).ok


def test_a_rolled_back_read_is_dropped_with_its_transaction_or_savepoint(
    session: Session, world: World
) -> None:
    attorney = world.users[("a", "attorney")]
    case = world.cases["a_other"]
    session.commit()
    before = _last_id(session)
    cases.get_for_user(session=session, user=attorney, case_id=case.id)
    session.rollback()
    assert audit.pending_reads(session=session) == []
    # Inside a savepoint: the read of the rolled-back savepoint goes, the others stay.
    cases.get_for_user(session=session, user=attorney, case_id=case.id)
    savepoint = session.begin_nested()
    cases.get_for_user(session=session, user=world.users[("a", "viewer")], case_id=case.id)
    savepoint.rollback()
    with session.begin_nested():
        cases.list_parts(session=session, user=attorney, case_id=case.id, kind="health_notes")
    session.commit()
    rows = _new_rows(session, before)
    assert [(r.actor_label, r.entity_type) for r in rows] == [
        (attorney.email, "case"),
        (attorney.email, "healthnote"),
    ]
    assert audit.verify_chain(session=session).ok


def test_the_same_read_twice_in_one_unit_of_work_is_one_row(session: Session, world: World) -> None:
    attorney = world.users[("a", "attorney")]
    case = world.cases["a_other"]
    session.commit()
    before = _last_id(session)
    cases.get_for_user(session=session, user=attorney, case_id=case.id)
    cases.get_for_user(session=session, user=attorney, case_id=case.id)  # e.g. a part route
    cases.list_parts(session=session, user=attorney, case_id=case.id, kind="notes")
    cases.get_for_user(session=session, user=world.users[("a", "viewer")], case_id=case.id)
    session.commit()
    rows = [(r.actor_label, r.entity_type) for r in _new_rows(session, before)]
    assert rows == [
        (attorney.email, "case"),
        (world.users[("a", "viewer")].email, "case"),
    ]
    cases.get_for_user(session=session, user=attorney, case_id=case.id)
    session.commit()  # a new unit of work reads again
    assert [r.actor_label for r in _new_rows(session, before)][2:] == [attorney.email]
