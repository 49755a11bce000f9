"""Rule tests: the ``*.tests.yaml`` files beside rule files, run by pytest and ``clemency rules test``.

A tests file is a list of cases::

    - name: five years on the day of release is enough
      as_of: 2023-06-06
      facts: {release_date: 2018-06-06, sentence_type: prison, is_in_custody: false}
      expect: {rule: pass, reason_contains: "2023-06-06"}

Beside a rule (``<slug>.tests.yaml``) ``expect.rule`` is that rule's outcome and
``reason_contains`` is checked against its explanation. In ``ruleset.tests.yaml`` the case is
about the whole determination: ``outcome``, ``eligible_on``, ``missing_facts``,
``failed_rules`` (ids or slugs) and ``reason_contains`` (any rule's explanation).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from clemency.eligibility.engine import evaluate
from clemency.eligibility.model import MANIFEST, TESTS_SUFFIX, Ruleset, rule_error
from clemency.eligibility.registry import load_folder
from clemency.eligibility.yamlfile import LineDict, LineList, load_yaml
from clemency.errors import ClemencyError

EXPECT_KEYS = {"rule", "outcome", "eligible_on", "missing_facts", "failed_rules", "reason_contains"}


@dataclass
class RuleCase:
    path: Path
    line: int
    name: str
    as_of: date
    facts: dict[str, Any]
    expect: dict[str, Any]
    rule_slug: str | None
    problems: list[str] = field(default_factory=list)


def load_cases(path: Path) -> list[RuleCase]:
    """Parse one tests file; structural problems raise RuleFileError naming the line."""
    data = load_yaml(path)
    if not isinstance(data, LineList):
        raise rule_error(
            path, 1, "a tests file must be a list of cases", "start each case with `- name:`"
        )
    slug = path.name.removesuffix(TESTS_SUFFIX)
    rule_slug = None if slug == MANIFEST.removesuffix(".yaml") else slug
    cases = []
    for index, item in enumerate(data):
        line = data.line_of(index)
        if not isinstance(item, LineDict):
            raise rule_error(
                path, line, "a case must have name, as_of, facts and expect", "see docs/rules.md"
            )
        for key in ("name", "as_of", "expect"):
            if key not in item:
                raise rule_error(path, line, f"case is missing `{key}`", f"add `{key}:`")
        as_of = item["as_of"]
        if not isinstance(as_of, date):
            raise rule_error(
                path, item.line_of("as_of"), f"bad date {as_of!r} for as_of", "write YYYY-MM-DD"
            )
        expect = item["expect"]
        if not isinstance(expect, LineDict) or not expect:
            raise rule_error(
                path,
                item.line_of("expect"),
                "`expect` must map what to check",
                "e.g. expect: {rule: pass}",
            )
        for key in expect:
            if key not in EXPECT_KEYS:
                raise rule_error(
                    path,
                    expect.line_of(key),
                    f"unknown expectation `{key}`",
                    f"use {', '.join(sorted(EXPECT_KEYS))}",
                )
        if "rule" in expect and rule_slug is None:
            raise rule_error(
                path,
                expect.line_of("rule"),
                "`expect.rule` only works beside a rule file",
                "use `outcome` here",
            )
        cases.append(
            RuleCase(
                path=path,
                line=line,
                name=str(item["name"]),
                as_of=as_of,
                facts=dict(item.get("facts") or {}),
                expect=dict(expect),
                rule_slug=rule_slug,
            )
        )
    return cases


def _ids(ruleset: Ruleset, names: list[str]) -> list[str]:
    return [ruleset.rule(name).id for name in names]


def run_case(case: RuleCase, ruleset: Ruleset) -> list[str]:
    """Run one case; return the list of mismatches (empty when it passes)."""
    try:
        determination = evaluate(ruleset, case.facts, case.as_of)
    except ClemencyError as error:
        return [f"error: {error.message}"]
    problems: list[str] = []
    expect = case.expect
    if case.rule_slug is not None:
        result = next(r for r in determination.rules if r.id == ruleset.rule(case.rule_slug).id)
        reasons = [result.explanation]
        if "rule" in expect and result.outcome != expect["rule"]:
            problems.append(f"rule outcome: expected {expect['rule']}, got {result.outcome}")
    else:
        reasons = [r.explanation for r in determination.rules]
    if "outcome" in expect and determination.outcome != expect["outcome"]:
        problems.append(f"outcome: expected {expect['outcome']}, got {determination.outcome}")
    if "eligible_on" in expect and determination.eligible_on != expect["eligible_on"]:
        problems.append(
            f"eligible_on: expected {expect['eligible_on']}, got {determination.eligible_on}"
        )
    if "missing_facts" in expect and determination.missing_facts != sorted(expect["missing_facts"]):
        problems.append(
            f"missing_facts: expected {sorted(expect['missing_facts'])}, got {determination.missing_facts}"
        )
    if "failed_rules" in expect:
        wanted = _ids(ruleset, list(expect["failed_rules"]))
        if determination.failed_rule_ids != wanted:
            problems.append(f"failed_rules: expected {wanted}, got {determination.failed_rule_ids}")
    fragments = expect.get("reason_contains", [])
    for fragment in [fragments] if isinstance(fragments, str) else fragments:
        if not any(str(fragment) in reason for reason in reasons):
            problems.append(
                f"reason should contain {fragment!r}; reasons were: " + " | ".join(reasons)
            )
    return problems


def find_test_files(path: Path) -> Iterator[Path]:
    if path.is_file():
        yield path
        return
    yield from sorted(path.glob(f"**/*{TESTS_SUFFIX}"))


def ruleset_for(test_file: Path) -> Ruleset:
    return load_folder(test_file.parent)
