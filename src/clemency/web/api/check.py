"""REST: evaluate facts against a ruleset without storing anything (``POST /api/v1/check``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from clemency.eligibility import evaluate, load_ruleset, validate_facts
from clemency.web.api.cases import ERRORS
from clemency.web.api.schemas import CheckRequest
from clemency.web.deps import CurrentIdentity, SettingsDep

router = APIRouter(prefix="/api/v1", tags=["determinations"], responses=ERRORS)


@router.post("/check")
def check(body: CheckRequest, _identity: CurrentIdentity, settings: SettingsDep) -> dict[str, Any]:
    """The determination (product.md §5.2) of ``facts`` under ``ruleset`` as of ``as_of``.
    Unknown fact names and wrong types are refused with the fact's name."""
    ruleset = load_ruleset(body.ruleset, settings.rulesets_paths)
    facts = validate_facts(body.facts)
    return evaluate(ruleset, facts, body.as_of).to_json()
