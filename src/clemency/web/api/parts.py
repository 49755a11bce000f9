"""REST: the parts of a case (convictions, counts, sentences, custody, conduct, programs,
health notes, victim records, letters, documents, petitions, petition events, decisions, notes,
asserted facts), addressed by their export name. Sensitive parts (health notes, victim
records) answer 403 to roles without the sensitive grant, by the store's one rule."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from clemency.cases import service as case_service
from clemency.cases.serialize import row_to_dict
from clemency.web.api.cases import ERRORS
from clemency.web.api.schemas import Changes, PartCreate
from clemency.web.deps import CaseAccess, CurrentCase, RowId, SessionDep, WritableCase

router = APIRouter(prefix="/api/v1", tags=["case parts"], responses=ERRORS)


def _readable_part(case: CurrentCase, kind: str, db: SessionDep, request: Request) -> CaseAccess:
    """The case, once the store's one rule for sensitive parts allows ``kind`` (a dependency,
    so a refused caller gets 403 before the body is even validated)."""
    case_service.refuse_sensitive_part(
        session=db, user=request.state.user, case_id=case.id, kind=kind, allowed=case.permissions
    )
    return case


def _writable_part(case: WritableCase, kind: str, db: SessionDep, request: Request) -> CaseAccess:
    return _readable_part(case, kind, db, request)


ReadablePart = Annotated[CaseAccess, Depends(_readable_part)]
WritablePart = Annotated[CaseAccess, Depends(_writable_part)]


@router.get("/cases/{case_id}/parts/{kind}")
def list_parts(case: ReadablePart, kind: str, db: SessionDep, request: Request) -> dict[str, Any]:
    rows = case_service.list_parts(session=db, user=request.state.user, case_id=case.id, kind=kind)
    return {"case_id": case.id, "kind": kind, "items": [row_to_dict(r) for r in rows]}


@router.post("/cases/{case_id}/parts/{kind}", status_code=201)
def add_part(
    body: PartCreate, case: WritablePart, kind: str, db: SessionDep, request: Request
) -> dict[str, Any]:
    part = case_service.add_part(
        session=db, user=request.state.user, case_id=case.id, kind=kind, values=body.values
    )
    return row_to_dict(part)


@router.get("/cases/{case_id}/parts/{kind}/{part_id}")
def get_part(
    case: ReadablePart, kind: str, part_id: RowId, db: SessionDep, request: Request
) -> dict[str, Any]:
    part = case_service.get_part(
        session=db, user=request.state.user, case_id=case.id, kind=kind, part_id=part_id
    )
    return row_to_dict(part)


@router.patch("/cases/{case_id}/parts/{kind}/{part_id}")
def update_part(
    body: Changes, case: WritablePart, kind: str, part_id: RowId, db: SessionDep, request: Request
) -> dict[str, Any]:
    part = case_service.update_part(
        session=db,
        user=request.state.user,
        case_id=case.id,
        kind=kind,
        part_id=part_id,
        expected_version=body.expected_version,
        changes=body.changes,
    )
    return row_to_dict(part)


@router.delete("/cases/{case_id}/parts/{kind}/{part_id}", status_code=204)
def delete_part(
    case: WritablePart,
    kind: str,
    part_id: RowId,
    db: SessionDep,
    request: Request,
    expected_version: Annotated[int, Query()],
) -> Response:
    case_service.delete_part(
        session=db,
        user=request.state.user,
        case_id=case.id,
        kind=kind,
        part_id=part_id,
        expected_version=expected_version,
    )
    return Response(status_code=204)
