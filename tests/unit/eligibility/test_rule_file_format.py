"""The rule-file format (docs/rules.md), one rule at a time: a valid example ruleset, and for
each thing the format forbids the same ruleset with that one thing wrong. Every mistake is one
message naming the file, the line and the fix (as in test_bad_rules.py, without a folder per
mode: each case is a single edit of the valid files, so the mistake is plain to see)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from clemency.eligibility import evaluate, list_rulesets, load_folder, load_ruleset
from clemency.eligibility.rule_tests import load_cases
from clemency.errors import RuleFileError

MANIFEST = """\
id: ex/pardon
title: Example
jurisdiction: ex
relief: pardon
version: "1"
rules:
  - waiting_period
"""

RULE = """\
id: ex.pardon.waiting_period
title: Waiting period after release
kind: required
reference:
  citation: "Ex. Board Rule 3.2"
  url: https://law.example.gov/3.2
effective: {from: 2019-07-01, basis: law}
parameters:
  waiting_years:
    description: Years to wait after release
    values: {2019-07-01: 5}
wait_until: "add_years(release_date, waiting_years)"
explain:
  pass: "Released {release_date}; {waiting_years} years have passed."
  fail: "Wait until {wait_until}."
  unknown: "Missing {missing}."
"""


def write_example(folder: Path, manifest: str = MANIFEST, rule: str = RULE) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "ruleset.yaml").write_text(manifest)
    (folder / "waiting_period.yaml").write_text(rule)
    return folder


def _edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def test_the_example_ruleset_is_valid_and_waits_five_years_after_release(tmp_path: Path) -> None:
    ruleset = load_folder(write_example(tmp_path / "ex"))
    (rule,) = ruleset.rules
    assert (rule.required, rule.effective_from, rule.basis) == (True, date(2019, 7, 1), "law")
    facts = {"release_date": date(2015, 3, 1)}
    assert evaluate(ruleset, facts, date(2020, 2, 29)).outcome == "ineligible"
    assert evaluate(ruleset, facts, date(2020, 3, 1)).outcome == "eligible"
    assert ruleset.rule("waiting_period") is ruleset.rule("ex.pardon.waiting_period") is rule
    with pytest.raises(KeyError):
        ruleset.rule("ex.pardon.residence")


def test_dates_may_be_written_in_quotes(tmp_path: Path) -> None:
    rule = _edit(RULE, "{from: 2019-07-01,", '{from: "2019-07-01",')
    (loaded,) = load_folder(write_example(tmp_path / "ex", rule=rule)).rules
    assert loaded.effective_from == date(2019, 7, 1)


def test_an_advisory_rule_is_not_required(tmp_path: Path) -> None:
    rule = _edit(RULE, "kind: required", "kind: advisory")
    ruleset = load_folder(write_example(tmp_path / "ex", rule=rule))
    assert ruleset.rules[0].advisory
    assert ruleset.required_rules == []


PARAMETERS = """\
parameters:
  waiting_years:
    description: Years to wait after release
    values: {2019-07-01: 5}
"""
EXPLAIN = """\
explain:
  pass: "Released {release_date}; {waiting_years} years have passed."
  fail: "Wait until {wait_until}."
  unknown: "Missing {missing}."
