"""cases.facts, rule by rule (its module docstring): nothing is guessed, a fact whose records
are missing or incomplete is unknown, and a facts form writes each fact to its one home."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session

from clemency.cases import facts as case_facts
from clemency.cases import service as cases
from clemency.cases.models import Case
from clemency.errors import BadInput, FactsError
from clemency.testing.factories import World, make_case


class Record:
    """One case of organization ``a``, built part by part through the case service."""

    def __init__(self, session: Session, world: World, **case: Any) -> None:
        self.session = session
        self.admin = world.users[("a", "admin")]
        self.id = make_case(session, self.admin, world.orgs["a"], **case).id

    def add(self, kind: str, **values: Any) -> Any:
        return cases.add_part(
            session=self.session, user=self.admin, case_id=self.id, kind=kind, values=values
        )

    def set(self, **changes: Any) -> None:
        cases.update_case(
            session=self.session,
            user=self.admin,
            case_id=self.id,
            expected_version=self.case().version,
            changes=changes,
        )

    def case(self) -> Case:
        case = cases.get_for_user(session=self.session, user=self.admin, case_id=self.id)
        self.session.refresh(case)
        return case

    def facts(self, as_of: date | None = None) -> dict[str, object]:
        return case_facts.facts_for_case(self.case(), as_of=as_of)

    def apply(self, as_of: date | None = None, **facts: object) -> dict[str, object]:
        return case_facts.apply_facts(
            session=self.session,
            user=self.admin,
            case_id=self.id,
            expected_version=self.case().version,
            facts=facts,
            as_of=as_of,
        )


CONVICTION_FACTS = {"conviction_court", "conviction_date", "offense_level", "offense_category"}


def test_the_conviction_facts_come_from_the_primary_one_or_the_only_one(
    session: Session, world: World
) -> None:
    record = Record(session, world)
    first = record.add("convictions", convicted_on="2001-03-01", court_kind="federal_district")
    assert record.facts()["conviction_date"] == date(2001, 3, 1)  # the only one
    record.add("convictions", convicted_on="2005-06-01", court_kind="state")
    # Two convictions and none marked: relief is sought for one of them, but which is unknown.
    assert not CONVICTION_FACTS & set(record.facts())
    cases.update_part(
        session=session,
        user=record.admin,
        case_id=record.id,
        kind="convictions",
        part_id=first.id,
        expected_version=first.version,
        changes={"is_primary": True},
    )
    facts = record.facts()
    assert (facts["conviction_date"], facts["conviction_court"]) == (
        date(2001, 3, 1),
        "federal_district",
    )


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param(
            {"is_death": True},
            {"sentence_type": "death", "is_capital_case": True},
            id="death",
        ),
        pytest.param(
            {"is_life": True},
            {"sentence_type": "prison", "is_life_sentence": True},
            id="life, no months",
        ),
        pytest.param(
            {"prison_months": 0, "probation_months": 36},
            {"sentence_type": "probation", "is_life_sentence": False, "sentence_months": 0},
            id="probation only",
        ),
        pytest.param(
            {"prison_months": 0, "fine_cents": 50_000},
            {"sentence_type": "fine_only", "is_life_sentence": False, "sentence_months": 0},
            id="fine only",
        ),
        pytest.param({"fine_cents": 50_000}, {}, id="a fine, prison unknown"),
    ],
)
def test_the_sentence_type_is_named_only_from_what_the_sentence_says(
    session: Session, world: World, sentence: dict[str, Any], expected: dict[str, object]
) -> None:
    record = Record(session, world)
    conviction = record.add("convictions", is_primary=True)
    record.add("sentences", conviction_id=conviction.id, **sentence)
    facts = record.facts()
    sentence_facts = {"sentence_type", "is_capital_case", "is_life_sentence", "sentence_months"}
    assert {name: facts[name] for name in sentence_facts & set(facts)} == expected


def test_a_sentence_of_another_conviction_says_nothing_about_the_primary_one(
    session: Session, world: World
) -> None:
    record = Record(session, world)
    record.add("convictions", is_primary=True, convicted_on="2010-01-01")
    other = record.add("convictions", convicted_on="1999-01-01")
    record.add("sentences", conviction_id=other.id, is_life=True)
    assert "is_life_sentence" not in record.facts()
    assert "sentence_type" not in record.facts()


def test_custody_facts_without_a_stay_or_after_a_transfer_out_are_unknown(
    session: Session, world: World
) -> None:
    record = Record(session, world)
    custody = {"custody_start_date", "is_in_custody", "release_date", "was_confined"}
    # No stay recorded is not proof of no confinement.
    assert not custody & set(record.facts())
    record.add(
        "custody",
        facility="County jail",
        started_on="2012-02-01",
        released_on="2013-03-01",
        is_transfer_out=True,
    )
    facts = record.facts()
    # Transferred out: the person went on to another facility not recorded yet, so whether
    # they are still held and when they were released are not known.
    assert {name: facts[name] for name in custody & set(facts)} == {
        "custody_start_date": date(2012, 2, 1),
        "was_confined": True,
    }
    # As of a day before the first stay began, nothing had happened yet.
    assert not custody & set(record.facts(as_of=date(2012, 1, 31)))


def test_prior_convictions_are_counted_only_once_the_criminal_history_was_checked(
    session: Session, world: World
) -> None:
    record = Record(session, world)
    primary = record.add("convictions", is_primary=True, convicted_on="2010-05-01")
    record.add("convictions", convicted_on="2001-01-01")
    record.add("convictions", convicted_on="2015-01-01")  # later: not a prior
    assert "prior_convictions_count" not in record.facts()  # not looked at yet
    record.set(criminal_history_checked_on="2020-01-01")
    assert record.facts()["prior_convictions_count"] == 1
    undated = record.add("convictions")
    # One conviction without a date could be a prior or not.
    assert "prior_convictions_count" not in record.facts()
    cases.delete_part(
        session=session,
        user=record.admin,
        case_id=record.id,
        kind="convictions",
        part_id=undated.id,
        expected_version=undated.version,
    )
    cases.update_part(
        session=session,
        user=record.admin,
        case_id=record.id,
        kind="convictions",
        part_id=primary.id,
        expected_version=primary.version,
        changes={"convicted_on": None},
    )
    # Nor can priors be counted before a conviction whose own date is unknown.
    assert "prior_convictions_count" not in record.facts()


def test_serious_incidents_are_counted_by_the_day_once_the_conduct_record_was_checked(
    session: Session, world: World
) -> None:
    record = Record(session, world)
    record.add("conduct_incidents", occurred_on="2005-01-01", severity="greatest", description="a")
    record.add("conduct_incidents", occurred_on="2009-01-01", severity="high", description="b")
    record.add("conduct_incidents", occurred_on="2010-01-01", severity="low", description="c")
    assert "serious_disciplinary_incidents_count" not in record.facts()
    record.set(conduct_record_checked_on="2020-01-01")
    assert record.facts()["serious_disciplinary_incidents_count"] == 2
    assert record.facts(as_of=date(2006, 1, 1))["serious_disciplinary_incidents_count"] == 1
    record.add("conduct_incidents", occurred_on="2011-01-01", description="severity not known")
    # An incident of unknown severity may be a serious one.
    assert "serious_disciplinary_incidents_count" not in record.facts()
    assert record.facts(as_of=date(2010, 6, 1))["serious_disciplinary_incidents_count"] == 2


def test_the_offense_category_comes_from_the_conviction_or_from_counts_that_agree(
    session: Session, world: World
) -> None:
    record = Record(session, world)
    conviction = record.add("convictions", is_primary=True)
    record.add("counts", conviction_id=conviction.id, offense_text="Robbery", category="violent")
    facts = record.facts()
    # A violent category makes the offense violent when the conviction does not say.
    assert (facts["offense_category"], facts["is_violent_offense"]) == ("violent", True)
    record.add("counts", conviction_id=conviction.id, offense_text="Possession", category="drug")
    assert "offense_category" not in record.facts()  # counts disagree
    assert "is_violent_offense" not in record.facts()
    cases.update_part(
        session=session,
        user=record.admin,
        case_id=record.id,
        kind="convictions",
        part_id=conviction.id,
        expected_version=conviction.version,
        changes={"offense_category": "drug", "is_violent_offense": False},
    )
    facts = record.facts()
    assert (facts["offense_category"], facts["is_violent_offense"]) == ("drug", False)


def test_a_value_from_the_records_wins_over_an_asserted_one(session: Session, world: World) -> None:
    record = Record(session, world)
    record.apply(is_capital_case=False)  # no conviction yet: kept as an assertion
    assert record.facts()["is_capital_case"] is False
    assert record.case().convictions == []
    conviction = record.add("convictions", is_primary=True)
    record.add("sentences", conviction_id=conviction.id, is_death=True)
    assert record.facts()["is_capital_case"] is True


@pytest.mark.parametrize(
    ("name", "raw", "value"),
    [
        ("is_deceased", "TRUE", True),
        ("is_deceased", "false", False),
        ("is_deceased", False, False),
        ("sentence_months", "120", 120),
        ("sentence_months", 7, 7),
        ("conviction_date", "2001-03-01", date(2001, 3, 1)),
        ("conviction_date", date(2001, 3, 1), date(2001, 3, 1)),
        ("offense_level", "felony", "felony"),
        ("a_fact_not_in_the_vocabulary_on", "2020-02-29", date(2020, 2, 29)),
        ("a_fact_not_in_the_vocabulary", 2.5, 2.5),
        ("is_deceased", "", None),
        ("sentence_months", None, None),
    ],
)
def test_a_fact_value_is_read_by_its_type(name: str, raw: object, value: object) -> None:
    assert case_facts.coerce_fact(name, raw) == value


@pytest.mark.parametrize(
    ("name", "raw", "why"),
    [
        ("is_deceased", "yes", "expected true or false"),
        ("sentence_months", True, "expected a whole number"),
        ("sentence_months", "ten", "invalid literal"),
        ("offense_level", "infraction", "expected one of felony, misdemeanor"),
        ("conviction_date", "March 2001", "Invalid isoformat"),
        ("a_fact_not_in_the_vocabulary", ["a", "list"], "not a plain value"),
    ],
)
def test_a_fact_value_of_the_wrong_type_is_refused_naming_the_fact(
    name: str, raw: object, why: str
) -> None:
    with pytest.raises(FactsError, match=f"fact {name}: .*{why}") as caught:
        case_facts.coerce_fact(name, raw)
    assert caught.value.fields == {"fact": name}


def test_a_facts_form_creates_the_conviction_and_sentence_its_answers_need(
    session: Session, world: World
) -> None:
    record = Record(session, world)
    # A blank answer beside a real one: the conviction is made for the real one only.
    assert record.apply(conviction_date=None, offense_level="felony")["offense_level"] == "felony"
    (conviction,) = record.case().convictions
    assert conviction.convicted_on is None
    assert record.apply(is_capital_case=None, sentence_months=None) == record.facts()
    assert record.case().sentences == []
    facts = record.apply(conviction_date="2003-04-05", is_capital_case=None, sentence_months="96")
    case = record.case()
    (conviction,) = case.convictions
    assert (conviction.is_primary, conviction.convicted_on) == (True, date(2003, 4, 5))
    (sentence,) = case.sentences
    assert (sentence.conviction_id, sentence.prison_months) == (conviction.id, 96)
    assert (facts["conviction_date"], facts["sentence_months"]) == (date(2003, 4, 5), 96)
    # A second answer updates the same sentence; the same answer again changes nothing.
    record.apply(sentence_months=120)
    version = record.case().version
    assert record.apply(sentence_months=120, conviction_date="2003-04-05")["sentence_months"] == 120
    assert record.case().version == version
    (sentence,) = record.case().sentences
    assert sentence.prison_months == 120


def test_a_facts_form_never_makes_an_empty_record_or_guesses_the_primary_conviction(
    session: Session, world: World
) -> None:
    record = Record(session, world)
    version = record.case().version
    # Clearing facts of records that do not exist changes nothing.
    assert "conviction_date" not in record.apply(conviction_date=None, sentence_months=None)
    assert record.case().convictions == []
    assert record.case().version == version
    conviction = record.add("convictions", is_primary=True)
    assert "sentence_months" not in record.apply(sentence_months="")
    assert record.case().sentences == []
    cases.update_part(
        session=session,
        user=record.admin,
        case_id=record.id,
        kind="convictions",
        part_id=conviction.id,
        expected_version=conviction.version,
        changes={"is_primary": False},
    )
    record.add("convictions")
    with pytest.raises(BadInput, match="none is marked primary") as caught:
        record.apply(offense_level="felony")
    assert caught.value.fields == {"field": "offense_level"}


def test_a_facts_form_changes_the_case_and_person_columns_but_never_blanks_the_jurisdiction(
    session: Session, world: World
) -> None:
    record = Record(session, world)
    facts = record.apply(jurisdiction="us-ga", date_of_birth="1960-07-04", is_deceased=False)
    assert (facts["jurisdiction"], facts["date_of_birth"]) == ("us-ga", date(1960, 7, 4))
    assert record.case().jurisdiction == "us-ga"
    assert record.case().person.date_of_birth == date(1960, 7, 4)
    versions = (record.case().version, record.case().person.version)
    record.apply(jurisdiction="us-ga", date_of_birth=date(1960, 7, 4))  # the same answers
    assert (record.case().version, record.case().person.version) == versions
    with pytest.raises(BadInput, match="always has a jurisdiction"):
        record.apply(jurisdiction=None)


def test_a_computed_fact_given_its_current_value_is_accepted_unchanged(
    session: Session, world: World
) -> None:
    record = Record(session, world)
    record.add("custody", facility="FCI", started_on="2010-01-01")
    version = record.case().version
    assert record.apply(is_in_custody=True)["is_in_custody"] is True
    assert record.case().version == version
    with pytest.raises(BadInput, match="computed from the custody stays"):
        record.apply(is_in_custody=False)


def test_an_asserted_answer_is_replaced_then_cleared(session: Session, world: World) -> None:
    record = Record(session, world)
    record.apply(has_pending_court_challenge=True)
    version = record.case().version
    record.apply(has_pending_court_challenge=True)  # the same answer: nothing written
    assert record.case().version == version
    record.apply(has_pending_court_challenge=False)
    (row,) = record.case().asserted_facts
    assert (row.name, row.value_json) == ("has_pending_court_challenge", "false")
    # The same value given for a day replaces the open-ended answer with that day's.
    record.apply(as_of=date(2024, 1, 1), has_pending_court_challenge=False)
    (row,) = record.case().asserted_facts
    assert (row.valid_from, row.valid_until) == (date(2024, 1, 1), date(2024, 1, 1))
    record.apply(has_pending_court_challenge=None)
    assert record.case().asserted_facts == []
    assert "has_pending_court_challenge" not in record.facts()
    record.apply(has_pending_court_challenge=None)  # clearing what is not there: no change
    assert record.case().asserted_facts == []
