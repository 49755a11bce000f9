"""The eligibility strip: one plain line per relief for a person on a chosen day.

Pure (no database): it takes the determinations already evaluated and says, per ruleset,
"granted on …", "eligible", "not yet — eligible on …", "needs review — what to ask" or
"not eligible — why". A ruleset none of whose required rules is in force on the day (the 2014
Clemency Initiative after 19 January 2017) is marked ``in_force=False`` so a page can fold it
away instead of opening with a row of failures that only say "not in force".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from clemency.eligibility.determination import Determination
from clemency.eligibility.model import Ruleset

Status = Literal["granted", "eligible", "not_yet", "needs_review", "ineligible"]


@dataclass(frozen=True)
class ReliefLine:
    ruleset_id: str
    title: str
    relief: str
    in_force: bool
    status: Status
    #: the grant of this relief the record holds by the day (kind, date), else None
    granted_on: date | None
    eligible_on: date | None
    #: facts whose answers would settle the open required rules
    ask: tuple[str, ...]
    #: titles of the required rules that failed (the reasons for "not eligible")
    failed: tuple[str, ...]


def in_force(ruleset: Ruleset, as_of: date) -> bool:
    """Whether any required rule of the ruleset is in force on ``as_of`` (a rule before the
    period a ruleset vouches for still counts: the law was in force, we only cannot vouch)."""
    return any(rule.scope_on(as_of) != "not_in_effect" for rule in ruleset.required_rules)


def line(ruleset: Ruleset, determination: Determination) -> ReliefLine:
    """The strip line of one determination of ``ruleset``."""
    from clemency.eligibility.engine import relief_kinds

    kinds = relief_kinds(ruleset)
    grants = [g for g in determination.granted if g.kind in kinds]
    failed = tuple(r.title for r in determination.rules if r.required and r.outcome == "fail")
    status: Status
    if grants:
        status = "granted"
    elif determination.outcome == "eligible":
        status = "eligible"
    elif determination.eligible_on is not None:
        status = "not_yet"
    elif determination.outcome == "needs_review":
        status = "needs_review"
    else:
        status = "ineligible"
    return ReliefLine(
        ruleset_id=ruleset.id,
        title=ruleset.title,
        relief=ruleset.relief,
        in_force=in_force(ruleset, determination.as_of),
        status=status,
        granted_on=grants[-1].decided_on if grants else None,
        eligible_on=determination.eligible_on,
        ask=tuple(determination.missing_facts),
        failed=failed,
    )


def strip(pairs: Sequence[tuple[Ruleset, Determination]]) -> list[ReliefLine]:
    """The lines of a strip, rulesets in force first (in the order given)."""
    lines = [line(ruleset, determination) for ruleset, determination in pairs]
    return [x for x in lines if x.in_force] + [x for x in lines if not x.in_force]
