"""Where the public record meets the case store: precedents for a case, organization statistics.

Both read through the store's access rules: a case's precedents need the case to be visible
to the user (and the read is audited), and organization statistics count only the cases the
user may see in that organization, publishing them with small-count suppression
(:mod:`clemency.grants.orgstats`). Neither ever returns a name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, selectinload

from clemency.audit import service as audit
from clemency.cases import access, validation
from clemency.cases import service as case_service
from clemency.cases.access import Actor
from clemency.cases.facts import facts_for_case, primary_conviction
from clemency.cases.models import Case
from clemency.errors import PermissionDenied
from clemency.grants import orgstats
from clemency.grants.precedents import Precedent, find_precedents
from clemency.grants.service import list_grants


def case_precedent_facts(case: Case, *, as_of: date) -> dict[str, Any]:
    """The case's facts plus the two keys precedents also use: ``district`` and ``statutes``."""
    facts: dict[str, Any] = facts_for_case(case, as_of=as_of, include_sensitive=False)
    conviction = primary_conviction(case)
    if conviction is not None:
        if conviction.district:
            facts["district"] = conviction.district
        statutes = [count.statute for count in conviction.counts if count.statute]
        if statutes:
            facts["statutes"] = statutes
    return facts


def precedents_for_case(
    *,
    session: Session,
    user: Actor,
    case_id: int,
    as_of: date,
    limit: int = 10,
    relief: str | None = None,
) -> list[Precedent]:
    """The granted people most like this case, best first, each with why it was chosen."""
    case = case_service.get_for_user(session=session, user=user, case_id=case_id)
    return precedents_for(case, session=session, as_of=as_of, limit=limit, relief=relief)


def precedents_for(
    case: Case, *, session: Session, as_of: date, limit: int = 10, relief: str | None = None
) -> list[Precedent]:
    """Precedents for a case the caller has already opened through the access check.

    ``relief`` (commutation or pardon) overrides the relief read from custody on ``as_of``.
    """
    facts = case_precedent_facts(case, as_of=as_of)
    if relief:
        facts["relief_sought"] = relief
    return find_precedents(facts, list_grants(session=session), as_of=as_of, limit=limit)


@dataclass(frozen=True)
class OrganizationStatistics:
    """Publishable tables: every count below the threshold shown as ``<k``, totals protected."""

    cases: int
    by_stage_and_jurisdiction: orgstats.PublishedTable
    outcomes_by_jurisdiction_and_year: orgstats.PublishedTable
    time_in_stage: list[dict[str, str]]
    threshold: int
    # Cases stored with a value the entry checks now refuse (issue #14): counted under
    # NEEDS_CORRECTION instead of their bad value; how many, and what is wrong (no names).
    needs_correction: int = 0
    corrections: tuple[str, ...] = ()


NEEDS_CORRECTION = "needs_correction"  # a code: orgstats takes codes only, never free text


def _days_in_stage(case: Case, as_of: date) -> int:
    """Days since the case's last recorded petition event, else since the case was opened."""
    dates = [event.occurred_on for event in case.petition_events if event.occurred_on]
    since = max(dates) if dates else case.created_at.date()
    return max((as_of - since).days, 0)


def _outcome_and_year(case: Case) -> tuple[str, str]:
    decided = [d for d in case.decisions if d.decided_on is not None]
    if decided:
        latest = max(decided, key=lambda d: d.decided_on or date.min)
        assert latest.decided_on is not None
        return latest.outcome, str(latest.decided_on.year)
    return "pending", str(case.created_at.year)


def organization_rows(
    *, session: Session, user: Actor, organization_id: int, as_of: date
) -> list[dict[str, Any]]:
    """One anonymous row per visible case: stage, jurisdiction, outcome, year, days in stage."""
    query = (
        select(Case)
        .where(
            and_(
                Case.organization_id == organization_id,
                access.visible_cases_clause(session=session, actor=user),
            )
        )
        .options(selectinload(Case.decisions), selectinload(Case.petition_events))
        .order_by(Case.id)
    )
    rows = []
    for case in session.scalars(query):
        outcome, year = _outcome_and_year(case)
        problems = validation.stored_problems(Case, {"jurisdiction": case.jurisdiction})
        rows.append(
            {
                "stage": case.stage,
                "jurisdiction": NEEDS_CORRECTION if problems else case.jurisdiction,
                "problems": problems,
                "outcome": outcome,
                "year": year,
                "days_in_stage": _days_in_stage(case, as_of),
            }
        )
    return rows


def organization_statistics(
    *, session: Session, user: Actor, organization_id: int, as_of: date, threshold: int = 5
) -> OrganizationStatistics:
    """Cases by stage, time in stage and outcomes by jurisdiction and year, suppressed."""
    if not isinstance(user, access.Operator) and access.role_in(
        session=session, user=user, organization_id=organization_id
    ) not in {"admin", "attorney", "viewer", "volunteer"}:
        raise PermissionDenied("Statistics are shown only to members of the organization.")
    rows = organization_rows(
        session=session, user=user, organization_id=organization_id, as_of=as_of
    )
    audit.record(
        session=session,
        actor_user_id=access.actor_id(user),
        actor_label=access.actor_label(user),
        action="read",
        entity_type="organization_statistics",
        entity_id=organization_id,
        organization_id=organization_id,
        detail=f"{len(rows)} cases counted",
    )
    decided = [row for row in rows if row["outcome"] != "pending"]
    return OrganizationStatistics(
        cases=len(rows),
        by_stage_and_jurisdiction=orgstats.crosstab(rows, "stage", "jurisdiction", k=threshold),
        outcomes_by_jurisdiction_and_year=orgstats.crosstab(
            decided,
            ("jurisdiction", "year"),
            "outcome",
            k=threshold,
        ),
        time_in_stage=orgstats.time_in_stage(rows, k=threshold),
        threshold=threshold,
        needs_correction=sum(bool(row["problems"]) for row in rows),
        corrections=tuple(sorted({p for row in rows for p in row["problems"]})),
    )
