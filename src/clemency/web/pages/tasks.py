"""Tasks pages: a case's tasks (page and the panel its case page loads), my tasks (page and the
dashboard's panel), and the forms that add and complete a task. GETs only read; the system's
tasks are made by ``clemency tasks refresh``, never here."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from clemency.digits import whole_number
from clemency.errors import BadInput
from clemency.tasks import activity
from clemency.tasks import service as tasks
from clemency.web.deps import (
    CaseAccess,
    CurrentCase,
    CurrentIdentity,
    RowId,
    SessionDep,
    WritableCase,
    now,
)
from clemency.web.templating import render

router = APIRouter(tags=["pages: tasks"], include_in_schema=False)


def parse_due(text: str) -> date | None:
    """A due date from a form or the API (empty: none). Shared by the page and the API."""
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadInput(
            f"The due date {text[:40]!r} is not a date: use YYYY-MM-DD, e.g. 2027-01-31.",
            field="due_on",
        ) from None


def _case_context(
    db: Session, case: CaseAccess, today: date, errors: dict[str, str] | None = None
) -> dict[str, Any]:
    rows = tasks.for_case(session=db, case=case.case)
    return {
        "nav": "cases",
        "access": case,
        "case": case.case,
        "person": case.case.person,
        "tasks": rows,
        "names": tasks.names_of(session=db, user_ids=[t.assignee_id for t in rows]),
        "assignable": tasks.assignable_users(session=db, case=case.case) if case.may_write else [],
        "today": today,
        "errors": errors or {},
        "form": {},
    }


@router.get("/cases/{case_id}/tasks")
def case_tasks(request: Request, db: SessionDep, case: CurrentCase) -> Response:
    return render(request, "tasks/case.html", _case_context(db, case, now(request).date()))


@router.get("/cases/{case_id}/tasks/_panel")
def case_tasks_panel(request: Request, db: SessionDep, case: CurrentCase) -> Response:
    context = _case_context(db, case, now(request).date())
    context["tasks"] = [t for t in context["tasks"] if not t.is_done]
    return render(request, "tasks/_case_panel.html", context)


@router.post("/cases/{case_id}/tasks")
def add_task(
    request: Request,
    db: SessionDep,
    case: WritableCase,
    title: Annotated[str, Form(max_length=2000)] = "",
    due_on: Annotated[str, Form(max_length=40)] = "",
    assignee_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    errors: dict[str, str] = {}
    due: date | None = None
    try:
        due = parse_due(due_on)
    except BadInput as error:
        errors["due_on"] = error.message
    if not errors:
        try:
            tasks.create(
                session=db,
                user=request.state.user,
                case_id=case.id,
                title=title,
                due_on=due,
                assignee_id=whole_number(assignee_id),
            )
        except BadInput as error:
            errors[str(error.fields.get("field", "title"))] = error.message
    if errors:
        context = _case_context(db, case, now(request).date(), errors)
        context["form"] = {"title": title, "due_on": due_on, "assignee_id": assignee_id}
        return render(request, "tasks/case.html", context, status_code=422)
    return RedirectResponse(f"/cases/{case.id}/tasks?saved=1", status_code=303)


@router.post("/cases/{case_id}/tasks/{task_id}/done")
def complete_task(
    request: Request,
    db: SessionDep,
    case: WritableCase,
    task_id: RowId,
    back: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    tasks.complete(
        session=db, user=request.state.user, case_id=case.id, task_id=task_id, now=now(request)
    )
    target = {"case": f"/cases/{case.id}", "mine": "/tasks"}.get(back, f"/cases/{case.id}/tasks")
    return RedirectResponse(f"{target}?saved=1", status_code=303)


@router.get("/tasks")
def my_tasks(request: Request, db: SessionDep, identity: CurrentIdentity) -> Response:
    rows = tasks.for_user(session=db, user=identity.user, limit=200)
    unclaimed, unclaimed_count = tasks.unclaimed_for(session=db, user=identity.user, limit=200)
    return render(
        request,
        "tasks/mine.html",
        {
            "nav": "tasks",
            "rows": rows,
            "unclaimed": unclaimed,
            "unclaimed_count": unclaimed_count,
            "today": now(request).date(),
            "full": True,
        },
    )


@router.get("/tasks/_mine")
def my_tasks_panel(request: Request, db: SessionDep, identity: CurrentIdentity) -> Response:
    rows = tasks.for_user(session=db, user=identity.user, limit=6)
    _unclaimed, unclaimed_count = tasks.unclaimed_for(session=db, user=identity.user, limit=0)
    return render(
        request,
        "tasks/_mine_panel.html",
        {
            "rows": rows[:5],
            "more": len(rows) > 5,
            "unclaimed_count": unclaimed_count,
            "today": now(request).date(),
            "full": False,
        },
    )


@router.get("/cases/{case_id}/activity")
def case_activity(
    request: Request,
    db: SessionDep,
    case: CurrentCase,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    entries = activity.feed(
        session=db, case=case.case, include_sensitive=case.may_see_sensitive, before=before
    )
    return render(
        request,
        "tasks/activity.html",
        {
            "nav": "cases",
            "case": case.case,
            "person": case.case.person,
            "entries": entries,
            "more": len(entries) == activity.PAGE_SIZE,
        },
    )
