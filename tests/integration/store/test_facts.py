"""facts_for_case: records → product.md §5.1 facts, unknown left out; apply_facts goes back."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from clemency.cases import facts as case_facts
from clemency.cases import service as cases
from clemency.errors import BadInput, StaleWrite
from clemency.testing.factories import World, make_case


def _build(session: Session, world: World) -> int:
    admin = world.users[("a", "admin")]
    case = make_case(
        session,
        admin,
        world.orgs["a"],
        person={"given_name": "Pat", "family_name": "Doe", "date_of_birth": "1970-01-31"},
    )
    add = lambda kind, **values: cases.add_part(  # noqa: E731
        session=session, user=admin, case_id=case.id, kind=kind, values=values
    )
    conviction = add(
        "convictions",
        is_primary=True,
        court_kind="federal_district",
        convicted_on="2001-03-01",
        offense_level="felony",
        disposition="plea",
    )
    add("counts", conviction_id=conviction.id, offense_text="Distribution", category="drug")
    add("sentences", conviction_id=conviction.id, prison_months=240, supervised_release_months=60)
    add(
        "custody",
        facility="FCI One",
        started_on="2001-04-01",
        is_transfer_out=True,
        released_on="2010-05-05",
    )
    add("custody", facility="FCI Two", started_on="2010-05-05", released_on="2018-02-01")
    add("conduct_incidents", occurred_on="2005-01-01", severity="high", description="fight")
    return case.id


def test_facts_come_from_the_records_and_unknowns_are_left_out(
    session: Session, world: World
) -> None:
    case = cases.get_for_user(
        session=session, user=world.users[("a", "admin")], case_id=_build(session, world)
    )
    facts = case_facts.facts_for_case(case)
    assert facts == {
        "person_id": case.reference,
        "jurisdiction": "us-federal",
        "date_of_birth": date(1970, 1, 31),
        "conviction_court": "federal_district",
        "conviction_date": date(2001, 3, 1),
        "offense_level": "felony",
        "offense_category": "drug",  # from the only count's category
        "sentence_type": "prison",
        "is_life_sentence": False,
        "sentence_months": 240,
        "custody_start_date": date(2001, 4, 1),
        "is_in_custody": False,
        "release_date": date(2018, 2, 1),
        "latest_release_date": date(2018, 2, 1),
        "was_confined": True,  # a custody stay is recorded
    }
    # Not checked yet: an incident list is not a complete conduct record.
    assert "serious_disciplinary_incidents_count" not in facts
    on_2015 = case_facts.facts_for_case(case, as_of=date(2015, 1, 1))
    assert on_2015["is_in_custody"] is True
    assert "release_date" not in on_2015


def test_apply_facts_writes_columns_and_assertions_and_refuses_computed_ones(
    session: Session, world: World
) -> None:
    admin = world.users[("a", "admin")]
    case_id = _build(session, world)
    case = cases.get_for_user(session=session, user=admin, case_id=case_id)
    result = case_facts.apply_facts(
        session=session,
        user=admin,
        case_id=case_id,
        expected_version=case.version,
        facts={
            "date_of_birth": "1970-02-01",
            "is_violent_offense": False,
            "has_pending_court_challenge": False,
            "likely_lower_sentence_today": True,
        },
    )
    assert result["date_of_birth"] == date(1970, 2, 1)
    assert result["is_violent_offense"] is False
    assert result["has_pending_court_challenge"] is False
    assert result["likely_lower_sentence_today"] is True
    session.commit()
    reread = case_facts.facts_for_case(
        cases.get_for_user(session=session, user=admin, case_id=case_id)
    )
    assert reread == result
    with pytest.raises(StaleWrite):
        case_facts.apply_facts(
            session=session,
            user=admin,
            case_id=case_id,
            expected_version=case.version - 1,
            facts={"resides_in_us": True},
        )
    session.rollback()
    with pytest.raises(BadInput, match="custody"):
        case_facts.apply_facts(
            session=session,
            user=admin,
            case_id=case_id,
            expected_version=cases.get_for_user(
                session=session, user=admin, case_id=case_id
            ).version,
            facts={"is_in_custody": True},
        )


def test_facts_from_health_records_are_left_out_without_the_sensitive_grant(
    session: Session, world: World
) -> None:
    admin = world.users[("a", "admin")]
    case_id = _build(session, world)
    cases.add_part(
        session=session,
        user=admin,
        case_id=case_id,
        kind="health_notes",
        values={"text": "diagnosis", "is_critical_illness": True},
    )
    case = cases.get_for_user(session=session, user=admin, case_id=case_id)
    session.refresh(case)
    assert case_facts.facts_for_case(case)["has_critical_illness"] is True
    assert "has_critical_illness" not in case_facts.facts_for_case(case, include_sensitive=False)


def test_an_answer_given_as_of_a_day_holds_for_that_day_only(
    session: Session, world: World
) -> None:
    """Issue #11 item 11: an answer given while screening as of 2019 silently applied in 2026.
    Asserted facts carry their period; another day reports the fact missing (asked again)."""
    admin = world.users[("a", "admin")]
    case_id = _build(session, world)
    case = cases.get_for_user(session=session, user=admin, case_id=case_id)
    asked = date(2019, 1, 1)
    result = case_facts.apply_facts(
        session=session,
        user=admin,
        case_id=case_id,
        expected_version=case.version,
        facts={"on_supervision": True},
        as_of=asked,
    )
    assert result["on_supervision"] is True
    session.commit()
    case = cases.get_for_user(session=session, user=admin, case_id=case_id)
    (row,) = [r for r in case.asserted_facts if r.name == "on_supervision"]
    assert (row.valid_from, row.valid_until) == (asked, asked)
    assert case_facts.facts_for_case(case, as_of=asked)["on_supervision"] is True
    later = case_facts.facts_for_case(case, as_of=date(2026, 12, 4))
    assert "on_supervision" not in later
    from clemency.eligibility import evaluate, load_ruleset

    d = evaluate(load_ruleset("us-federal/pardon"), later, date(2026, 12, 4))
    assert "on_supervision" in d.missing_facts
    # an answer without a day stays open-ended, as every stored assertion did before
    case_facts.apply_facts(
        session=session,
        user=admin,
        case_id=case_id,
        expected_version=case.version,
        facts={"resides_in_us": True},
    )
    session.commit()
    case = cases.get_for_user(session=session, user=admin, case_id=case_id)
    assert case_facts.facts_for_case(case, as_of=date(2026, 12, 4))["resides_in_us"] is True
