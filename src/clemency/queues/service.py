"""The screening queue: people eligible now, or within N days ("almost eligible"), who have no
petition, with what staff decided about each.

Read from the stored determinations (``case_screenings``: outcome and ``eligible_on``), never
evaluated on a page view: one indexed query per page, ``LIMIT``/``OFFSET`` bounded. Cases with
no stored determination are screened by :func:`screen_unscreened` (``clemency queues screen``),
in batches, in the background. A determination is as of the day it was made: an ``ineligible``
result whose ``eligible_on`` has since passed is shown as eligible since that day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from clemency.audit import service as audit
from clemency.cases import access, corrections
from clemency.cases import service as case_service
from clemency.cases.access import Actor, Permission
from clemency.cases.models import Case, Person
from clemency.errors import BadInput
from clemency.petitions.models import Petition
from clemency.queues.models import DISMISS_REASONS, NOTE_MAX, QueueDecision
from clemency.reviews import service as reviews
from clemency.reviews.models import CaseScreening

PAGE_SIZE = 50
MAX_WITHIN_DAYS = 3650
VIEWS = ("open", "snoozed", "dismissed")


@dataclass(frozen=True)
class QueueRow:
    case_id: int
    reference: str
    name: str
    register_number: str | None
    eligible_on: date | None  # None: eligible now with no waiting date
    rulesets: tuple[str, ...]
    decision: QueueDecision | None
    # what the stored data of the case needs corrected (cases.corrections): shown flagged
    needs_correction: tuple[str, ...] = ()
    # may the reader dismiss, snooze or restore (change the case)? a viewer may not
    may_decide: bool = True

    def eligible_now(self, today: date) -> bool:
        return self.eligible_on is None or self.eligible_on <= today


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    page_size: int

    @property
    def has_next(self) -> bool:
        return self.page * self.page_size < self.total


def _qualifying(today: date, within_days: int) -> ColumnElement[bool]:
    horizon = today + timedelta(days=within_days)
    return or_(
        CaseScreening.outcome == "eligible",
        and_(CaseScreening.eligible_on.is_not(None), CaseScreening.eligible_on <= horizon),
    )


def _view_clause(view: str, today: date) -> ColumnElement[bool]:
    decided = select(QueueDecision.id).where(QueueDecision.case_id == Case.id)
    active_snooze = decided.where(
        QueueDecision.state == "snoozed", QueueDecision.snoozed_until > today
    )
    dismissed = decided.where(QueueDecision.state == "dismissed")
    if view == "snoozed":
        return exists(active_snooze)
    if view == "dismissed":
        return exists(dismissed)
    return and_(~exists(active_snooze), ~exists(dismissed))


def queue(
    *,
    session: Session,
    user: Actor,
    today: date,
    within_days: int = 90,
    view: str = "open",
    page: int = 1,
    page_size: int = PAGE_SIZE,
    organization_id: int | None = None,
) -> QueuePage:
    """One page of the queue of the cases ``user`` may see. Audited as one read of the list."""
    if not 0 <= within_days <= MAX_WITHIN_DAYS:
        raise BadInput(
            f"'within' must be between 0 and {MAX_WITHIN_DAYS} days, not {within_days}.",
            field="within",
        )
    if view not in VIEWS:
        raise BadInput(f"Unknown queue view {view!r}: use one of {', '.join(VIEWS)}.", field="view")
    page = max(1, page)
    soonest = func.min(
        # An eligible outcome counts from its own as_of day (it has no waiting date).
        func.coalesce(CaseScreening.eligible_on, CaseScreening.as_of)
    )
    base = (
        select(Case.id)
        .join(CaseScreening, CaseScreening.case_id == Case.id)
        .where(
            access.visible_cases_clause(session=session, actor=user),
            _qualifying(today, within_days),
            ~exists().where(Petition.case_id == Case.id),
            _view_clause(view, today),
        )
    )
    if organization_id is not None:
        base = base.where(Case.organization_id == organization_id)
    total = session.scalar(select(func.count()).select_from(base.distinct().subquery())) or 0
    ids_query = (
        base.group_by(Case.id)
        .order_by(soonest, Case.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    ids = [int(i) for i in session.scalars(ids_query)]
    rows = _rows(session, ids, today, within_days, user)
    audit.record(
        session=session,
        actor_user_id=access.actor_id(user),
        actor_label=access.actor_label(user),
        action="read",
        entity_type="screening_queue",
        organization_id=organization_id,
        detail=f"view={view} within={within_days} page={page} rows={len(rows)}",
    )
    return QueuePage(rows=rows, total=int(total), page=page, page_size=page_size)


def _rows(
    session: Session, ids: list[int], today: date, within_days: int, user: Actor
) -> list[QueueRow]:
    if not ids:
        return []
    writable = {
        case.id
        for case in session.scalars(select(Case).where(Case.id.in_(ids)))
        if Permission.WRITE in access.permissions(session=session, actor=user, case=case)
    }
    people = {
        int(case_id): (str(ref), given, middle, family, reg)
        for case_id, ref, given, middle, family, reg in session.execute(
            select(
                Case.id,
                Case.reference,
                Person.given_name,
                Person.middle_name,
                Person.family_name,
                Person.bop_register_number,
            )
            .join(Person, Person.id == Case.person_id)
            .where(Case.id.in_(ids))
        )
    }
    screenings: dict[int, list[CaseScreening]] = {}
    for s in session.scalars(
        select(CaseScreening)
        .where(CaseScreening.case_id.in_(ids), _qualifying(today, within_days))
        .order_by(CaseScreening.ruleset_id)
    ):
        screenings.setdefault(s.case_id, []).append(s)
    decisions = {
        d.case_id: d
        for d in session.scalars(select(QueueDecision).where(QueueDecision.case_id.in_(ids)))
    }
    flagged = corrections.needs_correction(session=session, case_ids=ids)
    out = []
    for case_id in ids:
        ref, given, middle, family, reg = people[case_id]
        found = screenings.get(case_id, [])
        dates = [s.eligible_on for s in found if s.outcome != "eligible" and s.eligible_on]
        now_eligible = any(s.outcome == "eligible" for s in found)
        out.append(
            QueueRow(
                case_id=case_id,
                reference=ref,
                name=" ".join(p for p in (given, middle, family) if p),
                register_number=reg,
                eligible_on=None if now_eligible else (min(dates) if dates else None),
                rulesets=tuple(s.ruleset_id for s in found),
                decision=decisions.get(case_id),
                needs_correction=flagged.get(case_id, ()),
                may_decide=case_id in writable,
            )
        )
    return out


# --------------------------------------------------------------------------- decisions


def _decide(
    session: Session,
    user: Actor,
    case_id: int,
    *,
    state: str,
    reason: str | None,
    snoozed_until: date | None,
    note: str | None,
    now: datetime,
) -> QueueDecision:
    case = case_service.get_for_user(
        session=session, user=user, case_id=case_id, need=Permission.WRITE, audit_read=False
    )
    note = (note or "").strip() or None
    if note is not None and len(note) > NOTE_MAX:
        raise BadInput(
            f"The note is {len(note)} characters long; at most {NOTE_MAX} are allowed.",
            field="note",
        )
    row = session.scalar(select(QueueDecision).where(QueueDecision.case_id == case.id))
    if row is None:
        row = QueueDecision(case_id=case.id, decided_by_label="")
        session.add(row)
    row.state = state
    row.reason = reason
    row.snoozed_until = snoozed_until
    row.note = note
    row.decided_by_id = access.actor_id(user)
    row.decided_by_label = access.actor_label(user)
    row.decided_at = now
    session.flush()
    detail = f"{state}: {reason}" if reason else f"{state} until {snoozed_until}"
    audit.record(
        session=session,
        actor_user_id=access.actor_id(user),
        actor_label=access.actor_label(user),
        action="update",
        entity_type="queue_decision",
        entity_id=row.id,
        organization_id=case.organization_id,
        case_id=case.id,
        changed_fields=["state", "reason", "snoozed_until", "note"],
        detail=detail,
    )
    return row


def dismiss(
    *,
    session: Session,
    user: Actor,
    case_id: int,
    reason: str,
    note: str | None = None,
    now: datetime,
) -> QueueDecision:
    """Take the person off the queue for a coded reason (``other`` needs a note)."""
    if reason not in DISMISS_REASONS:
        raise BadInput(
            f"Choose a reason for dismissing: {', '.join(DISMISS_REASONS)} (not {reason[:40]!r}).",
            field="reason",
        )
    if reason == "other" and not (note or "").strip():
        raise BadInput("Say why in the note when the reason is 'other'.", field="note")
    return _decide(
        session, user, case_id, state="dismissed", reason=reason, snoozed_until=None,
        note=note, now=now,
    )  # fmt: skip


def snooze(
    *,
    session: Session,
    user: Actor,
    case_id: int,
    until: date,
    note: str | None = None,
    now: datetime,
) -> QueueDecision:
    """Hide the person from the queue until ``until`` (a day after today)."""
    today = now.date()
    if until <= today:
        raise BadInput(
            f"Snooze until a day after today ({today.isoformat()}), not {until.isoformat()}.",
            field="until",
        )
    if until > today + timedelta(days=MAX_WITHIN_DAYS):
        raise BadInput("Snooze for at most ten years; dismiss the person instead.", field="until")
    return _decide(
        session, user, case_id, state="snoozed", reason=None, snoozed_until=until,
        note=note, now=now,
    )  # fmt: skip


def restore(*, session: Session, user: Actor, case_id: int) -> None:
    """Put a dismissed or snoozed person back on the queue."""
    case = case_service.get_for_user(
        session=session, user=user, case_id=case_id, need=Permission.WRITE, audit_read=False
    )
    row = session.scalar(select(QueueDecision).where(QueueDecision.case_id == case.id))
    if row is None:
        return
    row_id = row.id
    session.delete(row)
    session.flush()
    audit.record(
        session=session,
        actor_user_id=access.actor_id(user),
        actor_label=access.actor_label(user),
        action="delete",
        entity_type="queue_decision",
        entity_id=row_id,
        organization_id=case.organization_id,
        case_id=case.id,
        detail="restored to the queue",
    )


@dataclass(frozen=True)
class Report:
    dismissed_by_reason: list[tuple[str, str, int]]  # code, words, count
    snoozed: int
    dismissed: int


def report(*, session: Session, user: Actor, today: date) -> Report:
    """How many people are dismissed, by reason, and snoozed, on the cases ``user`` may see."""
    rows = session.execute(
        select(QueueDecision.state, QueueDecision.reason, func.count())
        .join(Case, Case.id == QueueDecision.case_id)
        .where(
            access.visible_cases_clause(session=session, actor=user),
            or_(QueueDecision.state == "dismissed", QueueDecision.snoozed_until > today),
        )
        .group_by(QueueDecision.state, QueueDecision.reason)
    ).all()
    by_reason = {str(reason): int(n) for state, reason, n in rows if state == "dismissed"}
    return Report(
        dismissed_by_reason=[
            (code, words, by_reason.get(code, 0)) for code, words in DISMISS_REASONS.items()
        ],
        snoozed=sum(int(n) for state, _reason, n in rows if state == "snoozed"),
        dismissed=sum(by_reason.values()),
    )


# --------------------------------------------------------------------------- background


def screen_unscreened(
    *,
    session: Session,
    as_of: date,
    after_id: int = 0,
    limit: int = 500,
    extra_paths: Sequence[Path] = (),
) -> tuple[int, int | None]:
    """Screen up to ``limit`` cases (id above ``after_id``) that have no stored determination
    and no petition, with the engine (``reviews.determine`` stores the result). Returns how
    many were looked at and the last id (None when there were none: the caller is done).
    Meant for ``clemency queues screen``, never a page view."""
    ids = list(
        session.scalars(
            select(Case.id)
            .where(
                Case.id > after_id,
                ~exists().where(CaseScreening.case_id == Case.id),
                ~exists().where(Petition.case_id == Case.id),
            )
            .order_by(Case.id)
            .limit(limit)
        )
    )
    for case_id in ids:
        case = session.get(Case, case_id)
        if case is not None:
            reviews.determine(session=session, case=case, as_of=as_of, extra_paths=extra_paths)
    return len(ids), (ids[-1] if ids else None)
