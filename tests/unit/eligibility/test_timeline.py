"""The eligibility timeline (issue #11): spans found from the rules, verified at each boundary
and the day before, against the determinations on those days."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from clemency.eligibility import evaluate, load_folder, load_ruleset, validate_facts
from clemency.eligibility.determination import GrantedRelief
from clemency.eligibility.timeline import candidate_days, timeline
from tests.rulesets import example_ruleset

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
ALICE_AFTER = json.loads((EXAMPLES / "alice-johnson-after-commutation.facts.json").read_text())
ALICE_GRANTS = [
    GrantedRelief(kind="commutation", decided_on=date(2018, 6, 6)),
    GrantedRelief(kind="pardon", decided_on=date(2020, 8, 28)),
]


def spans(ruleset: str, facts: dict[str, object], start: date, end: date, **kw: object) -> list:
    line = timeline(load_ruleset(ruleset), facts, start, end, **kw)  # type: ignore[arg-type]
    return [(s.start, s.end, s.outcome) for s in line.spans]


def test_every_span_agrees_with_the_determination_on_its_first_and_last_day() -> None:
    ruleset = load_ruleset("us-federal/pardon")
    line = timeline(
        ruleset, ALICE_AFTER, date(2018, 6, 6), date(2030, 12, 31), granted=ALICE_GRANTS
    )
    assert line.spans[0].start == date(2018, 6, 6)
    assert line.spans[-1].end == date(2030, 12, 31)
    for before, after in zip(line.spans, line.spans[1:], strict=False):
        assert after.start == before.end + timedelta(days=1)
    for span in line.spans:
        for day in (span.start, span.end):
            d = evaluate(ruleset, ALICE_AFTER, day, granted=ALICE_GRANTS)
            assert d.outcome == span.outcome, (day, span)


def test_alice_pardon_timeline_shows_her_wait_the_grant_and_the_residence_horizon() -> None:
    line = timeline(
        load_ruleset("us-federal/pardon"),
        ALICE_AFTER,
        date(2018, 6, 6),
        date(2030, 12, 31),
        granted=ALICE_GRANTS,
    )
    starts = [s.start for s in line.spans]
    # 2020-08-28 the pardon; 2023-06-06 five years after release (28 CFR 1.2); 2024-05-31 the
    # residence rule's knowledge start
    assert starts == [date(2018, 6, 6), date(2020, 8, 28), date(2023, 6, 6), date(2024, 5, 31)]
    assert {s.outcome for s in line.spans} == {"ineligible"}
    granted = line.spans[1].changes
    assert granted[0].rule == "us-federal.pardon.already_granted"
    assert "pardon granted on 2020-08-28" in granted[0].explanation


def test_the_initiative_opened_and_closed_on_its_days() -> None:
    """The 2014 Initiative's criteria apply 2014-04-23 to 2017-01-19 (outside_effective: fail)."""
    facts = {
        "is_in_custody": True,
        "conviction_court": "federal_district",
        "likely_lower_sentence_today": True,
        "is_violent_offense": False,
        "is_low_level_offender": True,
        "gang_or_cartel_ties": False,
        "custody_start_date": "2004-09-15",
        "has_significant_criminal_history": False,
        "serious_disciplinary_incidents_count": 0,
        "has_violence_history": False,
    }
    got = spans("us-federal/clemency-initiative-2014", facts, date(2014, 1, 1), date(2018, 1, 1))
    assert got == [
        (date(2014, 1, 1), date(2014, 4, 22), "ineligible"),  # before the Initiative
        (date(2014, 4, 23), date(2014, 9, 14), "ineligible"),  # only the ten years missing
        (date(2014, 9, 15), date(2017, 1, 19), "eligible"),  # ten years served on 2014-09-15
        (date(2017, 1, 20), date(2018, 1, 1), "ineligible"),
    ]


