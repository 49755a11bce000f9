"""``screen_row``, the six columns without explanations, is ``evaluate(...).as_row()``.

Checked on every hand-written rule case shipped beside the rules (their boundary days, missing
and unknown facts), in the fast loop and measured by coverage; the generated-facts agreement in
tests/property/test_sql_agreement.py checks the same on many more rows.
"""

from __future__ import annotations

from clemency.eligibility import evaluate, screen_row
from clemency.eligibility.registry import builtin_root
from clemency.eligibility.rule_tests import find_test_files, load_cases, ruleset_for


def test_screen_row_gives_the_determinations_row_on_every_rule_case() -> None:
    checked = whole_ruleset = 0
    for path in find_test_files(builtin_root()):
        ruleset = ruleset_for(path)
        for case in load_cases(path):
            label = f"{path.name}:{case.line} {case.name}"
            facts = {**case.facts, "person_id": label}
            row = screen_row(ruleset, facts, case.as_of)
            assert row == dict(evaluate(ruleset, facts, case.as_of).as_row()), label
            if case.rule_slug is None and "outcome" in case.expect:
                # a case about the whole ruleset: its expected outcome was written from the law
                assert row["outcome"] == case.expect["outcome"], label
                whole_ruleset += 1
            checked += 1
    assert checked > 600
    assert whole_ruleset > 0
