"""Tasks: created by people (a case's page or the API) and by the system (:func:`refresh`),
completed by people. Every create and complete is audited; access goes through the case.

The system's causes (docs/queues.md):

* ``letter:<id>``: a support letter requested :data:`~clemency.petitions.deadlines.LETTER_FOLLOW_UP_DAYS` days ago or more and
  still not returned;
* ``deadline:<key>:<subject>``: a deadline of the case (petitions.schedule) due within
  :data:`DEADLINE_HORIZON_DAYS` days (the letters' own follow-ups are left to ``letter:``);
* ``petition_unfiled:<id>``: a petition past its draft (and not withdrawn) whose filing date
  is not recorded.

:func:`refresh` is idempotent: a cause that already has a task, open or done, gets no second
one (and the database's unique ``(case_id, cause)`` backs that up). It never runs on a GET; the
``clemency tasks refresh`` command runs it (daily, from cron or a systemd timer).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from clemency.accounts.models import PRIVILEGED_ROLES, Membership, User
from clemency.cases import access, corrections
from clemency.cases import service as case_service
from clemency.cases.access import Actor, Permission
from clemency.cases.models import Case, CaseAssignment
from clemency.errors import BadInput, NotFound
from clemency.petitions import schedule
from clemency.petitions.deadlines import LETTER_FOLLOW_UP_DAYS
from clemency.petitions.models import Petition, SupportLetter
from clemency.tasks.models import TITLE_MAX, Task

DEADLINE_HORIZON_DAYS = 14
SYSTEM_LABEL = "system:tasks"
UNFILED_STATUSES = ("draft", "withdrawn")
"""A petition in these may never have been filed, so a missing filing date is no gap."""


# --------------------------------------------------------------------------- reads


def for_case(*, session: Session, case: Case, include_done: bool = True) -> list[Task]:
    """The tasks of one case (caller has opened the case), open ones first, soonest due first."""
    query = select(Task).where(Task.case_id == case.id)
    if not include_done:
        query = query.where(Task.done_at.is_(None))
    tasks = list(session.scalars(query.order_by(Task.id)))
    return sorted(tasks, key=_order)


def _order(task: Task) -> tuple[bool, date, int]:
    return (task.is_done, task.due_on or date.max, task.id)


@dataclass(frozen=True)
class MyTask:
    task: Task
    case_id: int
    case_reference: str
    # what the stored data of the case needs corrected (cases.corrections): shown flagged
    needs_correction: tuple[str, ...] = ()
    may_complete: bool = True  # a viewer given a task may read it but not mark it done


def for_user(*, session: Session, user: User, limit: int = 10) -> list[MyTask]:
    """The open tasks of ``user``: assigned to them, or unassigned on a case assigned to them;
    only on cases they may still see; soonest due first (at most ``limit``)."""
    assigned_case = exists().where(
        CaseAssignment.case_id == Task.case_id, CaseAssignment.user_id == user.id
    )
    rows = session.execute(
        select(Task, Case.reference)
        .join(Case, Case.id == Task.case_id)
        .where(
            Task.done_at.is_(None),
            or_(Task.assignee_id == user.id, and_(Task.assignee_id.is_(None), assigned_case)),
            access.visible_cases_clause(session=session, actor=user),
        )
        .order_by(Task.due_on.is_(None), Task.due_on, Task.id)
        .limit(limit)
    ).all()
    case_ids = sorted({t.case_id for t, _ in rows})
    flagged = corrections.needs_correction(session=session, case_ids=case_ids)
    writable = {
        case.id
        for case in session.scalars(select(Case).where(Case.id.in_(case_ids)))
        if Permission.WRITE in access.permissions(session=session, actor=user, case=case)
    }
    return [
        MyTask(
            task,
            task.case_id,
            str(reference),
            flagged.get(task.case_id, ()),
            may_complete=task.case_id in writable,
        )
        for task, reference in rows
    ]


def unclaimed_for(*, session: Session, user: User, limit: int = 50) -> tuple[list[MyTask], int]:
    """Open tasks nobody will see on their own list: unassigned, on a case assigned to nobody,
    in an organization where ``user`` gives out work (admin or attorney). Returns the first
    ``limit`` (soonest due first) and how many there are."""
    organizations = select(Membership.organization_id).where(
        Membership.user_id == user.id, Membership.role.in_(sorted(PRIVILEGED_ROLES))
    )
    anyone_assigned = exists().where(CaseAssignment.case_id == Task.case_id)
    where = (
        Task.done_at.is_(None),
        Task.assignee_id.is_(None),
        ~anyone_assigned,
        Case.organization_id.in_(organizations),
        access.visible_cases_clause(session=session, actor=user),
    )
    total = session.scalar(
        select(func.count()).select_from(Task).join(Case, Case.id == Task.case_id).where(*where)
    )
    rows = session.execute(
        select(Task, Case.reference)
        .join(Case, Case.id == Task.case_id)
        .where(*where)
        .order_by(Task.due_on.is_(None), Task.due_on, Task.id)
        .limit(limit)
    ).all()
    flagged = corrections.needs_correction(
        session=session, case_ids=sorted({t.case_id for t, _ in rows})
    )
    return [
        MyTask(task, task.case_id, str(reference), flagged.get(task.case_id, ()))
        for task, reference in rows
    ], int(total or 0)


def assignable_users(*, session: Session, case: Case) -> list[tuple[int, str]]:
    """Who may be given a task on the case: active members who may open it (id, name)."""
    members = session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organization_id == case.organization_id, User.is_active.is_(True))
        .order_by(User.display_name, User.id)
    )
    return [
        (u.id, u.display_name)
        for u in members
        if access.can_see(session=session, actor=u, case=case)
    ]


def names_of(*, session: Session, user_ids: Sequence[int | None]) -> dict[int, str]:
    """Display names of the given users (for showing assignees)."""
    wanted_ids = sorted({i for i in user_ids if i is not None})
    if not wanted_ids:
        return {}
    rows = session.execute(select(User.id, User.display_name).where(User.id.in_(wanted_ids)))
    return {int(i): str(name) for i, name in rows}


# --------------------------------------------------------------------------- changes


def _clean_title(title: str) -> str:
    cleaned = " ".join(title.split())
    if not cleaned:
        raise BadInput("A task needs a title: say what is to be done.", field="title")
    if len(cleaned) > TITLE_MAX:
        raise BadInput(
            f"The title is {len(cleaned)} characters long; at most {TITLE_MAX} are allowed.",
            field="title",
        )
    return cleaned


def _check_assignee(session: Session, case: Case, assignee_id: int | None) -> None:
    if assignee_id is None:
        return
    assignee = session.get(User, assignee_id)
    if assignee is None or not access.can_see(session=session, actor=assignee, case=case):
        raise BadInput(
            f"User {assignee_id} cannot be given this task: they may not open case {case.id}. "
            "Choose a member of the organization who works on the case.",
            field="assignee_id",
        )


def create(
    *,
    session: Session,
    user: Actor,
    case_id: int,
    title: str,
    due_on: date | None = None,
    assignee_id: int | None = None,
) -> Task:
    """A task written by a person on a case they may change."""
    case = case_service.get_for_user(
        session=session, user=user, case_id=case_id, need=Permission.WRITE, audit_read=False
    )
    cleaned = _clean_title(title)
    _check_assignee(session, case, assignee_id)
    task = Task(
        case_id=case.id,
        title=cleaned,
        due_on=due_on,
        assignee_id=assignee_id,
        created_by_id=access.actor_id(user),
        created_by_label=access.actor_label(user),
    )
    session.add(task)
    session.flush()
    case_service.audit_change(
        session=session,
        actor=user,
        case=case,
        action="create",
        entity_type="task",
        entity_id=task.id,
        changed=["title", "due_on", "assignee_id"],
        system_label=SYSTEM_LABEL,
    )
    return task


def _task_of(session: Session, case: Case, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None or task.case_id != case.id:
        raise NotFound(f"No task {task_id} on case {case.id}.", task_id=task_id)
    return task


def complete(*, session: Session, user: Actor, case_id: int, task_id: int, now: datetime) -> Task:
    """Mark a task done (done again is a no-op: no second audit row)."""
    case = case_service.get_for_user(
        session=session, user=user, case_id=case_id, need=Permission.WRITE, audit_read=False
    )
    task = _task_of(session, case, task_id)
    if task.done_at is not None:
        return task
    task.done_at = now
    task.done_by_id = access.actor_id(user)
    task.done_by_label = access.actor_label(user)
    session.flush()
    case_service.audit_change(
        session=session,
        actor=user,
        case=case,
        action="update",
        entity_type="task",
        entity_id=task.id,
        changed=["done_at"],
        detail="completed",
        system_label=SYSTEM_LABEL,
    )
    return task


# --------------------------------------------------------------------------- the generator


@dataclass(frozen=True)
class Wanted:
    """A task the system would create: its cause and what it says."""

    case_id: int
    cause: str
    title: str
    due_on: date | None


@dataclass
class RefreshReport:
    created: int = 0
    already: int = 0
    by_cause: dict[str, int] = field(default_factory=dict)


def _letter_causes(session: Session, case_ids: Sequence[int] | None, as_of: date) -> list[Wanted]:
    cutoff = as_of - timedelta(days=LETTER_FOLLOW_UP_DAYS)
    query = select(SupportLetter).where(
        SupportLetter.status == "requested",
        SupportLetter.requested_on.is_not(None),
        SupportLetter.requested_on <= cutoff,
    )
    if case_ids is not None:
        query = query.where(SupportLetter.case_id.in_(case_ids))
    return [
        Wanted(
            letter.case_id,
            f"letter:{letter.id}",
            _clip(
                f"Follow up: the letter from {letter.author_name}, requested on "
                f"{letter.requested_on:%d %B %Y}, has not come back"
            ),
            letter.requested_on + timedelta(days=LETTER_FOLLOW_UP_DAYS)
            if letter.requested_on
            else None,
        )
        for letter in session.scalars(query.order_by(SupportLetter.id))
    ]


def _petition_causes(session: Session, case_ids: Sequence[int] | None) -> list[Wanted]:
    query = select(Petition).where(
        Petition.filed_on.is_(None), Petition.status.not_in(UNFILED_STATUSES)
    )
    if case_ids is not None:
        query = query.where(Petition.case_id.in_(case_ids))
    return [
        Wanted(
            petition.case_id,
            f"petition_unfiled:{petition.id}",
            f"Record the filing date of the {petition.kind} petition "
            f"(status {petition.status.replace('_', ' ')}, no filing date)",
            None,
        )
        for petition in session.scalars(query.order_by(Petition.id))
    ]


def _deadline_causes(session: Session, case_ids: Sequence[int] | None, as_of: date) -> list[Wanted]:
    # Only cases that can have a deadline: a petition, or a fact-derived opening date needs
    # the case's facts, so every case is considered (the command runs in the background).
    query = select(Case).order_by(Case.id)
    if case_ids is not None:
        query = query.where(Case.id.in_(case_ids))
    horizon = as_of + timedelta(days=DEADLINE_HORIZON_DAYS)
    out = []
    for case in session.scalars(query):
        for deadline in schedule.for_case(session=session, case=case):
            if deadline.key.startswith("letters."):
                continue  # a letter not returned is its own cause
            if not as_of <= deadline.due_on <= horizon:
                continue
            subject = f":{deadline.subject_ref}" if deadline.subject_ref else ""
            out.append(
                Wanted(
                    case.id,
                    _clip(f"deadline:{deadline.key}{subject}:{deadline.due_on.isoformat()}", 128),
                    _clip(f"Deadline approaching: {deadline.title}"),
                    deadline.due_on,
                )
            )
    return out


def _clip(text: str, length: int = TITLE_MAX) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def wanted(*, session: Session, as_of: date, case_ids: Sequence[int] | None = None) -> list[Wanted]:
    """Every task the system's causes call for on ``as_of`` (existing ones included)."""
    return [
        *_letter_causes(session, case_ids, as_of),
        *_deadline_causes(session, case_ids, as_of),
        *_petition_causes(session, case_ids),
    ]


