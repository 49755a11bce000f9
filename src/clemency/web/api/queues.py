"""REST: the screening queue, decisions on it and their report, and a case's activity feed."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import Field

from clemency.queues import service as queues
from clemency.queues.models import DISMISS_REASONS, QueueDecision
from clemency.tasks import activity
from clemency.web.api.cases import ERRORS
from clemency.web.api.schemas import Strict
from clemency.web.deps import CurrentCase, CurrentIdentity, SessionDep, WritableCase, now

router = APIRouter(prefix="/api/v1", tags=["queues"], responses=ERRORS)


class Dismissal(Strict):
    reason: str = Field(max_length=40, description="One of: " + ", ".join(DISMISS_REASONS))
    note: str | None = Field(default=None, max_length=5000)


class Snooze(Strict):
    until: date
    note: str | None = Field(default=None, max_length=5000)


def decision_json(row: QueueDecision | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "state": row.state,
        "reason": row.reason,
        "snoozed_until": row.snoozed_until.isoformat() if row.snoozed_until else None,
        "note": row.note,
        "decided_by": row.decided_by_label,
    }


@router.get("/queues/screening")
def screening_queue(
    request: Request,
    db: SessionDep,
    identity: CurrentIdentity,
    within: Annotated[int, Query(ge=0, le=queues.MAX_WITHIN_DAYS)] = 90,
    view: Annotated[str, Query(max_length=16)] = "open",
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
) -> dict[str, Any]:
    """People eligible now or within ``within`` days with no petition (``view``: open, snoozed,
    dismissed), from stored determinations, 50 a page."""
    result = queues.queue(
        session=db,
        user=identity.user,
        today=now(request).date(),
        within_days=within,
        view=view,
        page=page,
    )
    return {
        "total": result.total,
        "page": result.page,
        "page_size": result.page_size,
        "has_next": result.has_next,
        "people": [
            {
                "case_id": r.case_id,
                "reference": r.reference,
                "name": r.name,
                "bop_register_number": r.register_number,
                "eligible_on": r.eligible_on.isoformat() if r.eligible_on else None,
                "rulesets": list(r.rulesets),
                "decision": decision_json(r.decision),
            }
            for r in result.rows
        ],
    }


@router.get("/queues/screening/report")
def screening_report(request: Request, db: SessionDep, identity: CurrentIdentity) -> dict[str, Any]:
    """Dismissals by reason and running snoozes, on the cases you can see."""
    result = queues.report(session=db, user=identity.user, today=now(request).date())
    return {
        "dismissed": result.dismissed,
        "snoozed": result.snoozed,
        "dismissed_by_reason": {code: n for code, _words, n in result.dismissed_by_reason},
    }


@router.post("/cases/{case_id}/queue/dismiss")
def dismiss(
    case: WritableCase, body: Dismissal, request: Request, db: SessionDep, identity: CurrentIdentity
) -> dict[str, Any]:
    """Dismiss the person from the screening queue with a coded reason."""
    row = queues.dismiss(
        session=db, user=identity.user, case_id=case.id, reason=body.reason, note=body.note,
        now=now(request),
    )  # fmt: skip
    return {"case_id": case.id, "decision": decision_json(row)}


@router.post("/cases/{case_id}/queue/snooze")
def snooze(
    case: WritableCase, body: Snooze, request: Request, db: SessionDep, identity: CurrentIdentity
) -> dict[str, Any]:
    """Snooze the person in the screening queue until a date after today."""
    row = queues.snooze(
        session=db, user=identity.user, case_id=case.id, until=body.until, note=body.note,
        now=now(request),
    )  # fmt: skip
    return {"case_id": case.id, "decision": decision_json(row)}


@router.post("/cases/{case_id}/queue/restore")
def restore(case: WritableCase, db: SessionDep, identity: CurrentIdentity) -> dict[str, Any]:
    """Put the person back on the screening queue."""
    queues.restore(session=db, user=identity.user, case_id=case.id)
    return {"case_id": case.id, "decision": None}


@router.get("/cases/{case_id}/activity")
def case_activity(
    case: CurrentCase,
    db: SessionDep,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> dict[str, Any]:
    """Who changed what on the case, newest first, 50 a page (``before``: the last id seen)."""
    entries = activity.feed(
        session=db, case=case.case, include_sensitive=case.may_see_sensitive, before=before
    )
    return {
        "entries": [
            {
                "id": e.id,
                "occurred_at": e.occurred_at.isoformat(),
                "who": e.who,
                "text": e.sentence,
                "fields": list(e.fields),
            }
            for e in entries
        ]
    }
