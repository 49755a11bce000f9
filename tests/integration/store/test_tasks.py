"""Tasks: written by people on cases they may change, made by the system for letters not
returned in 14 days, deadlines due within 14 days and petitions without a filing date; every
create and complete audited; the generator idempotent."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clemency.audit.models import AuditEvent
from clemency.errors import BadInput, CaseNotFound, NotFound, PermissionDenied
from clemency.petitions.models import Petition, SupportLetter
from clemency.tasks import service as tasks
from clemency.tasks.models import Task
from clemency.testing.factories import World

TODAY = date(2027, 3, 15)
NOW = datetime(2027, 3, 15, 12, 0, tzinfo=UTC)


def _audit_rows(session: Session, case_id: int, action: str) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent).where(
                AuditEvent.case_id == case_id,
                AuditEvent.entity_type == "task",
                AuditEvent.action == action,
            )
        )
    )


def test_an_attorney_adds_a_task_and_it_is_audited(session: Session, world: World) -> None:
    case = world.cases["a_other"]
    attorney = world.users[("a", "attorney")]
    task = tasks.create(
        session=session,
        user=attorney,
        case_id=case.id,
        title="  Call the   case manager ",
        due_on=date(2027, 4, 1),
        assignee_id=world.users[("a", "viewer")].id,
    )
    assert task.title == "Call the case manager"
    assert task.cause is None
    assert task.created_by_label == attorney.email
    rows = _audit_rows(session, case.id, "create")
    assert [(r.actor_label, r.entity_id) for r in rows] == [(attorney.email, str(task.id))]


@pytest.mark.parametrize(
    ("who", "error"),
    [(("a", "viewer"), PermissionDenied), (("b", "admin"), CaseNotFound)],
)
def test_who_may_not_change_the_case_may_not_add_tasks(
    session: Session, world: World, who: tuple[str, str], error: type[Exception]
) -> None:
    with pytest.raises(error):
        tasks.create(
            session=session, user=world.users[who], case_id=world.cases["a_other"].id, title="x"
        )


def test_a_volunteer_adds_tasks_only_on_their_own_case(session: Session, world: World) -> None:
    volunteer = world.users[("a", "volunteer")]
    tasks.create(session=session, user=volunteer, case_id=world.cases["a_assigned"].id, title="x")
    with pytest.raises(CaseNotFound):
        tasks.create(session=session, user=volunteer, case_id=world.cases["a_other"].id, title="x")


@pytest.mark.parametrize(
    ("title", "fragment"), [("   ", "needs a title"), ("x" * 201, "at most 200")]
)
def test_a_bad_title_is_refused_with_its_limit(
    session: Session, world: World, title: str, fragment: str
) -> None:
    with pytest.raises(BadInput, match=fragment) as caught:
        tasks.create(
            session=session,
            user=world.users[("a", "admin")],
            case_id=world.cases["a_other"].id,
            title=title,
        )
    assert caught.value.fields["field"] == "title"


@pytest.mark.parametrize("assignee", [("b", "admin"), ("a", "volunteer")])
def test_a_task_goes_only_to_someone_who_may_open_the_case(
    session: Session, world: World, assignee: tuple[str, str]
) -> None:
    # b's admin is in another organization; a's volunteer is not assigned to a_other.
    with pytest.raises(BadInput, match="may not open case") as caught:
        tasks.create(
            session=session,
            user=world.users[("a", "admin")],
            case_id=world.cases["a_other"].id,
            title="Review",
            assignee_id=world.users[assignee].id,
        )
    assert caught.value.fields["field"] == "assignee_id"


def test_completing_records_who_and_when_once(session: Session, world: World) -> None:
    case = world.cases["a_assigned"]
    task = tasks.create(
        session=session, user=world.users[("a", "admin")], case_id=case.id, title="File it"
    )
    volunteer = world.users[("a", "volunteer")]
    tasks.complete(session=session, user=volunteer, case_id=case.id, task_id=task.id, now=NOW)
    tasks.complete(session=session, user=volunteer, case_id=case.id, task_id=task.id, now=NOW)
    assert task.done_by_label == volunteer.email
    assert task.done_at is not None
    assert task.done_at.date() == TODAY
    assert len(_audit_rows(session, case.id, "update")) == 1


def test_a_task_of_another_case_is_not_found(session: Session, world: World) -> None:
    admin = world.users[("a", "admin")]
    task = tasks.create(
        session=session, user=admin, case_id=world.cases["a_assigned"].id, title="x"
    )
    with pytest.raises(NotFound):
        tasks.complete(
            session=session, user=admin, case_id=world.cases["a_other"].id, task_id=task.id, now=NOW
        )


def _letter(session: Session, case_id: int, requested_on: date, status: str = "requested") -> int:
    letter = SupportLetter(
        case_id=case_id, author_name="Rev. Ada Moss", status=status, requested_on=requested_on
    )
    session.add(letter)
    session.flush()
    return letter.id


def _causes(session: Session) -> set[tuple[int, str]]:
    return {(t.case_id, t.cause or "") for t in session.scalars(select(Task))}


def test_a_letter_not_returned_in_14_days_makes_one_task(session: Session, world: World) -> None:
    case_id = world.cases["a_assigned"].id
    late = _letter(session, case_id, TODAY - timedelta(days=14))
    _letter(session, case_id, TODAY - timedelta(days=13))  # not yet 14 days
    _letter(session, case_id, TODAY - timedelta(days=40), status="received")  # came back
    report = tasks.refresh(session=session, as_of=TODAY)
    assert report.by_cause == {"letter": 1}
    task = session.scalar(select(Task).where(Task.cause == f"letter:{late}"))
    assert task is not None
    assert task.due_on == TODAY
    assert "Rev. Ada Moss" in task.title
    assert "1 March 2027" in task.title
    # The case's volunteer is the first (only) person assigned to it.
    assert task.assignee_id == world.users[("a", "volunteer")].id
    system_rows = [
        r for r in _audit_rows(session, case_id, "create") if r.entity_id == str(task.id)
    ]
    assert [(r.actor_label, r.actor_user_id) for r in system_rows] == [("system:tasks", None)]


def test_refresh_is_idempotent_and_a_done_task_is_not_brought_back(
    session: Session, world: World
) -> None:
    case_id = world.cases["a_other"].id
    _letter(session, case_id, TODAY - timedelta(days=30))
    first = tasks.refresh(session=session, as_of=TODAY)
    second = tasks.refresh(session=session, as_of=TODAY + timedelta(days=1))
    assert (first.created, second.created, second.already) == (1, 0, 1)
    task = session.scalars(select(Task)).one()
    tasks.complete(
        session=session, user=world.users[("a", "admin")], case_id=case_id, task_id=task.id, now=NOW
    )
    assert tasks.refresh(session=session, as_of=TODAY).created == 0
    assert session.scalar(select(func.count()).select_from(Task)) == 1


def test_a_petition_past_draft_without_a_filing_date_makes_a_task(
    session: Session, world: World
) -> None:
    case_id = world.cases["b_case"].id
    filed = Petition(case_id=case_id, jurisdiction="us-federal", kind="pardon", status="submitted")
    draft = Petition(case_id=case_id, jurisdiction="us-federal", kind="commutation", status="draft")
    gone = Petition(case_id=case_id, jurisdiction="us-federal", kind="pardon", status="withdrawn")
    session.add_all([filed, draft, gone])
    session.flush()
    tasks.refresh(session=session, as_of=TODAY)
    assert _causes(session) == {(case_id, f"petition_unfiled:{filed.id}")}


def test_a_deadline_due_within_14_days_makes_a_task(session: Session, world: World) -> None:
    # OPA's case-search page: a petition not docketed eight weeks after submission -> inquire.
    case_id = world.cases["a_other"].id
    soon = Petition(
        case_id=case_id,
        jurisdiction="us-federal",
        kind="pardon",
        status="submitted",
        filed_on=TODAY - timedelta(weeks=8) + timedelta(days=10),
    )
    later = Petition(
        case_id=world.cases["b_case"].id,
        jurisdiction="us-federal",
        kind="pardon",
        status="submitted",
        filed_on=TODAY - timedelta(weeks=8) + timedelta(days=15),
    )
    session.add_all([soon, later])
    session.flush()
    tasks.refresh(session=session, as_of=TODAY)
    made = list(session.scalars(select(Task)))
    assert [(t.case_id, t.due_on) for t in made] == [(case_id, TODAY + timedelta(days=10))]
    assert made[0].title.startswith("Deadline approaching: Not yet docketed")


def test_my_tasks_are_mine_or_unassigned_on_my_cases_and_visible(
    session: Session, world: World
) -> None:
    admin = world.users[("a", "admin")]
    volunteer = world.users[("a", "volunteer")]
    mine = tasks.create(
        session=session, user=admin, case_id=world.cases["a_assigned"].id, title="unassigned"
    )
    tasks.create(
        session=session,
        user=admin,
        case_id=world.cases["a_other"].id,
        title="for the attorney",
        assignee_id=world.users[("a", "attorney")].id,
    )
    assert [row.task.id for row in tasks.for_user(session=session, user=volunteer)] == [mine.id]
    assert tasks.for_user(session=session, user=world.users[("b", "admin")]) == []


def test_a_task_on_a_case_assigned_to_nobody_is_shown_to_who_gives_out_work(
    session: Session, world: World
) -> None:
    """Issue #14: a task on a case nobody is assigned to is on no one's own list; the people
    who give out work in its organization (admin, attorney) see it as unclaimed, others don't."""
    from clemency.cases.models import CaseAssignment

    case = world.cases["a_other"]
    assert session.scalar(select(func.count()).where(CaseAssignment.case_id == case.id)) == 0
    task = tasks.create(
        session=session,
        user=world.users[("a", "attorney")],
        case_id=case.id,
        title="Ask for the presentence report",
        due_on=date(2027, 4, 1),
        assignee_id=None,
    )
    for who in (("a", "admin"), ("a", "attorney")):
        listed, count = tasks.unclaimed_for(session=session, user=world.users[who])
        assert [row.task.id for row in listed] == [task.id], who
        assert count == 1
    for who in (("a", "volunteer"), ("a", "viewer"), ("b", "admin")):
        assert tasks.unclaimed_for(session=session, user=world.users[who]) == ([], 0), who
    session.add(CaseAssignment(case_id=case.id, user_id=world.users[("a", "volunteer")].id))
    session.flush()
    assert tasks.unclaimed_for(session=session, user=world.users[("a", "admin")]) == ([], 0)
    mine = tasks.for_user(session=session, user=world.users[("a", "volunteer")])
    assert task.id in [row.task.id for row in mine]
