"""Deadlines from stored cases: per case, per user (every case they may see), per organization,
and the iCalendar document of a user's private feed (its link token: ``accounts.feeds``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from clemency.accounts.models import User
from clemency.cases import access
from clemency.cases import facts as case_facts
from clemency.cases.access import Actor
from clemency.cases.models import Case
from clemency.errors import PermissionDenied
from clemency.petitions import deadlines as dl
from clemency.petitions import letters as letter_service
from clemency.petitions import service as petition_service
from clemency.petitions.ical import calendar
from clemency.petitions.models import Decision


@dataclass(frozen=True)
class CaseDeadline:
    case_id: int
    case_reference: str
    person_name: str
    deadline: dl.Deadline


def inputs_for_case(
    *, session: Session, case: Case, as_of: date | None = None
) -> dl.DeadlineInputs:
    """Facts, petitions (with inferred stage and dates), grants and letter requests of a case.

    ``as_of`` (default: today) is the day the rulesets are evaluated for the pardon date.
    """
    petitions = []
    facts = case_facts.facts_for_case(case)
    notice_fact = facts.get("execution_notice_date")
    decisions = list(session.scalars(select(Decision).where(Decision.case_id == case.id)))
    for p in case.petitions:
        st = petition_service.stage_of(session=session, petition=p)
        decided = [
            d.decided_on for d in decisions if d.petition_id == p.id and d.decided_on is not None
        ]
        petitions.append(
            dl.PetitionSnapshot(
                id=str(p.id),
                jurisdiction=p.jurisdiction,
                kind=p.kind,
                stage=st.stage,
                filed_on=p.filed_on,
                docketed_on=st.docketed_on,
                adverse_recommendation_on=st.adverse_recommendation_on,
                decided_on=max(decided) if decided else None,
                execution_notice_on=st.execution_notice_on
                or (notice_fact if isinstance(notice_fact, date) else None),
                execution_on=st.execution_on,
                hearing_on=st.hearing_on,
            )
        )
    requests = letter_service.requests_of(session=session, case_id=case.id)
    letters = [
        dl.LetterSnapshot(
            id=str(letter.id),
            author=letter.author_name,
            requested_on=letter.requested_on,
            received_on=letter.received_on,
            expires_on=(requests[letter.id].expires_at.date() if letter.id in requests else None),
        )
        for letter in case.support_letters
        if letter.requested_on is not None and letter.status == "requested"
    ]
    grants = [dl.GrantSnapshot(d.kind, d.decided_on) for d in decisions if d.outcome == "granted"]
    return dl.DeadlineInputs(
        case_ref=case.reference,
        facts=facts,
        as_of=as_of or date.today(),
        petitions=petitions,
        letters=letters,
        grants=grants,
    )


def for_case(*, session: Session, case: Case, as_of: date | None = None) -> list[dl.Deadline]:
    """Every deadline of one case (caller has checked access)."""
    return dl.compute(inputs_for_case(session=session, case=case, as_of=as_of))


def _collect(session: Session, cases: list[Case], since: date | None) -> list[CaseDeadline]:
    out = []
    for case in cases:
        for d in for_case(session=session, case=case):
            if since is None or d.due_on >= since:
                out.append(CaseDeadline(case.id, case.reference, case.person.full_name, d))
    return sorted(out, key=lambda x: (x.deadline.due_on, x.case_reference, x.deadline.key))


def for_user(*, session: Session, user: Actor, since: date | None = None) -> list[CaseDeadline]:
    """Deadlines of every case ``user`` may see (the same clause as the case list)."""
    cases = list(
        session.scalars(
            select(Case)
            .where(access.visible_cases_clause(session=session, actor=user))
            .order_by(Case.id)
        )
    )
    return _collect(session, cases, since)


def upcoming(
    *,
    session: Session,
    user: Actor,
    case_ids: Sequence[int],
    today: date,
    horizon_days: int = 60,
    limit: int = 10,
) -> list[CaseDeadline]:
    """The next deadlines of a few cases (the dashboard's): overdue by at most 30 days or due
    within ``horizon_days``, soonest first; cases the user may not see are left out."""
    if not case_ids:
        return []
    cases = list(
        session.scalars(
            select(Case)
            .where(
                Case.id.in_(sorted(set(case_ids))),
                access.visible_cases_clause(session=session, actor=user),
            )
            .order_by(Case.id)
        )
    )
    rows = _collect(session, cases, today - timedelta(days=30))
    return [r for r in rows if r.deadline.due_on <= today + timedelta(days=horizon_days)][:limit]


def for_organization(
    *, session: Session, user: Actor, organization_id: int, since: date | None = None
) -> list[CaseDeadline]:
    """Deadlines of every case of an organization, for its admins and attorneys."""
    if isinstance(user, User):
        role = access.role_in(session=session, user=user, organization_id=organization_id)
        if role not in ("admin", "attorney"):
            raise PermissionDenied("Only admins and attorneys see the organization's deadlines.")
    visible = session.scalars(
        select(Case)
        .where(
            Case.organization_id == organization_id,
            access.visible_cases_clause(session=session, actor=user),
        )
        .order_by(Case.id)
    )
    return _collect(session, list(visible), since)


CASES_PER_PAGE = 50


@dataclass(frozen=True)
class DeadlinePage:
    """The deadlines of one page of cases (``per_page`` cases in id order), soonest first."""

    rows: list[CaseDeadline]
    page: int
    per_page: int
    has_next: bool


def page_for_user(
    *,
    session: Session,
    user: Actor,
    page: int = 1,
    per_page: int = CASES_PER_PAGE,
    organization_id: int | None = None,
) -> DeadlinePage:
    """Deadlines of one page of the cases ``user`` may see (of one organization, for its admins
    and attorneys): the work grows with the page, never with the organization (issue 13)."""
    from sqlalchemy.orm import selectinload

    page = max(1, page)
    clause = access.visible_cases_clause(session=session, actor=user)
    query = select(Case).where(clause)
    if organization_id is not None:
        if isinstance(user, User):
            role = access.role_in(session=session, user=user, organization_id=organization_id)
            if role not in ("admin", "attorney"):
                raise PermissionDenied(
                    "Only admins and attorneys see the organization's deadlines."
                )
        query = query.where(Case.organization_id == organization_id)
    cases = list(
        session.scalars(
            query.options(
                # Everything the deadlines of a case read, in one query per relationship for
                # the whole page instead of several per case.
                *(
                    selectinload(relation)
                    for relation in (
                        Case.person,
                        Case.petitions,
                        Case.support_letters,
                        Case.convictions,
                        Case.counts,
                        Case.sentences,
                        Case.custody,
                        Case.conduct_incidents,
                        Case.asserted_facts,
                    )
                )
            )
            .order_by(Case.id)
            .offset((page - 1) * per_page)
            .limit(per_page + 1)
        )
    )
    has_next = len(cases) > per_page
    return DeadlinePage(_collect(session, cases[:per_page], None), page, per_page, has_next)


def ical_for_user(*, session: Session, user: User, now: datetime) -> str:
    """The user's deadlines from 90 days ago on, as an iCalendar document."""

    items = for_user(session=session, user=user, since=now.date() - timedelta(days=90))
    deadlines = [
        dl.Deadline(**{**x.deadline.__dict__, "title": f"{x.case_reference}: {x.deadline.title}"})
        for x in items
    ]
    return calendar(deadlines, name=f"Clemency deadlines — {user.display_name}", stamp=now)
