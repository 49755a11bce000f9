"""REST: evaluate facts against a ruleset without storing anything (``POST /api/v1/check``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from clemency.eligibility import evaluate, load_ruleset, validate_facts
from clemency.eligibility.timeline import timeline
from clemency.errors import BadInput
from clemency.web.api.cases import ERRORS
from clemency.web.api.schemas import CheckRequest, TimelineRequest
from clemency.web.deps import CurrentIdentity, SettingsDep

router = APIRouter(prefix="/api/v1", tags=["determinations"], responses=ERRORS)


@router.post("/check")
def check(body: CheckRequest, _identity: CurrentIdentity, settings: SettingsDep) -> dict[str, Any]:
    """The determination (product.md §5.2) of ``facts`` under ``ruleset`` as of ``as_of``.
    Unknown fact names and wrong types are refused with the fact's name."""
    ruleset = load_ruleset(body.ruleset, settings.rulesets_paths)
    facts = validate_facts(body.facts)
    return evaluate(ruleset, facts, body.as_of).to_json()


#: A timeline longer than this is refused (it is a person's life, not a scan of centuries).
MAX_TIMELINE_DAYS = 366 * 120


@router.post("/timeline")
def eligibility_timeline(
    body: TimelineRequest, _identity: CurrentIdentity, settings: SettingsDep
) -> dict[str, Any]:
    """The dated spans from ``start`` to ``end`` over which the outcome of ``facts`` under
    ``ruleset`` is eligible, ineligible or needs review, with the rules that change it at each
    boundary (docs/rules.md, Timeline). Nothing is stored."""
    if body.end < body.start:
        raise BadInput("`end` is before `start`; give the earlier day first.", field="end")
    if (body.end - body.start).days > MAX_TIMELINE_DAYS:
        raise BadInput("A timeline covers at most 120 years.", field="end")
    ruleset = load_ruleset(body.ruleset, settings.rulesets_paths)
    facts = validate_facts(body.facts)
    return timeline(ruleset, facts, body.start, body.end).to_json()
