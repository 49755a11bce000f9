"""Request and response shapes of the REST API. Unknown fields are refused (mass assignment:
``organization_id``, ``role`` and the like can never ride along in a body)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from clemency.web.deps import MAX_ROW_ID

#: A row id in a request body (bounded like :data:`clemency.web.deps.RowId`).
RowIdField = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorBody(BaseModel):
    ok: bool = False
    code: str
    message: str
    details: dict[str, Any] = {}


class CaseCreate(Strict):
    organization_id: RowIdField = Field(
        description="One of your organizations (you need a role that may open cases there)."
    )
    reference: str = Field(min_length=1, max_length=64)
    jurisdiction: str = Field(
        description="The jurisdiction of the conviction (`clemency rules list`); no default: "
        "a case is never filed under the federal rules by omission."
    )
    stage: str = "intake"
    summary: str | None = None
    person: dict[str, Any] = Field(
        description="Person fields, e.g. given_name, family_name, date_of_birth, bop_register_number."
    )
    confirm_different_person: bool = Field(
        default=False,
        description="Open the case although a case of the organization has a person with the "
        "same register number, or the same name and date of birth (otherwise 409 conflict "
        "naming that case in details.existing_case_id).",
    )


class Changes(Strict):
    expected_version: int = Field(
        description="The version you read; a newer one gives 409 stale_write with the current values."
    )
    changes: dict[str, Any]


class PartCreate(Strict):
    values: dict[str, Any]


class FactsUpdate(Strict):
    expected_version: int
    facts: dict[str, Any] = Field(description="Fact name → value (ISO dates; null clears).")


class CheckRequest(Strict):
    ruleset: str = Field(examples=["us-federal/pardon"])
    as_of: date
    facts: dict[str, Any]


class TimelineRequest(Strict):
    ruleset: str = Field(examples=["us-federal/pardon"])
    start: date = Field(description="First day of the timeline")
    end: date = Field(description="Last day of the timeline (inclusive)")
    facts: dict[str, Any]


class OverrideCreate(Strict):
    ruleset_id: str
    outcome: str = Field(description="eligible | ineligible | needs_review")
    reason: str
    as_of: date


class CaseSummary(BaseModel):
    id: int
    reference: str
    name: str
    register_number: str | None
    jurisdiction: str
    stage: str
    updated_at: str
    needs_correction: list[str] = []  # a row stored before the entry checks: what to correct


class CaseList(BaseModel):
    items: list[CaseSummary]
    page: int
    has_next: bool
