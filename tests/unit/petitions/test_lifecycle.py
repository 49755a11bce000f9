from datetime import date
from pathlib import Path

import pytest

from clemency import rulesets
from clemency.errors import IllegalTransition, RuleFileError
from clemency.petitions import lifecycle
from clemency.petitions.lifecycle import TransitionContext

ON = date(2026, 3, 2)
RULESETS_DIR = Path(rulesets.__file__).parent


def ctx(role: str = "staff", **data: object) -> TransitionContext:
    missing = data.pop("packet_missing", ())
    capital = bool(data.pop("capital", False))
    return TransitionContext(
        on=ON,
        role=role,
        data=data,
        packet_missing=missing,
        is_capital_case=capital,  # type: ignore[arg-type]
    )


def test_every_shipped_lifecycle_loads_and_every_state_is_reachable() -> None:
    # One lifecycle per jurisdiction folder of rulesets (tests/unit/test_jurisdictions.py
    # checks the rest of docs/jurisdictions.md's checklist); no fixed list here.
    folders = sorted(
        p.name for p in RULESETS_DIR.iterdir() if p.is_dir() and p.name != "__pycache__"
    )
    assert folders
    assert lifecycle.available() == folders
    for j in lifecycle.available():
        m = lifecycle.load(j)
        reached = {m.spec.initial}
        frontier = [m.spec.initial]
        while frontier:
            state = frontier.pop()
            for t in m.next_steps(state):
                target = t.to or state
                if target not in reached:
                    reached.add(target)
                    frontier.append(target)
        assert reached == set(m.spec.states), j


def test_federal_happy_path_to_grant() -> None:
    m = lifecycle.load("us-federal")
    state = "draft"
    for name, data in [
        ("submit", {"filed_on": ON, "channel": "email"}),
        ("receive", {}),
        ("docket", {"case_number": "C123456"}),
        ("investigate", {}),
        ("recommend", {"recommendation": "favorable"}),
        ("dag_sign", {}),
        ("transmit", {}),
        ("grant", {"decided_on": ON, "terms": "commuted to time served"}),
    ]:
        state = m.check(state, name, ctx(**data))
    assert state == "granted"
    assert m.next_steps(state) == []


def test_submit_refused_while_packet_incomplete_names_what_is_missing() -> None:
    m = lifecycle.load("us-federal")
    with pytest.raises(IllegalTransition) as info:
        m.check(
            "draft", "submit", ctx(filed_on=ON, channel="email", packet_missing=("Release plan",))
        )
    assert "the packet is incomplete: Release plan" in info.value.message
    assert info.value.fields["allowed"] == ["submit", "withdraw"]


def test_submit_refused_when_packet_never_checked() -> None:
    m = lifecycle.load("us-federal")
    context = TransitionContext(on=ON, role="staff", data={"filed_on": ON, "channel": "mail"})
    with pytest.raises(IllegalTransition, match="generate it first"):
        m.check("draft", "submit", context)


def test_grant_needs_date_and_terms() -> None:
    m = lifecycle.load("us-federal")
    with pytest.raises(IllegalTransition) as info:
        m.check("at_white_house", "grant", ctx(decided_on=ON))
    assert "a grant needs its terms" in info.value.message
    assert "deny" in info.value.fields["allowed"]


def test_illegal_transition_lists_allowed_next_steps() -> None:
    m = lifecycle.load("us-federal")
    with pytest.raises(IllegalTransition) as info:
        m.check("draft", "dag_sign", ctx())
    assert "cannot be made from 'Draft'" in info.value.message
    assert "Allowed next steps: submit, withdraw" in info.value.message


def test_closed_petition_allows_nothing() -> None:
    m = lifecycle.load("us-federal")
    with pytest.raises(IllegalTransition, match=r"none \(the petition is closed\)"):
        m.check("denied", "withdraw", ctx())


def test_role_is_enforced() -> None:
    m = lifecycle.load("us-federal")
    with pytest.raises(IllegalTransition, match="may be made by staff, not by volunteer"):
        m.check("docketed", "withdraw", ctx(role="volunteer"))


def test_deemed_denial_only_after_window_and_never_in_capital_cases() -> None:
    m = lifecycle.load("us-federal")
    rec = date(2026, 1, 31)
    early = TransitionContext(
        on=date(2026, 3, 1),
        role="system",
        data={"adverse_recommendation_on": rec, "window_days": 30},
    )
    with pytest.raises(IllegalTransition, match="runs until 2026-03-02"):
        m.check("at_white_house", "deem_denied", early)
    on_day = TransitionContext(
        on=date(2026, 3, 2),
        role="system",
        data={"adverse_recommendation_on": rec, "window_days": 30},
    )
    assert m.check("at_white_house", "deem_denied", on_day) == "denied_deemed"
    capital = TransitionContext(
        on=date(2026, 6, 1),
        role="system",
        data={"adverse_recommendation_on": rec, "window_days": 30},
        is_capital_case=True,
    )
    with pytest.raises(IllegalTransition, match="does not apply to capital cases"):
        m.check("at_white_house", "deem_denied", capital)


