"""The eligibility strip (issue #14): one line per relief in force, in words."""

from __future__ import annotations

from datetime import date

from clemency.eligibility import evaluate, list_rulesets
from clemency.eligibility.determination import GrantedRelief
from clemency.eligibility.strip import in_force, strip

FEDERAL = {r.id: r for r in list_rulesets(()) if r.jurisdiction == "us-federal"}

#: A federal felony: sentenced 1 March 2010, released 6 June 2022, supervision over. (Days
#: from 31 May 2024 on: before it the residence rule is not vouched for, so "needs review".)
RELEASED = {
    "jurisdiction": "us-federal",
    "conviction_court": "federal_district",
    "offense_level": "felony",
    "sentence_date": "2010-03-01",
    "sentence_type": "prison",
    "is_in_custody": False,
    "was_confined": True,
    "latest_release_date": "2022-06-06",
    "release_date": "2022-06-06",
    "on_supervision": False,
    "is_deceased": False,
    "resides_in_us": True,
}


def _lines(facts: dict[str, object], as_of: date, granted: list[GrantedRelief] | None = None):  # type: ignore[no-untyped-def]
    pairs = [(r, evaluate(r, facts, as_of, granted=granted or [])) for r in FEDERAL.values()]
    return {line.ruleset_id: line for line in strip(pairs)}


def test_the_2014_initiative_is_in_force_only_during_the_initiative() -> None:
    initiative = FEDERAL["us-federal/clemency-initiative-2014"]
    assert in_force(initiative, date(2014, 4, 23))
    assert in_force(initiative, date(2017, 1, 19))
    assert not in_force(initiative, date(2017, 1, 20))
    assert not in_force(initiative, date(2014, 4, 22))
    assert in_force(FEDERAL["us-federal/pardon"], date(2026, 12, 4))


def test_pardon_waits_five_years_from_release() -> None:
    """28 CFR 1.2: no petition until five years after release from confinement."""
    lines = _lines(RELEASED, date(2025, 1, 1))
    pardon = lines["us-federal/pardon"]
    assert pardon.status == "not_yet"
    assert pardon.eligible_on == date(2027, 6, 6)
    assert lines["us-federal/clemency-initiative-2014"].in_force is False
    # rulesets in force come first, the folded ones last
    assert list(lines)[-1] == "us-federal/clemency-initiative-2014"
    assert _lines(RELEASED, date(2027, 6, 6))["us-federal/pardon"].status == "eligible"


def test_a_grant_on_record_is_stated_and_unknowns_become_what_to_ask() -> None:
    granted = [GrantedRelief(kind="pardon", decided_on=date(2026, 1, 15))]
    after = _lines(RELEASED, date(2026, 1, 15), granted)["us-federal/pardon"]
    assert (after.status, after.granted_on) == ("granted", date(2026, 1, 15))
    before = _lines(RELEASED, date(2026, 1, 14), granted)["us-federal/pardon"]
    assert before.status == "not_yet"
    unknown = {k: v for k, v in RELEASED.items() if k != "on_supervision"}
    asked = _lines(unknown, date(2027, 7, 1))["us-federal/pardon"]
    assert asked.status == "needs_review"
    assert asked.ask == ("on_supervision",)
