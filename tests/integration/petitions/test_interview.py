"""Guided intake on a stored case: questions from the rules, answers update case and result."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session

from clemency.errors import BadInput, FactsError, StaleWrite
from clemency.petitions import interview

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
