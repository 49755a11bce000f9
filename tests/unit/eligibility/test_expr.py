"""The condition language: parsing, type checking, safety and three-valued evaluation."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from clemency.eligibility import expr

AS_OF = date(2019, 1, 1)


def run(
    source: str, facts: dict[str, Any] | None = None, params: dict[str, Any] | None = None
) -> expr.Value:
    node = expr.parse(source)
    kinds = {name: expr._lit_type(value) for name, value in (params or {}).items()}
    expr.check(node, kinds)
    return expr.evaluate(node, facts or {}, params or {}, AS_OF)


@pytest.mark.parametrize(
    ("left", "right", "conjunction", "disjunction"),
    [
        (True, True, True, True),
        (True, False, False, True),
        (True, None, None, True),
        (False, None, False, None),
        (None, None, None, None),
        (None, False, False, None),
    ],
)
def test_and_or_follow_kleene_three_valued_logic(
    left: bool | None, right: bool | None, conjunction: bool | None, disjunction: bool | None
) -> None:
    facts = {"is_in_custody": left, "on_supervision": right}
    assert run("is_in_custody and on_supervision", facts) is conjunction
    assert run("is_in_custody or on_supervision", facts) is disjunction
    assert run("not is_in_custody", facts) is (None if left is None else not left)


def test_missing_facts_make_comparisons_arithmetic_and_calls_unknown() -> None:
    assert run("sentence_months * 2 >= 10") is None
    assert run("offense_level in ['felony']") is None
    assert run("add_years(release_date, 5) <= as_of") is None
    assert run("if(is_in_custody, 1, 2) == 1") is None
    assert run("if(is_in_custody, 1, 2) == 1", {"is_in_custody": False}) is False


def test_operators_and_functions_compute() -> None:
    facts = {"release_date": date(2018, 6, 6), "sentence_months": 120, "offense_level": "felony"}
    assert run("add_years(release_date, waiting_years)", facts, {"waiting_years": 5}) == date(
        2023, 6, 6
    )
    assert run("-sentence_months + 3 * 2 - 1", facts) == -115
    assert run("offense_level not in ['misdemeanor']", facts) is True
    assert run("months_between(release_date, as_of)", facts) == 6
    assert run("age_on(date('1955-05-30'), as_of)") == 63
    assert run("add_days(as_of, -1) == date('2018-12-31')") is True
    assert run("add_months(date('2020-01-31'), 1) != date('2020-02-29')") is False
    assert run("as_of > date('2018-12-31') and 'a' == 'a' and true") is True


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("__import__('os')", "unknown function `__import__`"),
        ("release_date.year > 2000", "attribute access"),
        ("release_date = as_of", "`=` is not an operator"),
        ("release_date[0]", "unexpected '['"),
        ("open('x')", "unknown function `open`"),
        ("lambda_x", "unknown fact `lambda_x`"),
        ("release_date + 5", "works on numbers"),
        ("offense_level < 'felony'", "orders numbers and dates"),
        ("offense_level in ['felony', 3]", "not a text"),
        ("add_years(release_date)", "takes 2 arguments"),
        ("date(release_date)", "takes a quoted text"),
        ("is_in_custody and", "expected a value"),
        ("(is_in_custody", "expected `)`"),
        ("is_in_custody is_deceased", "unexpected 'is_deceased'"),
        ("if(is_in_custody, 1, as_of)", "if() gives a number or a date"),
        ("is_in_custody @ 1", "unexpected character '@'"),
        ("not sentence_months", "expected a true/false value, found a number"),
        ("-is_in_custody", "expected a number, found a true/false value"),
        ("offense_level in [offense_category]", "a list may only hold literal values"),
        ("add_years()", "takes 2 arguments"),
    ],
)
def test_unsafe_or_ill_typed_expressions_are_refused(source: str, message: str) -> None:
    with pytest.raises(expr.ExprError) as caught:
        expr.check(expr.parse(source), {})
    assert message in caught.value.message
    assert caught.value.fix


def test_facts_read_lists_facts_once_in_order_of_use() -> None:
    node = expr.parse("is_in_custody and add_years(release_date, 5) <= as_of or not is_in_custody")
    expr.check(node, {})
    assert expr.facts_read(node) == ["is_in_custody", "release_date"]
    negated = expr.parse("-sentence_months < -prior_convictions_count")
    expr.check(negated, {})
    assert expr.facts_read(negated) == ["sentence_months", "prior_convictions_count"]


def test_a_parameter_may_be_a_date() -> None:
    facts = {"release_date": date(2018, 6, 6)}
    assert run("release_date >= cutoff", facts, {"cutoff": date(2018, 6, 6)}) is True
    assert run("release_date >= cutoff", facts, {"cutoff": date(2018, 6, 7)}) is False


def test_date_arithmetic_past_the_calendar_is_a_facts_error_naming_the_fact() -> None:
    from clemency.errors import FactsError

    with pytest.raises(FactsError, match="release_date"):
        run("add_years(release_date, 5) <= as_of", {"release_date": date(9998, 1, 1)})
