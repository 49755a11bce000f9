"""Python and SQL agree: the property the whole design depends on (product.md §4.1).

Hypothesis generates rows of facts for every shipped ruleset, with missing values, dates on
and around each waiting boundary, leap days and month ends, and an ``as_of`` among the
interesting days. The Python evaluator's ``as_row()`` must equal, row for row, what the
compiled SQL returns on SQLite, DuckDB and (with CLEMENCY_TEST_PG_URL) PostgreSQL.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clemency.eligibility import FACTS, evaluate, list_rulesets, screen_row
from clemency.eligibility.dates import add_years
from clemency.eligibility.registry import builtin_root
from clemency.eligibility.rule_tests import find_test_files, load_cases, ruleset_for
from tests.property.profiles import EXAMPLES
from tests.property.sql_backends import Backend, normalise

RULESETS = {r.id: r for r in list_rulesets()}
# Every shipped jurisdiction (so each ruleset's own jurisdiction passes sometimes) and one
# that has none.
JURISDICTIONS = sorted({r.jurisdiction for r in RULESETS.values()} | {"us-zz"})

AS_OF_DAYS = [
    date(1993, 10, 17),
    date(2014, 4, 23),
    date(2016, 8, 1),
    date(2017, 1, 19),
    date(2017, 1, 20),
    date(2018, 6, 1),
    date(2019, 1, 1),
    date(2020, 2, 29),
    date(2021, 2, 28),
    date(2023, 6, 6),
    date(2024, 5, 31),
    date(2025, 3, 1),
]
LEAP_AND_MONTH_ENDS = [
    date(1996, 2, 29),
    date(2000, 2, 29),
    date(2008, 2, 29),
    date(2016, 2, 29),
    date(2020, 2, 29),
    date(2015, 1, 31),
    date(2019, 8, 31),
    date(2021, 2, 28),
]


@st.composite
def fact_dates(draw: st.DrawFn, as_of: date) -> date:
    """A date near a boundary relative to as_of (k years/months back, ±1 day), or a tricky one."""
    kind = draw(st.sampled_from(["boundary", "fixed", "any"]))
    if kind == "fixed":
        return draw(st.sampled_from(LEAP_AND_MONTH_ENDS))
    if kind == "any":
        return draw(st.dates(date(1950, 1, 1), date(2035, 12, 31)))
    years = draw(st.sampled_from([-1, 0, 1, 3, 5, 10, 11]))
    days = draw(st.sampled_from([-31, -1, 0, 1, 30]))
    return add_years(as_of, -years) + timedelta(days=days)


def fact_value(name: str, as_of: date) -> st.SearchStrategy[Any]:
    spec = FACTS[name]
    if spec.type == "bool":
        value: st.SearchStrategy[Any] = st.booleans()
    elif spec.type == "int":
        value = st.integers(0, 300)  # negative counts are refused (validate_facts)
    elif spec.type == "enum":
        value = st.sampled_from(spec.values or ())
    elif spec.type == "date":
        value = fact_dates(as_of)
    elif name == "jurisdiction":
        value = st.sampled_from(JURISDICTIONS)
    else:
        value = st.text(max_size=5)
    return st.one_of(st.none(), value, value)  # two thirds known, one third missing


@st.composite
def scenario(draw: st.DrawFn, ruleset_id: str) -> tuple[date, list[dict[str, Any]]]:
    ruleset = RULESETS[ruleset_id]
    as_of = draw(
        st.one_of(st.sampled_from(AS_OF_DAYS), st.dates(date(1990, 1, 1), date(2030, 12, 31)))
    )
    rows = []
    for i in range(draw(st.integers(1, 8))):
        row: dict[str, Any] = {"person_id": f"p{i}"}
        for name in ruleset.facts_used():
            row[name] = draw(fact_value(name, as_of))
        rows.append(row)
    return as_of, rows


def python_rows(ruleset_id: str, rows: list[dict[str, Any]], as_of: date) -> list[dict[str, Any]]:
    """Both Python paths: the full determination's as_row() and the fast screen_row()."""
    ruleset = RULESETS[ruleset_id]
    full = [normalise(evaluate(ruleset, row, as_of).as_row()) for row in rows]
    assert [normalise(screen_row(ruleset, row, as_of)) for row in rows] == full
    return full


@pytest.mark.no_cover  # volume, not new lines: see docs/architecture.md, "Tests and coverage"
@pytest.mark.parametrize("ruleset_id", sorted(RULESETS))
def test_python_and_sql_agree_on_generated_facts(backend: Backend, ruleset_id: str) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(scenario(ruleset_id))
    def check(case: tuple[date, list[dict[str, Any]]]) -> None:
        as_of, rows = case
        got = sorted(backend.run(RULESETS[ruleset_id], rows, as_of), key=lambda r: r["person_id"])
        assert got == python_rows(ruleset_id, rows, as_of)

    check()


CASES = [case for path in find_test_files(builtin_root()) for case in load_cases(path)]


@pytest.mark.no_cover  # volume, not new lines: see docs/architecture.md, "Tests and coverage"
@pytest.mark.slow
def test_python_and_sql_agree_on_every_rule_test_case(backend: Backend) -> None:
    """The hand-written boundary cases beside the rules, run through SQL too: the cases of one
    ruleset on one day go through one query, as a roster would (a row per case, its file, line
    and name as its person_id, so a disagreement names its case).

    ``slow`` (about 10 s per engine, nearly all of it compiling a ruleset for each of the 263
    days the cases are on): ``make test-fast`` still runs every rule case in Python (the
    ``*.tests.yaml`` items) and Python against SQL on generated facts for every ruleset;
    ``make test`` and CI run this too."""
    assert len(CASES) > 100
    batches: dict[tuple[str, date], list[dict[str, Any]]] = {}
    for case in CASES:
        ruleset = ruleset_for(case.path)
        row = {**case.facts, "person_id": f"{case.path.name}:{case.line} {case.name}"}
        batches.setdefault((ruleset.id, case.as_of), []).append(row)
    assert sum(len(rows) for rows in batches.values()) == len(CASES)
    for (ruleset_id, as_of), rows in batches.items():
        got = {r["person_id"]: r for r in backend.run(RULESETS[ruleset_id], rows, as_of)}
        want = {r["person_id"]: r for r in python_rows(ruleset_id, rows, as_of)}
        assert len(want) == len(rows), f"two cases share a label: {sorted(want)}"
        for label, expected in want.items():
            assert got.get(label) == expected, label
        assert got.keys() == want.keys()
