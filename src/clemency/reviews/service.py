"""Screening one case: evaluate every ruleset of its jurisdiction, keep the latest machine
result per ruleset, and record reviewers' overrides beside it.

Callers pass a case they already opened through ``cases.service.get_for_user`` (the access
check); these functions add the audit rows for what they read and write.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clemency.accounts.models import User
from clemency.audit import service as audit
from clemency.cases import access
from clemency.cases.facts import facts_for_case, granted_relief
from clemency.cases.models import Case
from clemency.db.base import utcnow
from clemency.eligibility import Ruleset, evaluate, list_rulesets, load_ruleset
from clemency.errors import BadInput, PermissionDenied
from clemency.reviews.models import OUTCOMES, CaseScreening, DeterminationOverride

REVIEWER_ROLES = frozenset({"admin", "attorney"})


@dataclass(frozen=True)
class Screening:
    """One ruleset's machine determination of a case and the overrides recorded on it."""

    ruleset: Ruleset
    determination: dict[str, Any]  # product.md §5.2
    overrides: list[DeterminationOverride]

    @property
    def latest_override(self) -> DeterminationOverride | None:
        return self.overrides[-1] if self.overrides else None


def rulesets_for(jurisdiction: str, extra_paths: Sequence[Path] = ()) -> list[Ruleset]:
    """The rulesets that apply to cases of ``jurisdiction`` (``us-federal`` → its three)."""
    return [r for r in list_rulesets(extra_paths) if r.jurisdiction == jurisdiction]


def _eligible_on(doc: dict[str, Any]) -> date | None:
    value = doc.get("eligible_on")
    return date.fromisoformat(value) if isinstance(value, str) else None


def _store(session: Session, case: Case, ruleset_id: str, as_of: date, doc: dict[str, Any]) -> None:
    text = json.dumps(doc, sort_keys=True)
    row = session.scalar(
        select(CaseScreening).where(
            CaseScreening.case_id == case.id, CaseScreening.ruleset_id == ruleset_id
        )
    )
    if row is None:
        session.add(
            CaseScreening(
                case_id=case.id,
                ruleset_id=ruleset_id,
                outcome=doc["outcome"],
                as_of=as_of,
                eligible_on=_eligible_on(doc),
                determination_json=text,
            )
        )
    elif row.determination_json != text:
        row.outcome = doc["outcome"]
        row.as_of = as_of
        row.eligible_on = _eligible_on(doc)
        row.determination_json = text
        row.screened_at = utcnow()


def determine(
    *, session: Session, case: Case, as_of: date, extra_paths: Sequence[Path] = ()
) -> list[Screening]:
    """Evaluate the case under each of its jurisdiction's rulesets as of ``as_of``; the latest
    result per ruleset is stored (it drives the case list's outcome filter)."""
    facts = facts_for_case(case, as_of=as_of)
    overrides = list(
        session.scalars(
            select(DeterminationOverride)
            .where(DeterminationOverride.case_id == case.id)
            .order_by(DeterminationOverride.id)
        )
    )
    out = []
    for ruleset in rulesets_for(case.jurisdiction, extra_paths):
        doc = evaluate(ruleset, facts, as_of, granted=granted_relief(case)).to_json()
        _store(session, case, ruleset.id, as_of, doc)
        out.append(
            Screening(
                ruleset=ruleset,
                determination=doc,
                overrides=[o for o in overrides if o.ruleset_id == ruleset.id],
            )
        )
    session.flush()
    return out


def stored(*, session: Session, case: Case) -> list[CaseScreening]:
    """The stored determinations of the case, by ruleset id."""
    return list(
        session.scalars(
            select(CaseScreening)
            .where(CaseScreening.case_id == case.id)
            .order_by(CaseScreening.ruleset_id)
        )
    )


def override(
    *,
    session: Session,
    user: User,
    case: Case,
    ruleset_id: str,
    outcome: str,
    reason: str,
    as_of: date,
    extra_paths: Sequence[Path] = (),
) -> DeterminationOverride:
    """Record a reviewer's outcome with a reason; the machine result it overrides is copied
    into the record, so both stay on file. Admins and attorneys may override."""
    if (
        access.role_in(session=session, user=user, organization_id=case.organization_id)
        not in REVIEWER_ROLES
    ):
        raise PermissionDenied("Only attorneys and administrators may override a determination.")
    if outcome not in OUTCOMES:
        raise BadInput(f"Choose one of {', '.join(OUTCOMES)}.", field="outcome")
    if len(reason.strip()) < 10:
        raise BadInput(
            "Say why, in a sentence or more (at least 10 characters): the reason is kept on "
            "record beside the machine result.",
            field="reason",
        )
    ruleset = load_ruleset(ruleset_id, extra_paths)
    if ruleset.jurisdiction != case.jurisdiction:
        raise BadInput(
            f"Ruleset {ruleset_id} is for {ruleset.jurisdiction}, not this case's "
            f"{case.jurisdiction}.",
            field="ruleset_id",
        )
    machine = evaluate(
        ruleset, facts_for_case(case, as_of=as_of), as_of, granted=granted_relief(case)
    ).to_json()
    row = DeterminationOverride(
        case_id=case.id,
        ruleset_id=ruleset.id,
        machine_outcome=machine["outcome"],
        machine_json=json.dumps(machine, sort_keys=True),
        outcome=outcome,
        reason=reason.strip(),
        reviewer_id=user.id,
        reviewer_label=user.email,
    )
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        actor_user_id=user.id,
        actor_label=user.email,
        action="create",
        entity_type="determination_override",
        entity_id=row.id,
        organization_id=case.organization_id,
        case_id=case.id,
        changed_fields=["outcome", "reason"],
        detail=f"{ruleset.id}: {machine['outcome']} -> {outcome}",
    )
    return row
