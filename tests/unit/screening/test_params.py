"""`--compare-param NAME=VALUE`: typed, scoped to a rule if asked, and never the published one."""

from __future__ import annotations

from datetime import date

import pytest

from clemency.eligibility import load_ruleset
from clemency.errors import BadInput
from clemency.screening.params import parse_assignment, with_parameter


@pytest.mark.parametrize("text", ["years", "=8", "years=", " = "])
def test_malformed_assignments_say_how_to_write_one(text: str) -> None:
    with pytest.raises(BadInput, match="write NAME=VALUE"):
        parse_assignment(text)


def test_a_value_of_the_wrong_type_is_refused() -> None:
    ruleset = load_ruleset("us-federal/clemency-initiative-2014")
    with pytest.raises(BadInput, match="min_years_served is of type int; 'eight' is not one"):
        with_parameter(ruleset, "min_years_served=eight")


def test_a_rule_scoped_name_changes_that_rule_only() -> None:
    ruleset = load_ruleset("us-ny/commutation")
    shared = [r for r in ruleset.rules if "reapply_years" in r.parameters]
    assert shared, "us-ny/commutation has a reapply_years parameter"
    changed, label = with_parameter(ruleset, f"{shared[0].slug}.reapply_years=2")
    values = {
        r.slug: r.parameters["reapply_years"].values
        for r in changed.rules
        if "reapply_years" in r.parameters
    }
    assert values[shared[0].slug] == [(date.min, 2)]
    assert label.endswith(f"with {shared[0].slug}.reapply_years=2")
    assert changed.version.endswith("+reapply_years=2")
    assert ruleset.rules[0].parameters == load_ruleset("us-ny/commutation").rules[0].parameters
