"""Guided intake on a stored case: questions from the rules, answers update case and result."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session

from clemency.errors import BadInput, FactsError, StaleWrite
from clemency.petitions import interview
from clemency.petitions.intake import TOPICS

from .builders import make_alice


def test_answering_updates_the_case_and_the_determination(
    session: Session, org_and_attorney: tuple[Any, Any]
) -> None:
    org, attorney = org_and_attorney
    case = make_alice(session, attorney, org)
    first = interview.interview(
        session=session, user=attorney, case_id=case.id, as_of=date(2017, 6, 1)
    )
    assert {d.ruleset.id for d in first.determinations} == {
        "us-federal/clemency-initiative-2014",
        "us-federal/commutation",
        "us-federal/pardon",
    }
    weights = [q.weight for q in first.questions]
    assert weights == sorted(weights, reverse=True)
    facts = [q.fact for q in first.questions]
    assert "has_pending_court_challenge" in facts
    commutation = next(d for d in first.determinations if d.ruleset.id == "us-federal/commutation")
    assert commutation.outcome == "needs_review"

    after = interview.answer(
        session=session,
        user=attorney,
        case_id=case.id,
        expected_version=first.case_version,
        as_of=date(2017, 6, 1),
        answers={
            "has_pending_court_challenge": "no",
            "other_relief_available": "no",
            "resides_in_us": "",
        },
    )
    remaining = [q.fact for q in after.questions]
    assert "has_pending_court_challenge" not in remaining
    assert "other_relief_available" not in remaining
    assert len(after.questions) < len(first.questions)
    session.refresh(case)
    assert any(f.name == "has_pending_court_challenge" for f in case.asserted_facts)

    open_bool = next(q.fact for q in after.questions if q.type == "bool")
    with pytest.raises(FactsError, match="not a valid answer"):
        interview.answer(
            session=session,
            user=attorney,
            case_id=case.id,
            expected_version=after.case_version,
            as_of=date(2017, 6, 1),
            answers={open_bool: "perhaps"},
        )
    with pytest.raises(BadInput, match="not one of the open questions"):
        interview.answer(
            session=session,
            user=attorney,
            case_id=case.id,
            expected_version=after.case_version,
            as_of=date(2017, 6, 1),
            answers={"has_pending_court_challenge": "yes"},
        )
    with pytest.raises(StaleWrite):
        interview.answer(
            session=session,
            user=attorney,
            case_id=case.id,
            expected_version=first.case_version,
            as_of=date(2017, 6, 1),
            answers={open_bool: "no"},
        )


def test_a_no_alone_creates_no_empty_part_and_the_sentence_can_be_added_later(
    session: Session, org_and_attorney: tuple[Any, Any]
) -> None:
    """Issue #14: "Sentenced to death? no" on a case without a sentence made an empty
    sentence (and the sentence entered later then clashed with it). The answer is kept as an
    asserted fact; the sentence entered afterwards is the only one and its value wins."""
    from clemency.cases import service as cases
    from clemency.cases.facts import facts_for_case
    from clemency.testing.factories import make_case

    org, attorney = org_and_attorney
    case = make_case(session, attorney, org)
    as_of = date(2026, 12, 4)
    first = interview.interview(session=session, user=attorney, case_id=case.id, as_of=as_of)
    assert "is_capital_case" in first.open_facts
    interview.answer(
        session=session,
        user=attorney,
        case_id=case.id,
        expected_version=first.case_version,
        as_of=as_of,
        answers={"is_capital_case": "no", "conviction_court": "?"},
    )
    session.refresh(case)
    assert case.convictions == []
    assert case.sentences == []
    assert facts_for_case(case, as_of=as_of)["is_capital_case"] is False
    conviction = cases.add_part(
        session=session,
        user=attorney,
        case_id=case.id,
        kind="convictions",
        values={"is_primary": True, "court_kind": "federal_district"},
    )
    cases.add_part(
        session=session,
        user=attorney,
        case_id=case.id,
        kind="sentences",
        values={"conviction_id": conviction.id, "prison_months": 120, "is_death": False},
    )
    session.refresh(case)
    assert [s.prison_months for s in case.sentences] == [120]
    assert facts_for_case(case, as_of=as_of)["sentence_months"] == 120


def test_steps_follow_topics_and_branch_on_answers(
    session: Session, org_and_attorney: tuple[Any, Any]
) -> None:
    """The capital-case rule (28 CFR 1.10(b)) reads is_capital_case, then execution_date_set,
    then execution_notice_date: only the first is asked until it is answered yes."""
    from clemency.testing.factories import make_case

    org, attorney = org_and_attorney
    case = make_case(session, attorney, org)
    as_of = date(2026, 12, 4)

    def asked(draft: dict[str, str]) -> dict[str, list[str]]:
        iv = interview.interview(
            session=session, user=attorney, case_id=case.id, as_of=as_of, draft=draft
        )
        return {s.topic: [q.fact for q in s.questions] for s in iv.steps}

    start = asked({})
    topics = list(start)
    assert topics == sorted(topics, key=[t for t, _ in TOPICS].index)
    assert "is_capital_case" in start["sentence"]
    assert "execution_date_set" not in start["sentence"]
    assert "resides_in_us" in start["person"]
    after_no = [fact for facts in asked({"is_capital_case": "no"}).values() for fact in facts]
    assert "execution_date_set" not in after_no
    after_yes = asked({"is_capital_case": "yes"})
    assert "execution_date_set" in after_yes["sentence"]
    assert "execution_notice_date" not in after_yes["sentence"]
    # "I don't know" is settled: not asked again, and the rule asks its next fact instead
    after_unknown = asked({"is_capital_case": "?"})
    assert "is_capital_case" not in after_unknown.get("sentence", [])
    assert "execution_date_set" in after_unknown["sentence"]
