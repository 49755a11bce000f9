"""The access matrix of get_for_user, and lists that agree with it (docs/store.md)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from clemency.accounts.models import ROLES
from clemency.cases import service as cases
from clemency.cases.access import Operator, Permission
from clemency.errors import CaseNotFound, PermissionDenied
from clemency.search import listing
from clemency.testing.factories import World

# (role in org a, case) -> may see it. Org b's users see none of org a's cases and vice versa.
VISIBLE = {
    ("admin", "a_assigned"): True,
    ("admin", "a_other"): True,
    ("attorney", "a_assigned"): True,
    ("attorney", "a_other"): True,
    ("volunteer", "a_assigned"): True,
    ("volunteer", "a_other"): False,
    ("viewer", "a_assigned"): True,
    ("viewer", "a_other"): True,
}
WRITES = {"admin", "attorney", "volunteer"}
SENSITIVE = {"admin", "attorney"}


@pytest.mark.parametrize("role", ROLES)
def test_get_for_user_follows_the_matrix(session: Session, world: World, role: str) -> None:
    user = world.users[("a", role)]
    for case_name in ("a_assigned", "a_other", "b_case"):
        case_id = world.cases[case_name].id
        visible = VISIBLE.get((role, case_name), False)
        if not visible:
            with pytest.raises(CaseNotFound) as hidden:
                cases.get_for_user(session=session, user=user, case_id=case_id)
            # Same message as a case that does not exist at all.
            with pytest.raises(CaseNotFound) as missing:
                cases.get_for_user(session=session, user=user, case_id=case_id + 10_000)
            assert hidden.value.message.replace(str(case_id), "N") == missing.value.message.replace(
                str(case_id + 10_000), "N"
            )
            continue
        assert cases.get_for_user(session=session, user=user, case_id=case_id).id == case_id
        for need, allowed in ((Permission.WRITE, WRITES), (Permission.SENSITIVE, SENSITIVE)):
            if role in allowed:
                cases.get_for_user(session=session, user=user, case_id=case_id, need=need)
            else:
                with pytest.raises(PermissionDenied):
                    cases.get_for_user(session=session, user=user, case_id=case_id, need=need)


@pytest.mark.parametrize("role", ROLES)
def test_lists_show_exactly_the_cases_get_allows(session: Session, world: World, role: str) -> None:
    user = world.users[("a", role)]
    page = listing.list_cases(
        session=session, user=user, filters=listing.CaseFilters(), with_total=True
    )
    expected = {world.cases[name].id for name in ("a_assigned", "a_other") if VISIBLE[(role, name)]}
    assert {row.id for row in page.rows} == expected
    assert page.total == (len(expected) or None)  # no total is counted for an empty page


def test_viewer_cannot_write_and_volunteer_cannot_touch_health_notes(
    session: Session, world: World
) -> None:
    case_id = world.cases["a_assigned"].id
    with pytest.raises(PermissionDenied):
        cases.add_part(
            session=session,
            user=world.users[("a", "viewer")],
            case_id=case_id,
            kind="notes",
            values={"text": "x"},
        )
    with pytest.raises(PermissionDenied):
        cases.add_part(
            session=session,
            user=world.users[("a", "volunteer")],
            case_id=case_id,
            kind="health_notes",
            values={"text": "x"},
        )
    with pytest.raises(PermissionDenied):
        cases.list_parts(
            session=session,
            user=world.users[("a", "volunteer")],
            case_id=case_id,
            kind="health_notes",
        )
    note = cases.add_part(
        session=session,
        user=world.users[("a", "attorney")],
        case_id=case_id,
        kind="health_notes",
        values={"text": "x", "is_critical_illness": False},
    )
    assert note.id is not None


def test_unassigning_takes_effect_at_once_and_inactive_users_see_nothing(
    session: Session, world: World
) -> None:
    volunteer = world.users[("a", "volunteer")]
    case_id = world.cases["a_assigned"].id
    cases.unassign(
        session=session,
        user=world.users[("a", "attorney")],
        case_id=case_id,
        assignee_id=volunteer.id,
    )
    with pytest.raises(CaseNotFound):
        cases.get_for_user(session=session, user=volunteer, case_id=case_id)
    admin = world.users[("a", "admin")]
    admin.is_active = False
    session.flush()
    with pytest.raises(CaseNotFound):
        cases.get_for_user(session=session, user=admin, case_id=case_id)
    assert listing.list_cases(session=session, user=admin, filters=listing.CaseFilters()).rows == []


def test_only_admins_delete_and_a_volunteer_who_opens_a_case_is_assigned(
    session: Session, world: World
) -> None:
    case = world.cases["a_other"]
    with pytest.raises(PermissionDenied):
        cases.delete_case(
            session=session,
            user=world.users[("a", "attorney")],
            case_id=case.id,
            expected_version=case.version,
        )
    volunteer = world.users[("a", "volunteer")]
    opened = cases.create_case(
        session=session,
        user=volunteer,
        organization_id=world.orgs["a"].id,
        reference="V-1",
        person={"given_name": "New", "family_name": "Intake"},
        jurisdiction="us-federal",
    )
    assert cases.get_for_user(session=session, user=volunteer, case_id=opened.id) is opened
    with pytest.raises(PermissionDenied):
        cases.create_case(
            session=session,
            user=world.users[("a", "viewer")],
            organization_id=world.orgs["a"].id,
            reference="V-2",
            person={"given_name": "No", "family_name": "Access"},
            jurisdiction="us-federal",
        )
    cases.delete_case(
        session=session,
        user=world.users[("a", "admin")],
        case_id=case.id,
        expected_version=case.version,
    )
    with pytest.raises(CaseNotFound):
        cases.get_for_user(session=session, user=Operator("cli:test"), case_id=case.id)


def test_roles_are_read_once_per_unit_of_work_and_forgotten_when_they_change(
    session: Session, world: World
) -> None:
    from clemency.accounts import service as accounts
    from clemency.cases import access

    viewer = world.users[("a", "viewer")]
    case = world.cases["a_other"]
    assert access.permissions(session=session, actor=viewer, case=case) == {Permission.READ}
    # A role change in the same unit of work is seen at once (the flush forgets the roles).
    accounts.add_membership(
        session=session, organization=world.orgs["a"], user=viewer, role="attorney"
    )
    assert Permission.SENSITIVE in access.permissions(session=session, actor=viewer, case=case)
    # Rolled back inside a savepoint: the old role again.
    savepoint = session.begin_nested()
    accounts.add_membership(
        session=session, organization=world.orgs["a"], user=viewer, role="viewer"
    )
    assert access.permissions(session=session, actor=viewer, case=case) == {Permission.READ}
    savepoint.rollback()
    assert Permission.SENSITIVE in access.permissions(session=session, actor=viewer, case=case)
    session.rollback()  # and the whole transaction: the role it started with
    assert access.permissions(session=session, actor=viewer, case=case) == {Permission.READ}
