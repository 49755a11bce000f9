"""One broken ruleset per failure mode: each gives one message naming the file, line and fix."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from clemency.eligibility import evaluate, load_folder
from clemency.errors import RuleFileError

BAD = Path(__file__).parent / "bad_rules"

# folder, file the message must name, line, what is wrong, how to fix it
CASES = [
    ("bad_yaml", "waiting_period.yaml", 9, "bad YAML", "check the indentation"),
    (
        "unknown_fact",
        "waiting_period.yaml",
        8,
        "unknown fact `on_supervison`",
        "did you mean `on_supervision`?",
    ),
    ("wrong_type", "waiting_period.yaml", 8, "cannot compare a number with a date", "same type"),
    ("bad_date", "waiting_period.yaml", 7, "bad date '2019-02-30'", "real calendar date"),
    ("bad_date_in_expression", "waiting_period.yaml", 10, "bad date '2019-13-01'", "real ISO date"),
    (
        "duplicate_id",
        "ruleset.yaml",
        8,
        "duplicate rule id `ex.pardon.waiting_period`",
        "list `waiting_period` once",
    ),
    ("unknown_function", "waiting_period.yaml", 8, "unknown function `eval`", "add_years"),
    ("attribute_access", "waiting_period.yaml", 8, "attribute access", "documented functions"),
    (
        "unknown_enum_value",
        "waiting_period.yaml",
        8,
        "'felon' is not a value of `offense_level`",
        "felony, misdemeanor",
    ),
    (
        "parameter_without_values",
        "waiting_period.yaml",
        9,
        "parameter `waiting_years` has no values",
        "values: {YYYY-MM-DD: value}",
    ),
    (
        "id_mismatch",
        "waiting_period.yaml",
        1,
        "does not match its file",
        "id: ex.pardon.waiting_period",
    ),
    ("unknown_key", "waiting_period.yaml", 8, "unknown key `condition`", "when"),
    ("missing_citation", "waiting_period.yaml", 4, "missing `reference.citation`", "citation:"),
    (
        "unknown_explain_name",
        "waiting_period.yaml",
        11,
        "unknown name {release_day}",
        "a fact, a parameter",
    ),
    ("when_not_a_condition", "waiting_period.yaml", 8, "`when` gives a date", "write a condition"),
    # effective.basis is required: law (the cited text's start) or knowledge (our horizon)
    ("missing_basis", "waiting_period.yaml", 7, "missing `effective.basis`", "basis: law"),
    ("unknown_basis", "waiting_period.yaml", 9, "unknown effective.basis 'belief'", "knowledge"),
    (
        "unlisted_rule_file",
        "residence.yaml",
        1,
        "not listed in ruleset.yaml",
        "add `residence` to `rules:`",
    ),
]


@pytest.mark.parametrize(
    ("folder", "file", "line", "problem", "fix"), CASES, ids=[c[0] for c in CASES]
)
def test_broken_rule_file_message_names_file_line_and_fix(
    folder: str, file: str, line: int, problem: str, fix: str
) -> None:
    with pytest.raises(RuleFileError) as caught:
        load_folder(BAD / folder)
    message = caught.value.message
    assert message.startswith(f"{BAD / folder / file} line {line}: "), message
    assert problem in message
    assert "Fix: " in message
    assert fix in message.split("Fix: ", 1)[1]
    assert caught.value.fields["line"] == line


def test_parameter_without_a_value_on_the_as_of_date_names_file_line_and_fix() -> None:
    ruleset = load_folder(BAD / "parameter_no_value_on_as_of")  # loads: the date is the problem
    with pytest.raises(RuleFileError) as caught:
        evaluate(ruleset, {"release_date": "2010-01-01"}, date(2019, 7, 1))
    message = caught.value.message
    path = BAD / "parameter_no_value_on_as_of" / "waiting_period.yaml"
    assert message.startswith(
        f"{path} line 11: parameter `waiting_years` has no value on 2019-07-01"
    )
    assert "Fix: add a value keyed on or before 2019-07-01" in message
    # from the day its first value starts, the same rule works
    assert evaluate(ruleset, {"release_date": "2010-01-01"}, date(2020, 1, 1)).outcome == "eligible"


def test_every_failure_mode_folder_has_a_test() -> None:
    tested = {c[0] for c in CASES} | {"parameter_no_value_on_as_of"}
    assert {p.name for p in BAD.iterdir() if p.is_dir()} == tested
