"""Victim records: a restricted part (security.md PR-6), kept like health notes by one rule."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from clemency.audit.models import AuditEvent
from clemency.cases import service as cases
from clemency.cases.access import Permission
from clemency.cases.models import SENSITIVE_PARTS, VictimRecord
from clemency.errors import BadInput, PermissionDenied, StaleWrite
from clemency.testing.factories import World

CANARY = "CANARY-VICTIM-91c2"
FULL = {
    "identity": "named",
    "full_name": f"{CANARY} name",
    "relation_to_offense": "family_member",
    "relation_detail": "mother of the person harmed",
    "contact_details": f"{CANARY} 12 Elm St",
    "wants_notification": "true",
    "notification_channel": "mail",
    "has_bop_notification_request": "false",
    "notified_on": "2024-03-01",
    "notified_by": "Office of the Pardon Attorney",
    "views_on_clemency": "opposes",
    "views_received_on": "2024-04-15",
    "statement": f"{CANARY} statement",
    "outcome_notified_on": None,
    "source": "OPA letter of 2024-03-01",
}


def _add(session: Session, world: World, role: str = "attorney", **values: object) -> VictimRecord:
    part = cases.add_part(
        session=session,
        user=world.users[("a", role)],
        case_id=world.cases["a_assigned"].id,
        kind="victim_records",
        values=values or FULL,
    )
    assert isinstance(part, VictimRecord)
    return part


def test_victim_records_are_a_sensitive_part() -> None:
    assert {"health_notes", "victim_records"} <= SENSITIVE_PARTS


def test_an_attorney_adds_reads_changes_and_deletes_a_victim_record(
    session: Session, world: World
) -> None:
    attorney = world.users[("a", "attorney")]
    case_id = world.cases["a_assigned"].id
    record = _add(session, world)
    assert (record.identity, record.relation_to_offense, record.views_on_clemency) == (
        "named",
        "family_member",
        "opposes",
    )
    assert (record.wants_notification, record.has_bop_notification_request) == (True, False)
    assert record.notified_on == date(2024, 3, 1)
    assert record.version == 1
    listed = cases.list_parts(
        session=session, user=attorney, case_id=case_id, kind="victim_records"
    )
    assert [row.id for row in listed] == [record.id]  # type: ignore[attr-defined]
    got = cases.get_part(
        session=session, user=attorney, case_id=case_id, kind="victim_records", part_id=record.id
    )
    assert got is record
    cases.update_part(
        session=session,
        user=attorney,
        case_id=case_id,
        kind="victim_records",
        part_id=record.id,
        expected_version=1,
        changes={"identity": "withheld", "full_name": None, "outcome_notified_on": "2025-01-10"},
    )
    assert (record.identity, record.full_name, record.version) == ("withheld", None, 2)
    with pytest.raises(StaleWrite):  # someone saved first: the old version is refused
        cases.update_part(
            session=session,
            user=attorney,
            case_id=case_id,
            kind="victim_records",
            part_id=record.id,
            expected_version=1,
            changes={"views_on_clemency": "supports"},
        )
    assert record.views_on_clemency == "opposes"
    cases.delete_part(
        session=session,
        user=attorney,
        case_id=case_id,
        kind="victim_records",
        part_id=record.id,
        expected_version=2,
    )
    assert (
        cases.list_parts(session=session, user=attorney, case_id=case_id, kind="victim_records")
        == []
    )


def test_identity_relation_and_views_must_be_stated_from_the_vocabulary(
    session: Session, world: World
) -> None:
    with pytest.raises(
        BadInput, match=r"Identity is required.*Relation to offense is required.*Views on clemency"
    ):
        _add(session, world, full_name="A")
    with pytest.raises(BadInput, match="choose one of unknown, supports, opposes"):
        _add(
            session,
            world,
            identity="named",
            relation_to_offense="direct_victim",
            views_on_clemency="angry",
        )
    minimal = _add(
        session,
        world,
        identity="unknown",
        relation_to_offense="direct_victim",
        views_on_clemency="unknown",
    )
    assert minimal.full_name is None
    assert minimal.wants_notification is None  # unknown, not "no"


@pytest.mark.parametrize("role", ["volunteer", "viewer"])
def test_roles_without_the_sensitive_grant_can_neither_read_nor_write_them(
    session: Session, world: World, role: str
) -> None:
    user = world.users[("a", role)]
    case_id = world.cases["a_assigned"].id  # the volunteer is assigned: they see the case
    record = _add(session, world)
    with pytest.raises(PermissionDenied):
        cases.list_parts(session=session, user=user, case_id=case_id, kind="victim_records")
    with pytest.raises(PermissionDenied):
        cases.get_part(
            session=session, user=user, case_id=case_id, kind="victim_records", part_id=record.id
        )
    with pytest.raises(PermissionDenied):
        _add(session, world, role)
    with pytest.raises(PermissionDenied):
        cases.update_part(
            session=session,
            user=user,
            case_id=case_id,
            kind="victim_records",
            part_id=record.id,
            expected_version=1,
            changes={"statement": "x"},
        )
    with pytest.raises(PermissionDenied):
        cases.delete_part(
            session=session,
            user=user,
            case_id=case_id,
            kind="victim_records",
            part_id=record.id,
            expected_version=1,
        )
    with pytest.raises(PermissionDenied, match="may not see or change victim records"):
        cases.refuse_sensitive_part(
            session=session,
            user=user,
            case_id=case_id,
            kind="victim_records",
            allowed=frozenset({Permission.READ, Permission.WRITE}),
        )


def test_the_one_rule_names_the_part_and_lets_other_parts_and_granted_roles_pass(
    session: Session, world: World
) -> None:
    volunteer = world.users[("a", "volunteer")]
    case_id = world.cases["a_assigned"].id
    for kind in ("health_notes", "victim_records"):
        with pytest.raises(PermissionDenied, match=kind.replace("_", " ")) as refused:
            cases.refuse_sensitive_part(
                session=session,
                user=volunteer,
                case_id=case_id,
                kind=kind,
                allowed=frozenset({Permission.READ}),
            )
        assert refused.value.fields["kind"] == kind
        cases.refuse_sensitive_part(
            session=session,
            user=volunteer,
            case_id=case_id,
            kind=kind,
            allowed=frozenset({Permission.READ, Permission.SENSITIVE}),
        )
    cases.refuse_sensitive_part(
        session=session,
        user=volunteer,
        case_id=case_id,
        kind="notes",
        allowed=frozenset({Permission.READ}),
    )
    refusals = session.scalars(
        select(AuditEvent.detail).where(
            AuditEvent.outcome == "failure", AuditEvent.actor_user_id == volunteer.id
        )
    ).all()
    assert refusals == [
        "refused (sensitive): role lacks sensitive (health_notes)",
        "refused (sensitive): role lacks sensitive (victim_records)",
    ]


def test_every_read_and_write_is_audited_without_the_content(
    session: Session, world: World
) -> None:
    attorney = world.users[("a", "attorney")]
    case_id = world.cases["a_assigned"].id
    start = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0
    record = _add(session, world)
    cases.list_parts(session=session, user=attorney, case_id=case_id, kind="victim_records")
    cases.get_part(
        session=session, user=attorney, case_id=case_id, kind="victim_records", part_id=record.id
    )
    cases.update_part(
        session=session,
        user=attorney,
        case_id=case_id,
        kind="victim_records",
        part_id=record.id,
        expected_version=1,
        changes={"statement": f"{CANARY} changed"},
    )
    cases.delete_part(
        session=session,
        user=attorney,
        case_id=case_id,
        kind="victim_records",
        part_id=record.id,
        expected_version=2,
    )
    session.commit()
    rows = session.scalars(
        select(AuditEvent).where(AuditEvent.id > start, AuditEvent.entity_type == "victimrecord")
    ).all()
    # Compared as a set: reads may be chained at commit, after the writes of the same unit.
    assert sorted((row.action, row.entity_id or "") for row in rows) == sorted(
        [
            ("create", str(record.id)),
            ("read", ""),  # the list
            ("read", str(record.id)),
            ("update", str(record.id)),
            ("delete", str(record.id)),
        ]
    )
    assert [row.changed_fields for row in rows if row.action == "update"] == ["statement"]
    for row in session.scalars(select(AuditEvent)):
        assert CANARY not in " ".join(str(value) for value in vars(row).values())


def test_deleting_the_case_deletes_its_victim_records(session: Session, world: World) -> None:
    record_id = _add(session, world).id
    case = world.cases["a_assigned"]
    cases.delete_case(
        session=session,
        user=world.users[("a", "admin")],
        case_id=case.id,
        expected_version=case.version,
    )
    session.flush()
    assert session.get(VictimRecord, record_id) is None


def test_victim_names_and_statements_are_not_in_the_search_index(
    session: Session, world: World
) -> None:
    from clemency.search import service as search
    from clemency.search.models import CaseSearchTerm

    case_id = world.cases["a_assigned"].id
    _add(
        session,
        world,
        identity="named",
        full_name="Zebulon Quixotic",
        relation_to_offense="direct_victim",
        views_on_clemency="unknown",
        statement="Wyvernshire",
    )
    search.reindex_all(session=session)  # every case's terms, from its current records
    terms = set(
        session.scalars(select(CaseSearchTerm.term).where(CaseSearchTerm.case_id == case_id))
    )
    assert "test" in terms  # the case is indexed (its person's name), just not its victims
    assert not terms & {"zebulon", "quixotic", "wyvernshire", "canary"}
    for word in ("Zebulon", "Quixotic", "Wyvernshire"):
        assert search.narrowing(session=session, query=word) == ([], None)


def _export_one(session: Session, user: object, reference: str) -> dict[str, object]:
    import io
    import json

    from clemency.cases import transfer

    out = io.StringIO()
    transfer.write_documents(transfer.export_cases(session=session, user=user), out, "json")  # type: ignore[arg-type]
    documents = [json.loads(line) for line in out.getvalue().splitlines()]
    return next(d for d in documents if d["reference"] == reference)


def test_export_carries_victim_records_only_for_the_grant_and_import_needs_it_too(
    session: Session, world: World
) -> None:
    from clemency.cases import transfer
    from clemency.errors import DataImportError

    _add(session, world)
    session.commit()
    reference = world.cases["a_assigned"].reference
    attorney, volunteer = world.users[("a", "attorney")], world.users[("a", "volunteer")]
    full = _export_one(session, attorney, reference)
    assert [v["full_name"] for v in full["victim_records"]] == [f"{CANARY} name"]  # type: ignore[attr-defined]
    assert _export_one(session, volunteer, reference)["victim_records"] == []
    copy = {**full, "reference": "COPY-1", "assignments": []}
    with pytest.raises(DataImportError) as refused:
        transfer.import_cases(session=session, user=volunteer, rows=[(1, copy)])
    assert "victim_records: your role may not add victim records" in refused.value.message
    session.rollback()
    report = transfer.import_cases(session=session, user=attorney, rows=[(1, copy)])
    assert (report.imported, report.problems) == (["COPY-1"], [])
    assert _export_one(session, attorney, "COPY-1")["victim_records"] == full["victim_records"]
