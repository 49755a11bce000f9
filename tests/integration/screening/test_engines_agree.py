"""Done means: every engine gives identical outcomes, eligible_on dates and reasons.

A generated roster of 10,000 rows (missing cells, invalid values, boundary and leap-day dates)
is screened with every shipped ruleset on DuckDB, on the reference Python engine and on Spark;
the result files must match row for row. The Python and Spark runs are slow-marked but run in
``make test``; a 600-row version of the DuckDB/Python check runs in ``make test-fast`` too.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from clemency.eligibility import expr, list_rulesets
from clemency.eligibility.model import MANIFEST
from clemency.eligibility.registry import builtin_root
from clemency.screening import service
from clemency.screening.synthetic import write_roster
from tests.integration.screening.conftest import AS_OF, INITIATIVE_AS_OF, differences

RULESETS = {r.id: r for r in list_rulesets()}
CASES = [
    pytest.param(r.id, INITIATIVE_AS_OF if "initiative" in r.id else AS_OF, id=r.id)
    for r in RULESETS.values()
]


def run(
    roster: Path, ruleset_id: str, as_of: date, out: Path, engine: str
) -> service.ScreeningResult:
    return service.screen(roster, service.load(ruleset_id), as_of, out, engine=engine)


JURISDICTIONS_DOC = Path(__file__).resolve().parents[3] / "docs" / "jurisdictions.md"


def _documented_rulesets() -> set[str]:
    """The rulesets docs/jurisdictions.md lists under "Shipped jurisdictions" (one table row per
    jurisdiction: its id, then its rulesets)."""
    section = JURISDICTIONS_DOC.read_text().split("## Shipped jurisdictions", 1)[1]
    found: set[str] = set()
    for line in section.split("\n## ", 1)[0].splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) > 2 and cells[0].startswith("`us-"):
            jurisdiction = cells[0].strip("`")
            found |= {f"{jurisdiction}/{name}" for name in re.findall(r"`([^`]+)`", cells[1])}
    return found


def test_the_cases_are_every_ruleset_the_docs_and_the_package_ship() -> None:
    """Every ruleset folder on disk and every ruleset the jurisdictions guide lists is screened
    on every engine (a ruleset the registry skipped, or one missing from the docs, fails)."""
    root = builtin_root()
    on_disk = {"/".join(p.parent.relative_to(root).parts) for p in root.glob(f"*/*/{MANIFEST}")}
    ids = {case.values[0] for case in CASES}
    assert ids == on_disk
    assert ids == _documented_rulesets()
    # every kind of relief the rulesets grant is among them
    assert {RULESETS[i].relief for i in ids} == {
        "pardon",
        "commutation",
        "certificate-of-rehabilitation",
        "firearm-authority",
        "restoration-of-rights",
        "clemency-initiative-2014",  # a screening profile, filed on the commutation form
    }


#: What the language has (clemency/eligibility/expr.py: its grammar and FUNCTIONS), written out.
LANGUAGE = {
    *("literal", "fact", "parameter", "as_of", "not", "negation", "in", "not in"),
    *("+", "-", "*", "==", "!=", "<", "<=", ">", ">=", "and", "or"),
    *(f"{fn}()" for fn in ("date", "add_years", "add_months", "add_days", "years_between")),
    *(f"{fn}()" for fn in ("days_between", "months_between", "age_on", "later", "if")),
}
#: Parts no shipped rule compiles to SQL: tests/property/test_expression_agreement.py generates
#: expressions with every operator and function, so Python and SQL are compared on them there.
NOT_IN_SHIPPED_RULES = {"negation", "age_on()", "months_between()", "years_between()"}


def _language_parts(node: expr.Node) -> set[str]:
    parts: set[str] = set()
    for n in node.walk():
        if isinstance(n, expr.Lit):
            parts.add("literal")
        elif isinstance(n, expr.Name):
            parts.add({"fact": "fact", "param": "parameter", "as_of": "as_of"}[n.kind])
        elif isinstance(n, expr.Not):
            parts.add("not")
        elif isinstance(n, expr.Neg):
            parts.add("negation")
        elif isinstance(n, expr.In):
            parts.add("not in" if n.negated else "in")
        elif isinstance(n, expr.Binary):
            parts.add(n.op)
        elif isinstance(n, expr.Call):
            parts.add(f"{n.fn}()")
        else:
            parts.add(f"unknown node {type(n).__name__}")
    return parts


def test_the_cases_exercise_the_condition_language() -> None:
    """The screened rulesets' compiled conditions and waits use every part of the language but
    the few listed (checked elsewhere), and the list is exact."""
    used: set[str] = set()
    for case in CASES:
        for rule in RULESETS[case.values[0]].required_rules:
            for node in (rule.when, rule.wait_until):
                if node is not None:
                    used |= _language_parts(node)
    assert used == LANGUAGE - NOT_IN_SHIPPED_RULES
    # and the list above is the whole language: a new function, operator or node kind must
    # be screened by a shipped rule or compared in test_expression_agreement.py
    nodes = {"literal", "fact", "parameter", "as_of", "not", "negation", "in", "not in"}
    assert LANGUAGE - nodes == (
        {f"{fn}()" for fn in expr.FUNCTIONS} | expr.ARITHMETIC | expr.COMPARISON | expr.BOOLEAN
    )
    assert {cls.__name__ for cls in expr.Node.__subclasses__()} == {
        "Lit",
        "Name",
        "Not",
        "Neg",
        "Binary",
        "In",
        "Call",
    }


@pytest.mark.parametrize(("ruleset_id", "as_of"), CASES)
def test_duckdb_and_python_agree_on_a_small_roster(
    small_roster: Path, tmp_path: Path, ruleset_id: str, as_of: date
) -> None:
    sql = run(small_roster, ruleset_id, as_of, tmp_path / "duckdb.parquet", "duckdb")
    ref = run(small_roster, ruleset_id, as_of, tmp_path / "python.parquet", "python")
    assert differences(sql.out, ref.out) == []
    assert sql.summary.rows == ref.summary.rows == 600
    assert sql.summary.outcomes == ref.summary.outcomes
    # Agreement means something only if the rows were judged: some refused as invalid, and
    # valid ones that the ruleset read (not every row invalid, nor every row alike).
    outcomes = sql.summary.outcomes
    assert sum(outcomes.values()) == 600
    assert outcomes.get("invalid", 0) > 0
    assert outcomes.get("ineligible", 0) > 0


@pytest.mark.no_cover  # volume, not new lines: see docs/architecture.md, "Tests and coverage"
@pytest.mark.slow
@pytest.mark.parametrize(("ruleset_id", "as_of"), CASES)
def test_duckdb_and_python_agree_on_ten_thousand_rows(
    dirty_roster: Path, tmp_path: Path, ruleset_id: str, as_of: date
) -> None:
    sql = run(dirty_roster, ruleset_id, as_of, tmp_path / "duckdb.parquet", "duckdb")
    ref = run(dirty_roster, ruleset_id, as_of, tmp_path / "python.parquet", "python")
    assert sql.summary.rows == ref.summary.rows == 10_000
    assert differences(sql.out, ref.out) == []
    # The roster really exercises the engines: invalid rows, unknowns and several outcomes.
    # (About 40 invalid rows per column read: us-pa/pardon, which reads two columns, gets 80.)
    assert sql.summary.outcomes.get("invalid", 0) > 50
    assert (
        len([o for o in ("eligible", "ineligible", "needs_review") if sql.summary.outcomes.get(o)])
        >= 2
    )


@pytest.mark.slow
@pytest.mark.spark
@pytest.mark.parametrize(("ruleset_id", "as_of"), CASES)
def test_spark_agrees_with_duckdb_on_ten_thousand_rows(
    spark: Any, dirty_roster: Path, tmp_path: Path, ruleset_id: str, as_of: date
) -> None:
    sql = run(dirty_roster, ruleset_id, as_of, tmp_path / "duckdb.parquet", "duckdb")
    on_spark = run(dirty_roster, ruleset_id, as_of, tmp_path / "spark.parquet", "spark")
    assert on_spark.summary.rows == 10_000
    assert differences(sql.out, on_spark.out) == []


@pytest.mark.slow
def test_the_agreement_roster_hits_waiting_period_edges(tmp_path: Path) -> None:
    """Some people become eligible exactly on the day after as-of, others are on the edge.

    As of a leap day after 2024-05-31: before it the pardon residence rule is not vouched for,
    so no eligible_on can fall there (issue #11 item 2)."""
    as_of = date(2028, 2, 29)
    # Enough rows that some fall on the edge with every other pardon rule passing too.
    roster = write_roster(tmp_path / "roster.csv", 20_000, (as_of, INITIATIVE_AS_OF), dirty=True)
    result = run(roster, "us-federal/pardon", as_of, tmp_path / "r.parquet", "duckdb")
    ((with_date, on_edge),) = duckdb.sql(
        f"SELECT count(*) FILTER (WHERE eligible_on IS NOT NULL), "
        f"count(*) FILTER (WHERE eligible_on <= DATE '{as_of}' + 1) "
        f"FROM read_parquet('{result.out}')"
    ).fetchall()
    assert with_date > 100
    assert on_edge > 0
