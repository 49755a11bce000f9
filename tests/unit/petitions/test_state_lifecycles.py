"""The lifecycles added for issue #16, checked against the law they cite (vote thresholds,
who decides, re-application intervals)."""

from __future__ import annotations

from datetime import date

import pytest

from clemency.errors import IllegalTransition
from clemency.petitions import lifecycle
from clemency.petitions.deadlines import reapply_rules
from clemency.petitions.lifecycle import TransitionContext

ON = date(2026, 3, 2)


def ctx(**data: object) -> TransitionContext:
    return TransitionContext(
        on=ON, role="staff", data=data, packet_missing=(), is_capital_case=False
    )


def test_texas_governor_acts_only_on_a_board_majority_of_seven() -> None:
    m = lifecycle.load("us-tx")
    assert set(m.spec.kinds) == {"pardon", "commutation", "restoration-of-rights"}
    # Tex. Const. art. IV §11(b): a majority of the Board; three of seven is not one.
    with pytest.raises(IllegalTransition, match="3 votes for; at least 4 are needed"):
        m.check("board_vote", "recommend_to_governor", ctx(votes_for=3, votes_against=4))
    assert (
        m.check("board_vote", "board_denies", ctx(decided_on=ON, votes_for=3, votes_against=4))
        == "denied"
    )
    with pytest.raises(IllegalTransition, match="impossible on a board of 7"):
        m.check("board_vote", "recommend_to_governor", ctx(votes_for=5, votes_against=3))
    state = m.check("board_vote", "recommend_to_governor", ctx(votes_for=4, votes_against=3))
    assert state == "governor_review"
    # The Governor may decline a recommendation, and cannot grant without one.
    assert m.check(state, "deny", ctx(decided_on=ON)) == "denied"
    assert "grant" not in {t.name for t in m.next_steps("board_vote")}
    # The re-application wait is the ruleset's rule, not the lifecycle's.
    assert "reapply_after_months" not in type(m.spec).model_fields
    assert [r.id for _, r in reapply_rules("us-tx", "pardon")] == [
        "us-tx.pardon.reapply_after_denial"
    ]


def test_california_twice_convicted_needs_four_justices() -> None:
    m = lifecycle.load("us-ca")
    assert set(m.spec.kinds) == {"pardon", "commutation"}
    state = m.check("governor_review", "refer_to_supreme_court", ctx())
    assert state == "referred"
    # Cal. Const. art. V §8(a): "4 judges concurring" of a court of seven.
    with pytest.raises(IllegalTransition, match="3 votes for; at least 4 are needed"):
        m.check(state, "court_recommends", ctx(votes_for=3, votes_against=4))
    assert (
        m.check(state, "court_declines", ctx(decided_on=ON, votes_for=3, votes_against=4))
        == "denied"
    )
    assert (
        m.check(state, "court_recommends", ctx(votes_for=4, votes_against=3)) == "governor_review"
    )
    # The Governor cannot grant while the Court's recommendation is pending.
    assert "grant" not in {t.name for t in m.next_steps("referred")}
    # A Certificate of Rehabilitation may go to the Governor without a Board investigation.
    assert m.check("submitted", "governor_reviews", ctx()) == "governor_review"
    assert reapply_rules("us-ca", "pardon") == []


def test_illinois_board_advises_and_the_governor_decides() -> None:
    m = lifecycle.load("us-il")
    # 730 ILCS 5/3-3-13: the Board's recommendation is confidential advice, so it cannot
    # itself deny; only the Governor grants or denies.
    assert {t.to for t in m.next_steps("board_vote")} - {None} == {
        "governor_review",
        "withdrawn",
        "closed_without_action",
    }
    assert m.check("governor_review", "deny", ctx(decided_on=ON)) == "denied"
    # (b-5): registered victims notified at least 30 days before the hearing.
    notices = {n.key: n.days_before for n in m.spec.notice_periods}
    assert notices["victim_notice"] == 30
    # (a-5): one full year after the Governor's denial, a rule of each Illinois ruleset.
    for kind in ("pardon", "commutation"):
        ((_, rule),) = reapply_rules("us-il", kind)
        assert rule.params_on(ON) == {"reapply_years": 1}


