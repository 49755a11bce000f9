"""Issue #11 item 10: the deadline calendar and the determination agree for the same facts.

The pardon date on the calendar (petitions/deadlines.py) comes from the us-federal/pardon
ruleset; generated facts (around waiting boundaries, leap days, missing values) and as-of days
check that whenever the determination gives an ``eligible_on``, the calendar gives that day; that
an eligible person's calendar date is not in the future; and that the capital filing deadline is
the last day the capital_timetable rule passes (28 CFR 1.10(b)).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clemency.eligibility import evaluate, load_ruleset
from clemency.eligibility.engine import evaluate_rule
from clemency.petitions import deadlines as dl
from tests.property.test_sql_agreement import EXAMPLES, scenario

PARDON = load_ruleset("us-federal/pardon")
CAPITAL = load_ruleset("us-federal/commutation").rule("capital_timetable")


@settings(
    max_examples=EXAMPLES * 4,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenario("us-federal/pardon"))
def test_the_pardon_calendar_date_is_the_determinations_eligible_on(
    case: tuple[date, list[dict[str, Any]]],
) -> None:
    as_of, rows = case
    for row in rows:
        facts = {k: v for k, v in row.items() if k != "person_id"}
        d = evaluate(PARDON, facts, as_of)
        (deadline,) = [
            x
            for x in dl.compute(dl.DeadlineInputs(facts=facts, as_of=as_of))
            if x.key == "us-federal.pardon_eligible_on"
        ] or [None]
        if d.eligible_on is not None:
            assert deadline is not None, (facts, as_of)
            assert deadline.due_on == d.eligible_on
            # on that day no rule fails: at most some are unknown for want of a fact
            assert "would say ineligible" not in (deadline.warning or "")
        if d.outcome == "eligible":
            assert deadline is not None, (facts, as_of)
            assert deadline.due_on <= as_of
        if deadline is not None and deadline.due_on > as_of:
            assert d.outcome == "ineligible"  # a date still ahead is a waiting period failing


@settings(max_examples=EXAMPLES * 2, deadline=None)
@given(st.dates(date(2000, 8, 2), date(2035, 12, 31)))
def test_the_capital_filing_deadline_is_the_last_day_the_rule_passes(notice: date) -> None:
    due = dl.capital_petition_due_on(notice)
    facts = {"is_capital_case": True, "execution_date_set": True, "execution_notice_date": notice}
    assert evaluate_rule(CAPITAL, facts, due).outcome == "pass"
    assert evaluate_rule(CAPITAL, facts, due + timedelta(days=1)).outcome == "fail"