"""

# id, file edited, text replaced, replacement, line named, the problem, the fix
RULE_MISTAKES = [
    ("not a mapping", RULE, "- waiting period\n", 1, "must hold a rule", "docs/rules.md"),
    ("title missing", "title: Waiting period after release\n", "", 1, "missing `title`", "title:"),
    (
        "title a list",
        "title: Waiting period after release",
        "title: [a, b]",
        2,
        "`title` must be a text",
        'title: "',
    ),
    (
        "kind unknown",
        "kind: required",
        "kind: optional",
        3,
        "unknown kind 'optional'",
        "kind: advisory",
    ),
    (
        "effective missing",
        "effective: {from: 2019-07-01, basis: law}\n",
        "",
        1,
        "missing `effective.from`",
        "basis: law | knowledge",
    ),
    (
        "effective not a mapping",
        "effective: {from: 2019-07-01, basis: law}",
        "effective: 2019-07-01",
        7,
        "missing `effective.from`",
        "effective: {from: YYYY-MM-DD",
    ),
    (
        "effective unknown key",
        "basis: law}",
        "basis: law, since: 2019-01-01}",
        7,
        "unknown key `effective.since`",
        "from, until and basis",
    ),
    (
        "date not ISO",
        "{from: 2019-07-01,",
        '{from: "July 2019",',
        7,
        "bad date 'July 2019' for effective.from",
        "YYYY-MM-DD",
    ),
    (
        "date a number",
        "{from: 2019-07-01,",
        "{from: 20190701,",
        7,
        "bad date 20190701 for effective.from",
        "YYYY-MM-DD",
    ),
    (
        "repealed before it began",
        "{from: 2019-07-01,",
        "{from: 2019-07-01, until: 2019-06-30,",
        7,
        "effective.until 2019-06-30 is before effective.from 2019-07-01",
        "`until` on or after `from`",
    ),
    (
        "outside_effective unknown",
        "parameters:\n",
        "outside_effective: maybe\nparameters:\n",
        8,
        "unknown outside_effective 'maybe'",
        "pass or fail",
    ),
    (
        "parameters a list",
        PARAMETERS,
        "parameters: [waiting_years]\n",
        8,
        "`parameters` must map names",
        "docs/rules.md",
    ),
    (
        "parameter named like a fact",
        "  waiting_years:\n",
        "  release_date:\n",
        9,
        "parameter `release_date` has the name of a fact",
        "rename the parameter",
    ),
    (
        "parameter without description and values",
        PARAMETERS,
        "parameters:\n  waiting_years: 5\n",
        9,
        "parameter `waiting_years` needs `description` and `values`",
        "docs/rules.md",
    ),
    (
        "parameter value a list",
        "{2019-07-01: 5}",
        "{2019-07-01: [5, 3]}",
        11,
        "value must be a number, text, date or true/false",
        "a single value",
    ),
    (
        "parameter values of two types",
        "{2019-07-01: 5}",
        "{2019-07-01: 5, 2024-01-01: three}",
        11,
        "parameter `waiting_years` mixes value types ['int', 'string']",
        "the same type",
    ),
    (
        "when empty",
        'wait_until: "add_years(release_date, waiting_years)"',
        'when: ""',
        12,
        "`when` must be an expression text",
        "in quotes",
    ),
    (
        "wait_until not a date",
        'wait_until: "add_years(release_date, waiting_years)"',
        'wait_until: "waiting_years"',
        12,
        "`wait_until` gives a number, not a date",
        "add_years(release_date, waiting_years)",
    ),
    (
        "neither when nor wait_until",
        'wait_until: "add_years(release_date, waiting_years)"\n',
        "",
        1,
        "neither `when` nor `wait_until`",
        "under `when:`",
    ),
    (
        "show not a mapping",
        "explain:\n",
        "show: [years]\nexplain:\n",
        13,
        "`show` must map names",
        "docs/rules.md",
    ),
    ("explain missing", EXPLAIN, "explain: none\n", 1, "missing `explain`", "explain: {pass:"),
    (
        "explanation missing",
        '  fail: "Wait until {wait_until}."\n',
        "",
        14,
        "missing explanation `explain.fail`",
        'fail: "',
    ),
    (
        "explanation unknown",
        '  unknown: "Missing {missing}."\n',
        '  unknown: "Missing {missing}."\n  pending: "Later."\n',
        17,
        "unknown explanation `pending`",
        "not_in_effect",
    ),
    (
        "explanation with an unclosed brace",
        '"Wait until {wait_until}."',
        '"Wait until {wait_until."',
        15,
        "explanation `fail`: expected '}' before end of string",
        "{{ for a brace",
    ),
]

MANIFEST_MISTAKES = [
    (
        "ruleset id not jurisdiction/relief",
        "id: ex/pardon",
        "id: ex/parole",
        1,
        "ruleset id `ex/parole` is not <jurisdiction>/<relief>",
        "id: ex/pardon",
    ),
    (
        "combination unknown",
        "rules:\n",
        "combine: any-rule\nrules:\n",
        6,
        "unknown combination 'any-rule'",
        "required-gates",
    ),
    (
        "rules empty",
        "rules:\n  - waiting_period\n",
        "rules: []\n",
        6,
        "`rules` must list the rule file names",
        "rules: [slug",
    ),
    (
        "rules missing",
        "rules:\n  - waiting_period\n",
        "",
        1,
        "`rules` must list the rule file names",
        "rules: [slug",
    ),
    (
        "rule entry a number",
        "  - waiting_period\n",
        "  - waiting_period\n  - 12\n",
        8,
        "rule entry 12 is not a file name",
        "without .yaml",
    ),
    (
        "rule file absent",
        "  - waiting_period\n",
        "  - waiting_period\n  - residence\n",
        8,
        "rule file residence.yaml does not exist",
        "remove `residence` from `rules`",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "line", "problem", "fix"),
    [case[1:] for case in RULE_MISTAKES],
    ids=[case[0] for case in RULE_MISTAKES],
)
def test_a_mistake_in_a_rule_file_names_its_line_and_the_fix(
    tmp_path: Path, old: str, new: str, line: int, problem: str, fix: str
) -> None:
    folder = write_example(tmp_path / "ex", rule=_edit(RULE, old, new))
    _assert_refused(folder, folder / "waiting_period.yaml", line, problem, fix)


@pytest.mark.parametrize(
    ("old", "new", "line", "problem", "fix"),
    [case[1:] for case in MANIFEST_MISTAKES],
    ids=[case[0] for case in MANIFEST_MISTAKES],
)
def test_a_mistake_in_a_ruleset_manifest_names_its_line_and_the_fix(
    tmp_path: Path, old: str, new: str, line: int, problem: str, fix: str
) -> None:
    folder = write_example(tmp_path / "ex", manifest=_edit(MANIFEST, old, new))
    _assert_refused(folder, folder / "ruleset.yaml", line, problem, fix)


def _assert_refused(folder: Path, path: Path, line: int, problem: str, fix: str) -> None:
    with pytest.raises(RuleFileError) as caught:
        load_folder(folder)
    message = caught.value.message
    assert message.startswith(f"{path} line {line}: "), message
    assert problem in message.split("Fix: ", 1)[0], message
    assert fix in message.split("Fix: ", 1)[1], message


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        pytest.param(RULE + "title: Again\n", 17, "key `title` is written twice", id="key twice"),
        pytest.param(RULE + "[a, b]: c\n", 17, "a key must be a plain name", id="key a list"),
        pytest.param(RULE + "note: \x07\n", 1, "unacceptable character", id="control character"),
    ],
)
def test_a_rule_file_that_is_not_plain_yaml_names_its_line(
    tmp_path: Path, text: str, line: int, problem: str
) -> None:
    folder = write_example(tmp_path / "ex", rule=text)
    with pytest.raises(RuleFileError) as caught:
        load_folder(folder)
    message = caught.value.message
    assert message.startswith(f"{folder / 'waiting_period.yaml'} line {line}: bad YAML"), message
    assert problem in message


def test_a_file_that_cannot_be_read_says_why(tmp_path: Path) -> None:
    folder = tmp_path / "waiting_period.tests.yaml"
    folder.mkdir()  # a folder named like a tests file (`clemency rules test` globs for them)
    with pytest.raises(RuleFileError, match=r"waiting_period.tests.yaml: cannot be read \(Is a"):
        load_cases(folder)


def test_a_ruleset_folder_given_itself_as_an_extra_path_is_found(tmp_path: Path) -> None:
    folder = write_example(tmp_path / "ex")
    assert load_ruleset("ex/pardon", [folder]).path == folder
    assert "ex/pardon" in {ruleset.id for ruleset in list_rulesets([folder])}


def test_the_package_names_no_attribute_it_does_not_have() -> None:
    import clemency.eligibility as eligibility

    assert callable(eligibility.compile_ruleset)
    with pytest.raises(AttributeError, match="has no attribute 'compile_rules'"):
        _ = eligibility.compile_rules  # type: ignore[attr-defined]