def test_pennsylvania_majority_and_unanimity_for_death_or_life() -> None:
    m = lifecycle.load("us-pa")
    # Pa. Const. art. IV §9(a): a majority of the five-member Board ...
    with pytest.raises(IllegalTransition, match="2 votes for; at least 3 are needed"):
        m.check("board_vote", "recommend", ctx(votes_for=2, votes_against=3))
    assert (
        m.check("board_vote", "recommend", ctx(votes_for=3, votes_against=2)) == "governor_review"
    )
    # ... and unanimity for a sentence of death or life imprisonment: 4-1 is not enough.
    with pytest.raises(IllegalTransition, match="4 votes for; at least 5 are needed"):
        m.check("board_vote", "recommend_death_or_life", ctx(votes_for=4, votes_against=1))
    assert (
        m.check(
            "board_vote",
            "board_denies_death_or_life",
            ctx(decided_on=ON, votes_for=4, votes_against=1),
        )
        == "denied"
    )
    assert (
        m.check("board_vote", "recommend_death_or_life", ctx(votes_for=5, votes_against=0))
        == "governor_review"
    )
    # A hearing first needs two votes (a majority for life sentences and crimes of violence).
    with pytest.raises(IllegalTransition, match="2 votes for; at least 3 are needed"):
        m.check(
            "merit_review",
            "grant_hearing_life_or_violence",
            ctx(votes_for=2, votes_against=3, hearing_on=ON),
        )
    assert (
        m.check("merit_review", "grant_hearing", ctx(votes_for=2, votes_against=3, hearing_on=ON))
        == "hearing_scheduled"
    )


def test_florida_governor_with_two_cabinet_members() -> None:
    m = lifecycle.load("us-fl")
    # Fla. Const. art. IV §8(a): the approval of two of the three Cabinet members.
    with pytest.raises(IllegalTransition, match="1 votes for; at least 2 are needed"):
        m.check(
            "board_vote",
            "grant",
            ctx(decided_on=ON, terms="full pardon", votes_for=1, votes_against=2),
        )
    granted = m.check(
        "board_vote", "grant", ctx(decided_on=ON, terms="full pardon", votes_for=2, votes_against=1)
    )
    assert granted == "granted"
    # The Governor alone may deny, at any stage.
    assert m.check("submitted", "governor_denies", ctx(decided_on=ON)) == "denied"


def test_florida_commutation_starts_with_a_request_for_review() -> None:
    # Rules of Executive Clemency, Rule 8.B: the Governor and one Board member grant the review,
    # then the Commission investigates; the Governor may still deny at that stage.
    m = lifecycle.load("us-fl")
    assert {"pardon", "commutation", "restoration-of-rights", "firearm-authority"} <= set(
        m.spec.kinds
    )
    assert m.check("submitted", "review_granted", ctx()) == "merit_review"
    assert m.check("merit_review", "investigate", ctx()) == "under_investigation"
    assert m.check("merit_review", "governor_denies", ctx(decided_on=ON)) == "denied"
    # A restoration of civil rights may go to the Board without a hearing (Rule 9).
    assert m.check("under_investigation", "decide_without_hearing", ctx()) == "board_vote"
    with pytest.raises(IllegalTransition):
        m.check(
            "merit_review", "grant", ctx(decided_on=ON, terms="x", votes_for=3, votes_against=0)
        )


def test_georgia_board_restores_rights_and_firearm_rights_by_the_same_vote() -> None:
    m = lifecycle.load("us-ga")
    assert set(m.spec.kinds) == {"pardon", "restoration-of-rights", "firearm-authority"}