def test_a_leap_day_release_opens_on_28_february() -> None:
    facts = {
        "conviction_court": "federal_district",
        "offense_level": "felony",
        "sentence_type": "prison",
        "is_in_custody": False,
        "latest_release_date": "2016-02-29",
        "on_supervision": True,
        "supervision_end_date": "2019-02-28",
        "resides_in_us": True,
        "is_deceased": False,
    }
    got = spans("us-federal/pardon", facts, date(2020, 1, 1), date(2026, 1, 1))
    # 2016-02-29 + 5 years = 2021-02-28; but the residence rule is vouched for from 2024-05-31
    assert got == [
        (date(2020, 1, 1), date(2021, 2, 27), "ineligible"),
        (date(2021, 2, 28), date(2024, 5, 30), "needs_review"),
        (date(2024, 5, 31), date(2026, 1, 1), "eligible"),
    ]


def test_a_reversed_range_is_refused() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        timeline(load_ruleset("us-federal/pardon"), {}, date(2020, 1, 2), date(2020, 1, 1))


def _days_since_release(days: int) -> str:
    return (
        "effective: {from: 2000-01-01, basis: law}\n"
        f'when: "days_between(release_date, as_of) >= {days}"\n'
    )


def test_a_change_on_a_day_no_boundary_predicts_is_found_by_bisection(tmp_path: Path) -> None:
    """A condition on days since release reads ``as_of``, so the candidates are release's
    monthly anniversaries (the 10th and 11th); 2020-01-10 + 100 days is 2020-04-19 (21 days
    left in January, 29 in February 2020, 31 in March, then 19) and + 105 days 2020-04-24, both
    inside the stretch from 2020-04-11 to 2020-05-09: its last day differs from its first, and
    bisection must find each of the two changes to the day."""
    ruleset = load_folder(
        example_ruleset(
            tmp_path / "ex",
            {
                "hundred_days": _days_since_release(100),
                "hundred_five_days": _days_since_release(105),
            },
        )
    )
    facts = {"release_date": "2020-01-10"}
    start, end = date(2020, 1, 1), date(2020, 12, 31)
    proposed = candidate_days(ruleset, validate_facts(facts), start, end)
    assert [d for d in proposed if date(2020, 4, 1) <= d <= date(2020, 5, 31)] == [
        date(2020, 4, 10),
        date(2020, 4, 11),
        date(2020, 5, 10),
        date(2020, 5, 11),
    ]
    line = timeline(ruleset, facts, start, end)
    assert [(s.start, s.end, s.outcome) for s in line.spans] == [
        (date(2020, 1, 1), date(2020, 4, 18), "ineligible"),
        (date(2020, 4, 19), date(2020, 4, 23), "ineligible"),  # 100 days met, 105 not yet
        (date(2020, 4, 24), date(2020, 12, 31), "eligible"),
    ]
    assert [(c.rule, c.outcome) for c in line.spans[1].changes] == [
        ("ex.pardon.hundred_days", "pass")
    ]
    assert [(c.rule, c.outcome) for c in line.spans[2].changes] == [
        ("ex.pardon.hundred_five_days", "pass")
    ]


@pytest.mark.parametrize(
    "first_value",
    [
        pytest.param("", id="no parameter value yet"),
        pytest.param("2000-01-01: 9000, ", id="a date off the calendar"),
    ],
)
def test_a_probe_day_whose_waiting_date_cannot_be_computed_proposes_none(
    tmp_path: Path, first_value: str
) -> None:
    """Waiting dates are computed on the first day and on each parameter change. On 2005-01-01
    the rule has no ``waiting_years`` yet (or 9000, and 2005 + 9000 years is past 9999): that
    day proposes no waiting date, while 2010-01-01, when 5 takes effect, still proposes
    2005-06-15 + 5 years = 2010-06-15 and the day after. The other candidates are the release
    date, the day after it and the parameter's day (its other key and ``from`` are before the
    range)."""
    ruleset = load_folder(
        example_ruleset(
            tmp_path / "ex",
            {
                "waiting_period": "effective: {from: 2000-01-01, basis: law}\n"
                "parameters:\n"
                "  waiting_years:\n"
                "    description: Years to wait after release\n"
                f"    values: {{{first_value}2010-01-01: 5}}\n"
                'wait_until: "add_years(release_date, waiting_years)"\n'
            },
        )
    )
    facts = validate_facts({"release_date": "2005-06-15"})
    assert candidate_days(ruleset, facts, date(2005, 1, 1), date(2020, 12, 31)) == [
        date(2005, 6, 15),
        date(2005, 6, 16),
        date(2010, 1, 1),
        date(2010, 6, 15),
        date(2010, 6, 16),
    ]
