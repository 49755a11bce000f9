"""The pytest collector for the ``*.tests.yaml`` files beside rule files.

`clemency.testing.pytest_plugin` hands each file pytest finds to `collect_file`. Each case
becomes one test item named after the case; a failure prints the file and line, the case name,
what was expected and what the rules actually said (with their explanations).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from clemency.eligibility.model import TESTS_SUFFIX
from clemency.eligibility.rule_tests import RuleCase, load_cases, ruleset_for, run_case


class RuleCaseFailed(Exception):
    def __init__(self, case: RuleCase, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.case = case
        self.problems = problems


class RuleTestsFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        for case in load_cases(self.path):
            yield RuleTestItem.from_parent(self, name=case.name, case=case)


class RuleTestItem(pytest.Item):
    def __init__(self, *, case: RuleCase, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        problems = run_case(self.case, ruleset_for(self.case.path))
        if problems:
            raise RuleCaseFailed(self.case, problems)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str:
        if isinstance(excinfo.value, RuleCaseFailed):
            case = excinfo.value.case
            lines = [
                f"{case.path}:{case.line}: {case.name}",
                f"  as_of {case.as_of}, facts {case.facts}",
            ]
            lines += [f"  - {problem}" for problem in excinfo.value.problems]
            return "\n".join(lines)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.case.line - 1, f"rule case: {self.case.name}"


def collect_file(parent: pytest.Collector, file_path: Path) -> RuleTestsFile | None:
    """A collector for a rule-tests file; None for any other file."""
    if file_path.name.endswith(TESTS_SUFFIX):
        return RuleTestsFile.from_parent(parent, path=file_path)
    return None
