"""Create, edit and delete the parts of a case (convictions, custody, letters, notes, …)
with one set of routes driven by the part's name and its model's columns."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from clemency.cases import service as case_service
from clemency.errors import NotFound
from clemency.web import forms
from clemency.web.deps import RowId, SessionDep, WritableCase
from clemency.web.pages.cases import _edit_page, _version, save_or_rerender

router = APIRouter(tags=["pages: case parts"], include_in_schema=False)


def _creatable(kind: str) -> None:
    forms.part_model(kind)
    if kind in forms.NOT_CREATED_HERE:
        raise NotFound(f"{forms.PART_TITLES[kind]} are not added with this form.", kind=kind)


def _title(kind: str) -> str:
    return forms.PART_TITLES.get(kind, kind).rstrip("s")


def _check_sensitive(request: Request, db: SessionDep, case: WritableCase, kind: str) -> None:
    """Every sensitive part (health notes, victim records) by the store's one rule."""
    case_service.refuse_sensitive_part(
        session=db, user=request.state.user, case_id=case.id, kind=kind, allowed=case.permissions
    )


@router.get("/cases/{case_id}/parts/{kind}/new")
def new_part_form(request: Request, db: SessionDep, case: WritableCase, kind: str) -> Response:
    _creatable(kind)
    _check_sensitive(request, db, case, kind)
    specs = forms.describe(forms.part_model(kind), case=case.case)
    return _edit_page(
        request,
        title=f"New {_title(kind).lower()} — case {case.case.reference}",
        action=f"/cases/{case.id}/parts/{kind}/new",
        back=f"/cases/{case.id}",
        specs=specs,
        values={},
        errors={},
        version=None,
    )


@router.post("/cases/{case_id}/parts/{kind}/new")
async def create_part(request: Request, db: SessionDep, case: WritableCase, kind: str) -> Response:
    _creatable(kind)
    _check_sensitive(request, db, case, kind)
    model = forms.part_model(kind)
    specs = forms.describe(model, case=case.case)
    form = await request.form()
    return save_or_rerender(
        request,
        save=lambda values: case_service.add_part(
            session=db, user=request.state.user, case_id=case.id, kind=kind, values=values
        ),
        model=model,
        specs=specs,
        form=form,
        title=f"New {_title(kind).lower()} — case {case.case.reference}",
        action=f"/cases/{case.id}/parts/{kind}/new",
        back=f"/cases/{case.id}",
        version=0,
    )


@router.get("/cases/{case_id}/parts/{kind}/{part_id}/edit")
def edit_part_form(
    request: Request, db: SessionDep, case: WritableCase, kind: str, part_id: RowId
) -> Response:
    _check_sensitive(request, db, case, kind)
    model = forms.part_model(kind)
    part = case_service.get_part(
        session=db, user=request.state.user, case_id=case.id, kind=kind, part_id=part_id
    )
    specs = forms.describe(model, case=case.case)
    return _edit_page(
        request,
        title=f"{_title(kind)} #{part_id} — case {case.case.reference}",
        action=f"/cases/{case.id}/parts/{kind}/{part_id}/edit",
        back=f"/cases/{case.id}",
        specs=specs,
        values=forms.current_values(part, specs),
        errors={},
        version=part.version,  # type: ignore[attr-defined]
        delete_action=f"/cases/{case.id}/parts/{kind}/{part_id}/delete",
    )


@router.post("/cases/{case_id}/parts/{kind}/{part_id}/edit")
async def edit_part(
    request: Request, db: SessionDep, case: WritableCase, kind: str, part_id: RowId
) -> Response:
    _check_sensitive(request, db, case, kind)
    model = forms.part_model(kind)
    specs = forms.describe(model, case=case.case)
    form = await request.form()
    version = _version(form)
    return save_or_rerender(
        request,
        save=lambda values: case_service.update_part(
            session=db,
            user=request.state.user,
            case_id=case.id,
            kind=kind,
            part_id=part_id,
            expected_version=version,
            changes=values,
        ),
        model=model,
        specs=specs,
        form=form,
        title=f"{_title(kind)} #{part_id} — case {case.case.reference}",
        action=f"/cases/{case.id}/parts/{kind}/{part_id}/edit",
        back=f"/cases/{case.id}",
        version=version,
    )


@router.post("/cases/{case_id}/parts/{kind}/{part_id}/delete")
async def delete_part(
    request: Request, db: SessionDep, case: WritableCase, kind: str, part_id: RowId
) -> Response:
    _check_sensitive(request, db, case, kind)
    form = await request.form()
    case_service.delete_part(
        session=db,
        user=request.state.user,
        case_id=case.id,
        kind=kind,
        part_id=part_id,
        expected_version=_version(form),
    )
    return RedirectResponse(f"/cases/{case.id}?saved=1", status_code=303)
