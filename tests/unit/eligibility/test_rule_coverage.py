"""Every shipped rule has tests beside it covering pass, fail, unknown and the day before it took effect."""

from __future__ import annotations

from datetime import timedelta

import pytest

from clemency.eligibility import list_rulesets
from clemency.eligibility.model import Rule, Ruleset
from clemency.eligibility.rule_tests import load_cases

RULES = [(ruleset, rule) for ruleset in list_rulesets() for rule in ruleset.rules]


@pytest.mark.parametrize(("ruleset", "rule"), RULES, ids=[rule.id for _, rule in RULES])
def test_rule_has_cases_for_each_outcome_and_its_effective_date(
    ruleset: Ruleset, rule: Rule
) -> None:
    tests_file = ruleset.path / f"{rule.slug}.tests.yaml"
    assert tests_file.is_file(), f"write {tests_file}"
    cases = load_cases(tests_file)
    outcomes = {case.expect.get("rule") for case in cases}
    # A re-application rule stating no wait at all (no parameter, or every dated value 0: the
    # Pardon Attorney's "You do NOT need to wait") cannot fail; its cases show it passing.
    no_wait = rule.slug == "reapply_after_denial" and all(
        value == 0 for p in rule.parameters.values() for _, value in p.values
    )
    wanted = {"pass", "unknown"} if no_wait else {"pass", "fail", "unknown"}
    assert wanted <= outcomes, f"{tests_file}: cases for {', '.join(sorted(wanted))}"
    boundary = {rule.effective_from - timedelta(days=1)}
    if rule.effective_until is not None:
        boundary.add(rule.effective_until + timedelta(days=1))
    assert any(case.as_of in boundary for case in cases), (
        f"{tests_file}: a case just outside the effective dates"
    )
    if rule.wait_until is not None:
        assert any("eligible_on" in case.expect or "day before" in case.name for case in cases)


def test_every_ruleset_has_ruleset_level_cases() -> None:
    for ruleset in list_rulesets():
        assert (ruleset.path / "ruleset.tests.yaml").is_file(), ruleset.id