def test_carry_over_keeps_the_state() -> None:
    m = lifecycle.load("us-federal")
    assert m.check("docketed", "carry_over", ctx()) == "docketed"
    assert m.transition("carry_over").sets_flag == "carried_over"  # type: ignore[union-attr]


def test_oklahoma_two_stages_with_vote_counts() -> None:
    m = lifecycle.load("us-ok")
    state = m.check("draft", "submit", ctx(filed_on=ON, channel="mail"))
    state = m.check(state, "docket_stage_1", ctx())
    with pytest.raises(IllegalTransition, match="2-2 is not a majority"):
        m.check(state, "advance_to_stage_2", ctx(votes_for=2, votes_against=2, hearing_on=ON))
    state = m.check(state, "advance_to_stage_2", ctx(votes_for=3, votes_against=1, hearing_on=ON))
    assert state == "hearing_scheduled"
    state = m.check(state, "hold_hearing", ctx())
    with pytest.raises(IllegalTransition, match="2 votes for; at least 3 are needed"):
        m.check(state, "recommend_to_governor", ctx(votes_for=2, votes_against=3))
    with pytest.raises(IllegalTransition, match="impossible on a board of 5"):
        m.check(state, "recommend_to_governor", ctx(votes_for=4, votes_against=3))
    with pytest.raises(IllegalTransition, match="not a denial"):
        m.check(state, "deny_at_stage_2", ctx(decided_on=ON, votes_for=3, votes_against=2))
    state = m.check(state, "recommend_to_governor", ctx(votes_for=3, votes_against=2))
    assert m.check(state, "grant", ctx(decided_on=ON, terms="to 20 years")) == "granted"


def test_georgia_board_decides_alone_by_majority() -> None:
    m = lifecycle.load("us-ga")
    assert "governor" not in " ".join(m.spec.states)
    assert (
        m.check("board_vote", "deny", ctx(decided_on=ON, votes_for=2, votes_against=3)) == "denied"
    )
    assert (
        m.check(
            "board_vote",
            "grant",
            ctx(decided_on=ON, terms="full pardon", votes_for=3, votes_against=2),
        )
        == "granted"
    )


def test_observed_status_infers_stage_forward_only() -> None:
    m = lifecycle.load("us-federal")
    assert m.infer_stage("submitted", "pending") == "docketed"
    assert m.infer_stage("at_white_house", "pending") == "at_white_house"
    assert m.infer_stage("denied", "pending") == "denied"


def test_bad_lifecycle_file_names_the_problem() -> None:
    text = """
jurisdiction: us-xx
version: "1"
title: t
authority: a
kinds: [pardon]
initial: draft
states: {draft: {label: Draft}}
transitions:
  - {name: go, label: Go, from: [draft], to: nowhere, roles: [staff]}
"""
    with pytest.raises(RuleFileError, match="names unknown state 'nowhere'"):
        lifecycle.parse(text, "us-xx.yaml")
    with pytest.raises(RuleFileError, match="unknown guard 'psychic'"):
        lifecycle.parse(
            text.replace("to: nowhere", "to: draft, guards: [{name: psychic}]"), "us-xx.yaml"
        )
    with pytest.raises(RuleFileError, match="no lifecycle for 'us-zz'"):
        lifecycle.load("us-zz")
    good = text.replace("to: nowhere", "to: draft")
    calendar = "calendar: {deemed_denial: {days_parameter: window_days, citation: x}}\n"
    with pytest.raises(RuleFileError, match="calendar names parameter 'window_days'"):
        lifecycle.parse(good + calendar, "us-xx.yaml")
    with pytest.raises(RuleFileError, match="reapply_after_months"):
        lifecycle.parse(good + "reapply_after_months: {'*': {2020-01-01: 12}}\n", "us-xx.yaml")


def test_dated_parameter_picks_the_value_in_effect() -> None:
    m = lifecycle.load("us-federal")
    assert m.spec.parameter("deemed_denial_days", date(2026, 1, 1)) == 30
    assert m.spec.parameter("capital_notice_min_days", date(2000, 8, 2)) == 120
    assert m.spec.parameter("capital_supporting_papers_days", date(2026, 1, 1)) == 15


def test_observation_naming_a_stage_or_a_closed_state() -> None:
    m = lifecycle.load("us-federal")
    assert m.infer_stage("docketed", "at_white_house") == "at_white_house"
    assert m.infer_stage("docketed", "granted") == "docketed"  # decisions are transitions
    assert m.infer_stage("docketed", "nonsense") == "docketed"
