"""REST: the tasks of a case and my tasks. Case routes depend on ``CurrentCase`` (404 for a case
the caller may not see); adding and completing need write access to the case."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from pydantic import Field

from clemency.tasks import service as tasks
from clemency.tasks.models import Task
from clemency.web.api.cases import ERRORS
from clemency.web.api.schemas import RowIdField, Strict
from clemency.web.deps import CurrentCase, CurrentIdentity, RowId, SessionDep, WritableCase, now

router = APIRouter(prefix="/api/v1", tags=["tasks"], responses=ERRORS)


class TaskCreate(Strict):
    title: str = Field(max_length=2000, description="What is to be done (at most 200 characters).")
    due_on: date | None = None
    assignee_id: RowIdField | None = Field(
        default=None, description="A user who may open the case; none leaves it unassigned."
    )


def task_json(task: Task) -> dict[str, Any]:
    return {
        "id": task.id,
        "case_id": task.case_id,
        "title": task.title,
        "due_on": task.due_on.isoformat() if task.due_on else None,
        "assignee_id": task.assignee_id,
        "cause": task.cause,
        "created_by": task.created_by_label,
        "created_at": task.created_at.isoformat() if task.created_at else None,
        "done": task.is_done,
        "done_at": task.done_at.isoformat() if task.done_at else None,
        "done_by": task.done_by_label,
    }


@router.get("/cases/{case_id}/tasks")
def list_case_tasks(case: CurrentCase, db: SessionDep) -> dict[str, Any]:
    """The case's tasks, open ones first."""
    return {"tasks": [task_json(t) for t in tasks.for_case(session=db, case=case.case)]}


@router.post("/cases/{case_id}/tasks", status_code=201)
def create_task(
    body: TaskCreate, case: WritableCase, db: SessionDep, request: Request
) -> dict[str, Any]:
    """Add a task to the case (201 with the task)."""
    task = tasks.create(
        session=db,
        user=request.state.user,
        case_id=case.id,
        title=body.title,
        due_on=body.due_on,
        assignee_id=body.assignee_id,
    )
    return task_json(task)


@router.post("/cases/{case_id}/tasks/{task_id}/complete")
def complete_task(
    task_id: RowId, case: WritableCase, db: SessionDep, request: Request
) -> dict[str, Any]:
    """Mark the task done (done again changes nothing)."""
    task = tasks.complete(
        session=db, user=request.state.user, case_id=case.id, task_id=task_id, now=now(request)
    )
    return task_json(task)


@router.get("/tasks")
def my_tasks(db: SessionDep, identity: CurrentIdentity) -> dict[str, Any]:
    """My open tasks (assigned to me, or unassigned on my cases), soonest due first."""
    rows = tasks.for_user(session=db, user=identity.user, limit=500)
    return {"tasks": [task_json(row.task) for row in rows]}
