"""Issue #11 item 2: ``eligible_on`` never names a day on which the ruleset would not say
eligible. Re-evaluating the same facts on that day finds no required rule failing and none
outside the period the ruleset vouches for (unknowns for want of a fact may remain, as
documented in docs/rules.md)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from clemency.eligibility import evaluate
from tests.property.profiles import EXAMPLES
from tests.property.test_sql_agreement import RULESETS, scenario


@pytest.mark.no_cover  # volume, not new lines: see docs/architecture.md, "Tests and coverage"
@pytest.mark.parametrize("ruleset_id", sorted(RULESETS))
def test_eligible_on_is_a_day_the_ruleset_would_say_eligible(ruleset_id: str) -> None:
    ruleset = RULESETS[ruleset_id]

    @settings(
        max_examples=EXAMPLES * 3,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(scenario(ruleset_id))
    def check(case: tuple[date, list[dict[str, Any]]]) -> None:
        as_of, rows = case
        for row in rows:
            d = evaluate(ruleset, row, as_of)
            if d.eligible_on is None:
                continue
            assert d.eligible_on > as_of
            then = evaluate(ruleset, row, d.eligible_on)
            assert then.outcome != "ineligible", (row, as_of, d.eligible_on, then.to_text())
            assert then.unvouched_rule_ids == [], (row, as_of, d.eligible_on)

    check()
