"""The rulesets browser: each ruleset, its rules with citations, parameters and test cases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from clemency.eligibility import list_rulesets, load_ruleset
from clemency.eligibility.citations import unverified_notes
from clemency.web.deps import CurrentIdentity, SettingsDep
from clemency.web.templating import render

router = APIRouter(tags=["pages: rulesets"], include_in_schema=False)


def rule_tests(rule_path: Path) -> list[dict[str, Any]]:
    """The test cases written beside a rule file (``<slug>.tests.yaml``), if any."""
    from clemency.eligibility.rule_tests import load_cases

    tests_file = rule_path.with_name(rule_path.stem + ".tests.yaml")
    if not tests_file.is_file():
        return []
    return [
        {"name": c.name, "as_of": c.as_of, "facts": c.facts, "expect": c.expect}
        for c in load_cases(tests_file)
    ]


@router.get("/rulesets")
def rulesets_index(request: Request, _identity: CurrentIdentity, settings: SettingsDep) -> Response:
    return render(
        request,
        "rulesets/index.html",
        {"nav": "rulesets", "rulesets": list_rulesets(settings.rulesets_paths)},
    )


@router.get("/rulesets/{jurisdiction}/{relief}")
def ruleset_page(
    request: Request,
    _identity: CurrentIdentity,
    settings: SettingsDep,
    jurisdiction: str,
    relief: str,
) -> Response:
    ruleset = load_ruleset(f"{jurisdiction}/{relief}", settings.rulesets_paths)
    rules = [
        {
            "rule": rule,
            "parameters": [
                (p.name, p.description, [(d.isoformat(), v) for d, v in p.values])
                for p in rule.parameters.values()
            ],
            "tests": rule_tests(rule.path),
            "unverified": unverified_notes(rule.citation),
        }
        for rule in ruleset.rules
    ]
    return render(
        request, "rulesets/detail.html", {"nav": "rulesets", "ruleset": ruleset, "rules": rules}
    )
