"""Issue #11 item 10: the deadline calendar and the determination agree for the same facts.

The pardon date on the calendar (petitions/deadlines.py) comes from the us-federal/pardon
ruleset; generated facts (around waiting boundaries, leap days, missing values) and as-of days
check that whenever the determination gives an ``eligible_on``, the calendar gives that day; that
an eligible person's calendar date is not in the future; and that the capital filing deadline is
the last day the capital_timetable rule passes (28 CFR 1.10(b)).

The re-application date after a denial (``<jurisdiction>.reapply_on``) is the first day the
ruleset's ``reapply_after_denial`` rule passes: for New York (one year from the notice of the
denial), Oklahoma (OAC 515:15-15-1: three years, unless the Governor recommends it or a statute
changed the penalty) and Illinois (730 ILCS 5/3-3-13(a-5): one full year, unless the Chairman
waives it), the determination on any day from the denial on fails that rule exactly on the days
before the calendar's date, and the ruleset's ``eligible_on`` is that date when only the wait
fails.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clemency.eligibility import evaluate, load_ruleset
from clemency.eligibility.engine import evaluate_rule
from clemency.petitions import deadlines as dl
from clemency.petitions import lifecycle
from tests.property.profiles import EXAMPLES
from tests.property.test_sql_agreement import scenario

PARDON = load_ruleset("us-federal/pardon")
CAPITAL = load_ruleset("us-federal/commutation").rule("capital_timetable")
TIMETABLE = lifecycle.load("us-federal").spec.calendar.capital_timetable


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
        inputs = dl.DeadlineInputs(facts={**facts, "jurisdiction": "us-federal"}, as_of=as_of)
        found: list[dl.Deadline | None] = [
            x for x in dl.compute(inputs) if x.key == "us-federal.pardon_eligible_on"
        ]
        (deadline,) = found or [None]
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
    assert TIMETABLE is not None
    due = dl.capital_petition_due_on(notice, TIMETABLE)
    facts = {"is_capital_case": True, "execution_date_set": True, "execution_notice_date": notice}
    assert evaluate_rule(CAPITAL, facts, due).outcome == "pass"
    assert evaluate_rule(CAPITAL, facts, due + timedelta(days=1)).outcome == "fail"


#: Facts that make each ruleset's other required rules pass, so the wait alone decides.
REAPPLY_CASES: dict[str, dict[str, Any]] = {
    "us-ny/commutation": {
        "jurisdiction": "us-ny",
        "conviction_court": "state",
        "is_in_custody": True,
    },
    "us-ok/commutation": {"jurisdiction": "us-ok", "conviction_court": "state"},
    "us-il/pardon": {"jurisdiction": "us-il", "conviction_court": "state"},
    "us-il/commutation": {"jurisdiction": "us-il", "conviction_court": "state"},
}


@settings(max_examples=EXAMPLES * 4, deadline=None)
@given(
    ruleset_id=st.sampled_from(sorted(REAPPLY_CASES)),
    denied=st.one_of(
        st.sampled_from([date(2020, 2, 29), date(2024, 2, 29), date(2023, 3, 1)]),
        st.dates(date(2019, 1, 1), date(2030, 12, 31)),
    ),
    notice_after=st.integers(0, 60),
    exception=st.booleans(),
    later=st.integers(-2, 1200),
)
def test_the_reapplication_date_is_the_first_day_the_rule_passes(
    ruleset_id: str, denied: date, notice_after: int, exception: bool, later: int
) -> None:
    ruleset = load_ruleset(ruleset_id)
    jurisdiction, kind = ruleset_id.split("/")
    (rule,) = [r for r in ruleset.rules if r.slug == dl.REAPPLY_ROLE]
    facts: dict[str, Any] = {
        "denial_notice_date": denied + timedelta(days=notice_after),
        "governor_recommended_reapplication": exception,
        "penalty_changed_since_denial": False,
        "eligibility_waiver_granted": exception,
    }
    p = dl.PetitionSnapshot(
        id="p", jurisdiction=jurisdiction, kind=kind, stage="denied", decided_on=denied
    )
    (d,) = [
        x
        for x in dl.compute(dl.DeadlineInputs(facts=facts, petitions=[p]))
        if x.key == f"{jurisdiction}.reapply_on"
    ]
    assert d.warning is None, d.warning
    # the same facts, as the determination reads them on any day from the denial on
    case = {
        **REAPPLY_CASES[ruleset_id],
        **facts,
        "has_prior_denial": True,
        "last_denial_date": denied,
    }
    as_of = max(denied, d.due_on + timedelta(days=later))
    det = evaluate(ruleset, case, as_of)
    (result,) = [r for r in det.rules if r.id == rule.id]
    assert (result.outcome == "pass") == (as_of >= d.due_on), (as_of, d.due_on)
    if as_of < d.due_on:
        assert det.eligible_on == d.due_on
    if exception and ruleset_id != "us-ny/commutation":
        assert d.due_on == denied  # the Governor's recommendation / the Chairman's waiver
