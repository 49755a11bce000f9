"""The ``*.tests.yaml`` format (eligibility.rule_tests, docs/rules.md): a malformed tests file is
one message naming its line and the fix, and a case that does not hold says each expectation
that failed, what was expected and what the rules said."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from clemency.eligibility.rule_tests import find_test_files, load_cases, ruleset_for, run_case
from clemency.errors import RuleFileError
from tests.unit.eligibility.test_rule_file_format import write_example

CASE = """\
- name: five years after release
  as_of: 2020-03-01
  facts: {release_date: 2015-03-01}
  expect: {rule: pass}
"""

# id, text replaced in CASE (None: the whole file), replacement, line, problem, fix
MISTAKES = [
    ("not a list", None, "name: one case\n", 1, "a tests file must be a list of cases", "- name:"),
    (
        "case not a mapping",
        None,
        "- just a name\n",
        1,
        "a case must have name, as_of, facts and expect",
        "docs/rules.md",
    ),
    ("as_of missing", "  as_of: 2020-03-01\n", "", 1, "case is missing `as_of`", "add `as_of:`"),
    (
        "as_of not a date",
        "as_of: 2020-03-01",
        "as_of: soon",
        2,
        "bad date 'soon' for as_of",
        "YYYY-MM-DD",
    ),
    (
        "expect empty",
        "expect: {rule: pass}",
        "expect: {}",
        4,
        "`expect` must map what to check",
        "expect: {rule: pass}",
    ),
    (
        "expectation unknown",
        "expect: {rule: pass}",
        "expect: {rule: pass, verdict: yes}",
        4,
        "unknown expectation `verdict`",
        "eligible_on, failed_rules",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "line", "problem", "fix"),
    [case[1:] for case in MISTAKES],
    ids=[case[0] for case in MISTAKES],
)
def test_a_malformed_tests_file_names_its_line_and_the_fix(
    tmp_path: Path, old: str | None, new: str, line: int, problem: str, fix: str
) -> None:
    path = tmp_path / "waiting_period.tests.yaml"
    path.write_text(new if old is None else CASE.replace(old, new, 1))
    with pytest.raises(RuleFileError) as caught:
        load_cases(path)
    message = caught.value.message
    assert message.startswith(f"{path} line {line}: {problem}"), message
    assert fix in message.split("Fix: ", 1)[1]


def test_a_rule_outcome_is_expected_only_beside_its_rule(tmp_path: Path) -> None:
    path = tmp_path / "ruleset.tests.yaml"
    path.write_text(CASE)
    with pytest.raises(RuleFileError, match="only works beside a rule file") as caught:
        load_cases(path)
    assert caught.value.fields["line"] == 4


def _case(folder: Path, tests: str, name: str = "waiting_period") -> tuple[object, object]:
    path = folder / f"{name}.tests.yaml"
    path.write_text(tests)
    (case,) = load_cases(path)
    return case, ruleset_for(path)


def test_a_case_that_holds_reports_nothing(tmp_path: Path) -> None:
    folder = write_example(tmp_path / "ex")
    case, ruleset = _case(folder, CASE)
    assert run_case(case, ruleset) == []  # type: ignore[arg-type]
    assert list(find_test_files(folder)) == [folder / "waiting_period.tests.yaml"]
    assert list(find_test_files(folder / "waiting_period.tests.yaml")) == [
        folder / "waiting_period.tests.yaml"
    ]


def test_a_rule_case_that_fails_says_what_was_expected_and_what_the_rule_said(
    tmp_path: Path,
) -> None:
    folder = write_example(tmp_path / "ex")
    case, ruleset = _case(
        folder,
        CASE.replace(
            "expect: {rule: pass}",
            'expect: {rule: fail, reason_contains: ["until 2020-03-01", "ten years"]}',
        ),
    )
    assert run_case(case, ruleset) == [  # type: ignore[arg-type]
        "rule outcome: expected fail, got pass",
        "reason should contain 'until 2020-03-01'; reasons were: "
        "Released 2015-03-01; 5 years have passed.",
        "reason should contain 'ten years'; reasons were: "
        "Released 2015-03-01; 5 years have passed.",
    ]


def test_a_ruleset_case_that_fails_names_every_expectation_that_did_not_hold(
    tmp_path: Path,
) -> None:
    folder = write_example(tmp_path / "ex")
    case, ruleset = _case(
        folder,
        """\
- name: two months too early, every expectation wrong
  as_of: 2020-01-01
  facts: {release_date: 2015-03-01}
  expect:
    outcome: eligible
    eligible_on: 2019-03-01
    missing_facts: [sentence_type]
    failed_rules: []
    reason_contains: ten years
""",
        name="ruleset",
    )
    assert case.as_of == date(2020, 1, 1)  # type: ignore[attr-defined]
    assert run_case(case, ruleset) == [  # type: ignore[arg-type]
        "outcome: expected eligible, got ineligible",
        "eligible_on: expected 2019-03-01, got 2020-03-01",
        "missing_facts: expected ['sentence_type'], got []",
        "failed_rules: expected [], got ['ex.pardon.waiting_period']",
        "reason should contain 'ten years'; reasons were: Wait until 2020-03-01.",
    ]


def test_a_case_the_rules_cannot_evaluate_reports_the_error(tmp_path: Path) -> None:
    folder = write_example(tmp_path / "ex")
    case, ruleset = _case(
        folder, CASE.replace("{release_date: 2015-03-01}", "{release_date: next spring}")
    )
    (problem,) = run_case(case, ruleset)  # type: ignore[arg-type]
    assert problem.startswith("error: ")
    assert "release_date" in problem
