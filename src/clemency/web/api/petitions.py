"""REST: petitions (known status and inferred stage), transitions, deadlines, interview questions.

Only ``{case_id}`` is a path parameter; the petition is named in the body. Errors have the
one shape; an illegal transition is 409 with ``details.reasons`` and ``details.allowed``.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from clemency.petitions import interview as interview_service
from clemency.petitions import schedule
from clemency.petitions import service as petition_service
from clemency.web.api.schemas import ErrorBody, RowIdField
from clemency.web.deps import CurrentCase, SessionDep, WritableCase, now

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (401, 403, 404, 409, 422)
}
router = APIRouter(prefix="/api/v1", tags=["petitions"], responses=ERRORS)


class TransitionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    petition_id: RowIdField
    transition: str = Field(max_length=64)
    on: date
    data: dict[str, str | int] = Field(default_factory=dict)
    source: str = "own_filing"
    source_detail: str | None = Field(default=None, max_length=2000)


def _json(value: Any) -> dict[str, Any]:
    out: dict[str, Any] = asdict(value)
    return out


@router.get("/cases/{case_id}/petitions")
def list_petitions(request: Request, db: SessionDep, case: CurrentCase) -> list[dict[str, Any]]:
    """Every petition with its known status (source, date) and its inferred stage."""
    return [
        _json(v)
        for v in petition_service.petitions_of(session=db, user=request.state.user, case_id=case.id)
    ]


@router.post("/cases/{case_id}/petitions/transitions")
def make_transition(
    request: Request, db: SessionDep, case: WritableCase, body: TransitionRequest
) -> dict[str, Any]:
    """Make a lifecycle transition; 409 with the reasons and the allowed next steps if illegal."""
    view = petition_service.transition(
        session=db,
        user=request.state.user,
        case_id=case.id,
        petition_id=body.petition_id,
        name=body.transition,
        on=body.on,
        data=body.data,
        source=body.source,
        source_detail=body.source_detail,
        settings=request.app.state.settings,
    )
    return _json(view)


@router.get("/cases/{case_id}/deadlines")
def case_deadlines(request: Request, db: SessionDep, case: CurrentCase) -> list[dict[str, Any]]:
    """Deadlines of the case, each with its rule, explanation and status today."""
    today = now(request).date()
    return [
        {**asdict(d), "status": d.status(today)}
        for d in schedule.for_case(session=db, case=case.case)
    ]


@router.get("/cases/{case_id}/interview")
def case_interview(request: Request, db: SessionDep, case: CurrentCase) -> dict[str, Any]:
    """The questions to ask next, most rules settled first."""
    iv = interview_service.interview(
        session=db,
        user=request.state.user,
        case_id=case.id,
        as_of=now(request).date(),
        settings=request.app.state.settings,
    )
    return {
        "case_version": iv.case_version,
        "as_of": iv.as_of,
        "outcomes": {d.ruleset.id: d.outcome for d in iv.determinations},
        "questions": [{**asdict(q), "settles_count": q.weight} for q in iv.questions],
    }
