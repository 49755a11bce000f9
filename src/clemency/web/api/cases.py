"""REST: cases, the person, facts, determinations and overrides.

Every ``/cases/{case_id}`` route depends on ``CurrentCase`` (the one authorization check); an
invisible case is 404 whether or not it exists. Bodies are JSON, errors are the one shape.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from clemency.cases import facts as case_facts
from clemency.cases import service as case_service
from clemency.cases.serialize import row_to_dict
from clemency.reviews import service as reviews
from clemency.search import listing
from clemency.web.api.schemas import (
    CaseCreate,
    CaseList,
    CaseSummary,
    Changes,
    ErrorBody,
    FactsUpdate,
    OverrideCreate,
)
from clemency.web.deps import (
    CurrentCase,
    CurrentIdentity,
    SessionDep,
    SettingsDep,
    WritableCase,
    now,
)
from clemency.web.forms import case_filters

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (401, 403, 404, 409, 422)
}
router = APIRouter(prefix="/api/v1", tags=["cases"], responses=ERRORS)


def case_json(access: Any, db: SessionDep, request: Request) -> dict[str, Any]:
    case = access.case
    body = row_to_dict(case)
    body["person"] = row_to_dict(case.person)
    body["permissions"] = sorted(str(p) for p in access.permissions)
    return body


@router.get("/cases", response_model=CaseList)
def list_cases(
    db: SessionDep,
    identity: CurrentIdentity,
    q: Annotated[str, Query(max_length=200)] = "",
    stage: Annotated[str, Query(max_length=16)] = "",
    jurisdiction: Annotated[str, Query(max_length=32)] = "",
    assignee: Annotated[str, Query(max_length=12)] = "",
    outcome: Annotated[str, Query(max_length=16)] = "",
    sort: Annotated[str, Query(max_length=16)] = "updated",
    order: Annotated[str, Query(pattern="^(asc|desc)$")] = "desc",
    page: Annotated[int, Query(ge=1, le=listing.MAX_PAGE)] = 1,
) -> CaseList:
    """Cases you may see, searched (names, register numbers, offenses) and filtered."""
    result = listing.list_cases(
        session=db,
        user=identity.user,
        filters=case_filters(q, stage, jurisdiction, assignee, outcome, sort, order, page),
    )
    return CaseList(
        items=[
            CaseSummary(
                id=r.id,
                reference=r.reference,
                name=r.name,
                register_number=r.register_number,
                jurisdiction=r.jurisdiction,
                stage=r.stage,
                updated_at=r.updated_at.isoformat(),
                needs_correction=list(r.needs_correction),
            )
            for r in result.rows
        ],
        page=result.page,
        has_next=result.has_next,
    )


@router.post("/cases", status_code=201)
def create_case(body: CaseCreate, db: SessionDep, identity: CurrentIdentity) -> dict[str, Any]:
    """Open a case with its person (201 with the case). Bad values: 422 ``bad_input`` with
    every problem in ``details.errors`` (``[{field, message}]``). A person matching one of
    another case of the organization: 409 ``conflict`` with ``details.existing_case_id``,
    unless ``confirm_different_person``."""
    case = case_service.create_case(
        session=db,
        user=identity.user,
        organization_id=body.organization_id,
        reference=body.reference,
        jurisdiction=body.jurisdiction,
        stage=body.stage,
        summary=body.summary,
        person=body.person,
        confirm_different_person=body.confirm_different_person,
    )
    out = row_to_dict(case)
    out["person"] = row_to_dict(case.person)
    return out


@router.get("/cases/{case_id}")
def get_case(case: CurrentCase, db: SessionDep, request: Request) -> dict[str, Any]:
    """The case row, its person and what you may do with it."""
    return case_json(case, db, request)


@router.patch("/cases/{case_id}")
def update_case(
    body: Changes, case: WritableCase, db: SessionDep, request: Request
) -> dict[str, Any]:
    """Change case fields (stage, jurisdiction, summary, reference, check dates)."""
    updated = case_service.update_case(
        session=db,
        user=request.state.user,
        case_id=case.id,
        expected_version=body.expected_version,
        changes=body.changes,
    )
    return row_to_dict(updated)


@router.delete("/cases/{case_id}", status_code=204)
def delete_case(
    case: WritableCase, db: SessionDep, request: Request, expected_version: Annotated[int, Query()]
) -> Response:
    """Delete the case and its parts (administrators only); the audit trail stays."""
    case_service.delete_case(
        session=db, user=request.state.user, case_id=case.id, expected_version=expected_version
    )
    return Response(status_code=204)


@router.get("/cases/{case_id}/person")
def get_person(case: CurrentCase) -> dict[str, Any]:
    return row_to_dict(case.case.person)


@router.patch("/cases/{case_id}/person")
def update_person(
    body: Changes, case: WritableCase, db: SessionDep, request: Request
) -> dict[str, Any]:
    person = case_service.update_person(
        session=db,
        user=request.state.user,
        case_id=case.id,
        expected_version=body.expected_version,
        changes=body.changes,
    )
    return row_to_dict(person)


@router.get("/cases/{case_id}/packet-forms")
def packet_forms(case: CurrentCase) -> dict[str, Any]:
    """The petition forms a packet can be generated with for this case: its own
    jurisdiction's only (another jurisdiction's form is refused when generating)."""
    from clemency.documents import forms

    return {
        "case_id": case.id,
        "jurisdiction": case.case.jurisdiction,
        "forms": forms.for_jurisdiction(case.case.jurisdiction),
    }


def _as_of(request: Request, value: date | None) -> date:
    return value or now(request).date()


@router.get("/cases/{case_id}/facts")
def get_facts(case: CurrentCase, request: Request, as_of: date | None = None) -> dict[str, Any]:
    """The case as product.md §5.1 facts (unknown facts are absent); ``version`` is the case's,
    to send back as ``expected_version`` when changing facts."""
    day = _as_of(request, as_of)
    facts = case_facts.facts_to_json(case_facts.facts_for_case(case.case, as_of=day))
    return {
        "case_id": case.id,
        "as_of": day.isoformat(),
        "version": case.case.version,
        "facts": facts,
    }


@router.patch("/cases/{case_id}/facts")
def update_facts(
    body: FactsUpdate, case: WritableCase, db: SessionDep, request: Request
) -> dict[str, Any]:
    """Write facts back to the records they come from (computed facts are refused by name)."""
    facts = case_facts.apply_facts(
        session=db,
        user=request.state.user,
        case_id=case.id,
        expected_version=body.expected_version,
        facts=body.facts,
    )
    return {
        "case_id": case.id,
        "version": case.case.version,
        "facts": case_facts.facts_to_json(facts),
    }


@router.get("/cases/{case_id}/determinations")
def determinations(
    case: CurrentCase,
    db: SessionDep,
    settings: SettingsDep,
    request: Request,
    as_of: date | None = None,
) -> dict[str, Any]:
    """The determination (product.md §5.2) under each ruleset of the case's jurisdiction, with
    the reviewers' overrides recorded on it."""
    day = _as_of(request, as_of)
    screenings = reviews.determine(
        session=db, case=case.case, as_of=day, extra_paths=settings.rulesets_paths
    )
    return {
        "case_id": case.id,
        "as_of": day.isoformat(),
        "determinations": [
            {
                **s.determination,
                "overrides": [
                    {
                        "id": o.id,
                        "outcome": o.outcome,
                        "machine_outcome": o.machine_outcome,
                        "reason": o.reason,
                        "reviewer": o.reviewer_label,
                        "created_at": o.created_at.isoformat(),
                    }
                    for o in s.overrides
                ],
            }
            for s in screenings
        ],
    }


@router.post("/cases/{case_id}/overrides", status_code=201)
def create_override(
    body: OverrideCreate,
    case: WritableCase,
    db: SessionDep,
    settings: SettingsDep,
    request: Request,
) -> dict[str, Any]:
    """Record a reviewer's outcome with a reason; the machine result is kept beside it."""
    row = reviews.override(
        session=db,
        user=request.state.user,
        case=case.case,
        ruleset_id=body.ruleset_id,
        outcome=body.outcome,
        reason=body.reason,
        as_of=body.as_of,
        extra_paths=settings.rulesets_paths,
    )
    return {
        "id": row.id,
        "ruleset_id": row.ruleset_id,
        "outcome": row.outcome,
        "machine_outcome": row.machine_outcome,
        "reason": row.reason,
    }
