"""The eligibility timeline (issue #11): spans found from the rules, verified at each boundary
and the day before, against the determinations on those days."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from clemency.eligibility import evaluate, load_ruleset
from clemency.eligibility.determination import GrantedRelief
from clemency.eligibility.timeline import timeline

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
