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
    seed_demo(session, seed=1, count=14, password=None)
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
        "prior_convictions_count": 0,
        "serious_disciplinary_incidents_count": 0,
    }
    # The sentencing date (1996 or 1997), custody start and the rest are not guessed.
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


def test_synthetic_cases_cover_every_stage_and_are_marked(session: Session) -> None:
    _alice(session)
    stages = Counter(session.scalars(select(Case.stage).where(Case.is_synthetic)))
    assert set(stages) == set(CASE_STAGES)
    assert session.scalars(select(Case.reference).where(Case.is_synthetic.is_(False))).all() == [
        ALICE_REFERENCE
    ]