def _default_assignee(session: Session, case_id: int) -> int | None:
    """The first person assigned to the case, if any (others see it on the case page)."""
    return session.scalar(
        select(CaseAssignment.user_id)
        .where(CaseAssignment.case_id == case_id)
        .order_by(CaseAssignment.id)
        .limit(1)
    )


def refresh(
    *, session: Session, as_of: date, case_ids: Sequence[int] | None = None
) -> RefreshReport:
    """Create the system's tasks that do not exist yet (idempotent; audited as ``system:tasks``).

    A cause that has a task already, open or done, is left alone: a task someone completed is
    not brought back. Flushes; the caller's unit of work commits."""
    report = RefreshReport()
    wishes = wanted(session=session, as_of=as_of, case_ids=case_ids)
    if not wishes:
        return report
    existing = {
        (int(case_id), str(cause))
        for case_id, cause in session.execute(
            select(Task.case_id, Task.cause).where(
                Task.cause.in_(sorted({w.cause for w in wishes}))
            )
        )
    }
    for wish in wishes:
        kind = wish.cause.split(":", 1)[0]
        if (wish.case_id, wish.cause) in existing:
            report.already += 1
            continue
        existing.add((wish.case_id, wish.cause))
        case = session.get(Case, wish.case_id)
        if case is None:
            continue
        task = Task(
            case_id=case.id,
            title=wish.title,
            due_on=wish.due_on,
            assignee_id=_default_assignee(session, case.id),
            cause=wish.cause,
            created_by_label=SYSTEM_LABEL,
        )
        session.add(task)
        session.flush()
        case_service.audit_change(
            session=session,
            actor=None,
            case=case,
            action="create",
            entity_type="task",
            entity_id=task.id,
            changed=["title", "due_on"],
            detail=f"cause {kind}",
            system_label=SYSTEM_LABEL,
        )
        report.created += 1
        report.by_cause[kind] = report.by_cause.get(kind, 0) + 1
    return report
