"""The demo database: Alice Marie Johnson's public case, and facts that match the record."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from clemency.cases import facts as case_facts
from clemency.cases.demo.alice import ALICE_REFERENCE
from clemency.cases.demo.seed import seed_demo
from clemency.cases.models import Case
from clemency.cases.vocab import CASE_STAGES


def _alice(session: Session) -> Case:
    seed_demo(session=session, seed=1, count=14, password=None)
    session.commit()
    case = session.scalars(select(Case).where(Case.reference == ALICE_REFERENCE)).one()
    return case


def test_facts_for_alice_match_the_public_record(session: Session) -> None:
    alice = _alice(session)
    assert case_facts.facts_for_case(alice) == {
        "person_id": ALICE_REFERENCE,
        "jurisdiction": "us-federal",
        "date_of_birth": date(1955, 5, 30),
        "is_deceased": False,
        "conviction_court": "federal_district",
        "conviction_date": date(1996, 10, 31),
        "offense_level": "felony",
        "offense_category": "drug",
        "is_violent_offense": False,
        "is_capital_case": False,
        "sentence_type": "prison",
        "is_life_sentence": True,
        "is_in_custody": False,
        "release_date": date(2018, 6, 6),
        "latest_release_date": date(2018, 6, 6),
        "was_confined": True,
        "prior_convictions_count": 0,
        "serious_disciplinary_incidents_count": 0,
        # asserted with their source (see examples/README.md for the assumptions)
        "resides_in_us": True,
        "custody_start_date": date(1996, 10, 31),
        "has_pending_court_challenge": False,
        "other_relief_available": False,
        "has_significant_criminal_history": False,
        "has_violence_history": False,
    }
    # The sentencing date (1996 or 1997) and the rest are not guessed.
    before_commutation = case_facts.facts_for_case(alice, as_of=date(2017, 1, 1))
    assert before_commutation["is_in_custody"] is True
    assert "release_date" not in before_commutation
    assert "sentence_date" not in before_commutation


def test_alice_record_shows_the_grant_outside_the_petition_process(session: Session) -> None:
    alice = _alice(session)
    assert alice.is_synthetic is False
    assert alice.person.bop_register_number == "14873-076"
    outcomes = [(d.kind, d.outcome, d.decided_on, d.petition_id is None) for d in alice.decisions]
    assert outcomes == [
        ("commutation", "denied", date(2017, 1, 1), False),
        ("commutation", "granted", date(2018, 6, 6), True),
        ("pardon", "granted", date(2020, 8, 28), True),
    ]
    assert [letter.author_title for letter in alice.support_letters] == [
        "Warden",
        "Case manager",
        "Vocational instructor",
    ]
    assert [stay.facility.split(" (")[0] for stay in alice.custody] == [
        "FMC Carswell",
        "FCI Aliceville",
    ]
    assert len(alice.counts) == 5
    assert alice.conduct_incidents == []
    # Public facts only: nothing about victims or health is invented for a real person.
    assert alice.victim_records == []
    assert alice.health_notes == []


def test_some_synthetic_cases_have_victim_records_and_all_are_marked(session: Session) -> None:
    from clemency.cases.models import VictimRecord

    _alice(session)
    rows = session.execute(select(VictimRecord, Case).join(Case)).all()
    assert rows
    assert all(case.is_synthetic for _, case in rows)
    assert all(r.full_name is None or r.full_name.startswith("Synthetic ") for r, _ in rows)


def test_synthetic_cases_cover_every_stage_and_are_marked(session: Session) -> None:
    _alice(session)
    stages = Counter(session.scalars(select(Case.stage).where(Case.is_synthetic)))
    assert set(stages) == set(CASE_STAGES)
    assert session.scalars(select(Case.reference).where(Case.is_synthetic.is_(False))).all() == [
        ALICE_REFERENCE
    ]


def test_stored_alice_gives_the_issue_outcomes_on_every_ruleset(session: Session) -> None:
    """The stored case, not the example file, drives the three determinations of the story."""
    from clemency.eligibility import evaluate, load_ruleset

    alice = _alice(session)

    def outcome(ruleset: str, day: date) -> tuple[str, object]:
        facts = case_facts.facts_for_case(alice, as_of=day)
        result = evaluate(load_ruleset(ruleset), facts, day).to_json()
        return result["outcome"], result["eligible_on"]

    assert outcome("us-federal/commutation", date(2018, 6, 1)) == ("eligible", None)
    # five years end 2023-06-06, before the residence rule's horizon (2024-05-31): no eligible_on
    assert outcome("us-federal/pardon", date(2019, 1, 1)) == ("ineligible", None)
    assert outcome("us-federal/clemency-initiative-2014", date(2016, 8, 1))[0] == "needs_review"


def test_stored_alice_screened_today_states_her_commutation_and_pardon(session: Session) -> None:
    """Issue #11 item 11: the case page called her eligible for a pardon although her record
    holds the pardon of 2020-08-28. Screening the stored case states both grants and never
    reports the same relief as available again."""
    from clemency.reviews import service as reviews

    alice = _alice(session)
    today = date(2026, 12, 4)
    by_ruleset = {
        s.ruleset.id: s.determination
        for s in reviews.determine(session=session, case=alice, as_of=today)
    }
    pardon = by_ruleset["us-federal/pardon"]
    assert pardon["outcome"] == "ineligible"
    assert pardon["eligible_on"] is None
    assert pardon["granted"] == [
        {"kind": "commutation", "decided_on": "2018-06-06"},
        {"kind": "pardon", "decided_on": "2020-08-28"},
    ]
    granted_rule = next(r for r in pardon["rules"] if r["id"].endswith(".already_granted"))
    assert "pardon granted on 2020-08-28" in granted_rule["explanation"]
    commutation = by_ruleset["us-federal/commutation"]
    assert commutation["outcome"] == "ineligible"
    assert any(
        "commutation granted on 2018-06-06" in r["explanation"] for r in commutation["rules"]
    )
    # as of a day before the pardon, only the commutation is on the record
    before = {
        s.ruleset.id: s.determination
        for s in reviews.determine(session=session, case=alice, as_of=date(2019, 1, 1))
    }
    assert [g["kind"] for g in before["us-federal/pardon"]["granted"]] == ["commutation"]
    assert not any(
        r["id"].endswith(".already_granted") for r in before["us-federal/pardon"]["rules"]
    )
