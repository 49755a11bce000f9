"""REST: the rulesets, their rules, citations and parameters."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from clemency.eligibility import Ruleset, list_rulesets, load_ruleset
from clemency.eligibility.citations import unverified_notes
from clemency.web.api.cases import ERRORS
from clemency.web.deps import CurrentIdentity, SettingsDep

router = APIRouter(prefix="/api/v1", tags=["rulesets"], responses=ERRORS)


def _summary(r: Ruleset) -> dict[str, Any]:
    return {
        "id": r.id,
        "title": r.title,
        "jurisdiction": r.jurisdiction,
        "relief": r.relief,
        "version": r.version,
        "sha256": r.sha256,
        "rules": len(r.rules),
    }


@router.get("/rulesets")
def rulesets(_identity: CurrentIdentity, settings: SettingsDep) -> dict[str, Any]:
    return {"items": [_summary(r) for r in list_rulesets(settings.rulesets_paths)]}


@router.get("/rulesets/{jurisdiction}/{relief}")
def ruleset(
    jurisdiction: str, relief: str, _identity: CurrentIdentity, settings: SettingsDep
) -> dict[str, Any]:
    r = load_ruleset(f"{jurisdiction}/{relief}", settings.rulesets_paths)
    return {
        **_summary(r),
        "description": r.description,
        "facts_used": r.facts_used(),
        "rules": [
            {
                "id": rule.id,
                "title": rule.title,
                "required": rule.required,
                "citation": rule.citation,
                "url": rule.url,
                "unverified": unverified_notes(rule.citation),
                "effective_from": rule.effective_from.isoformat(),
                "effective_until": rule.effective_until.isoformat()
                if rule.effective_until
                else None,
                "effective_basis": rule.basis,
                "facts": rule.facts,
                "parameters": {
                    p.name: {
                        "description": p.description,
                        "values": [{"from": d.isoformat(), "value": v} for d, v in p.values],
                    }
                    for p in rule.parameters.values()
                },
            }
            for rule in r.rules
        ],
    }
