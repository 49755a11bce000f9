"""Alice Marie Johnson's real history and a synthetic commutation, walked through the services
with the deadlines checked on their boundary days after every step."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from clemency.audit import service as audit
from clemency.cases import service as cases
from clemency.config import Settings
from clemency.errors import BadInput, IllegalTransition
from clemency.petitions import letters, schedule
from clemency.petitions import service as petitions
from clemency.petitions.deadlines import Deadline

from .builders import ALICE_COUNTS, SYNTHETIC_ANSWERS, make_alice, make_synthetic


def deadlines_by_key(
    session: Session, case: Any, as_of: date = date(2019, 1, 1)
) -> dict[str, Deadline]:
    """The case's deadlines, the rules evaluated as of ``as_of`` (the walk's 2019, not today:
    in 2026 Alice's five years have run and only her unknown supervision is left)."""
    session.expire_all()
    items = schedule.for_case(session=session, case=case, as_of=as_of)
    assert len({d.key for d in items}) == len(items)
    return {d.key: d for d in items}


def assert_boundary(d: Deadline, due: date) -> None:
    assert d.due_on == due
    assert d.status(due - timedelta(days=1)) == "upcoming"
    assert d.status(due) == "due"
    assert d.status(due + timedelta(days=1)) == "passed"


def test_alice_marie_johnson_denial_commutation_outside_the_process_then_pardon(
    session: Session, org_and_attorney: tuple[Any, Any]
) -> None:
    org, attorney = org_and_attorney
    case = make_alice(session, attorney, org)

    # 2016: a commutation petition from the Clemency Initiative era, pending (known from the press).
    petition = petitions.start(session=session, user=attorney, case_id=case.id, kind="commutation")
    v = petitions.observe(
        session=session,
        user=attorney,
        case_id=case.id,
        petition_id=petition.id,
        status="pending",
        on=date(2016, 11, 1),
        precision="month",
        source="press",
        source_detail="https://thehill.com/homenews/administration/303891-thousands-await-decision-from-obama-on-clemency/",
        known_by="public",
    )
    assert v.stage == "docketed"  # inferred: pending on the lookup means docketed at least
    assert v.known is not None
    assert v.known.status == "pending"
    assert v.known.source == "press"
    assert deadlines_by_key(session, case) == {}  # in custody: no pardon clock yet

    # January 2017: denied "weeks before he left office".
    v = petitions.transition(
        session=session,
        user=attorney,
        case_id=case.id,
        petition_id=petition.id,
        name="deny",
        on=date(2017, 1, 1),
        precision="month",
        source="press",
        known_by="public",
        data={"decided_by": "President Barack Obama"},
    )
    assert (v.stage, v.is_open, v.next_steps) == ("denied", False, ())
    d = deadlines_by_key(session, case)
    assert set(d) == {"us-federal.reapply_on"}
    # OPA FAQ: no waiting period; Clemency vouches for that answer from 2024-05-31 only, and
    # the deadline says it cannot tell whether a new petition was possible earlier.
    assert_boundary(d["us-federal.reapply_on"], date(2024, 5, 31))
    assert "does not vouch" in (d["us-federal.reapply_on"].warning or "")

    with pytest.raises(IllegalTransition, match=r"none \(the petition is closed\)"):
        petitions.transition(
            session=session,
            user=attorney,
            case_id=case.id,
            petition_id=petition.id,
            name="grant",
            on=date(2018, 6, 6),
            data={"terms": "time served"},
        )

    # June 6, 2018: commuted to time served through the White House, with no pending petition.
    decision = petitions.record_outside_decision(
        session=session,
        user=attorney,
        case_id=case.id,
        kind="commutation",
        outcome="granted",
        decided_on=date(2018, 6, 6),
        terms="Life sentence commuted to time served",
        decided_by="President Donald J. Trump",
        source_detail="USA Today, June 8, 2018",
    )
    assert decision.petition_id is None
    custody = case.custody[0]
    cases.update_part(
        session=session,
        user=attorney,
        case_id=case.id,
        kind="custody",
        part_id=custody.id,
        expected_version=custody.version,
        changes={"released_on": date(2018, 6, 6)},
    )
    d = deadlines_by_key(session, case)
    assert set(d) == {"us-federal.pardon_eligible_on"}  # the re-application is moot now
    assert_boundary(d["us-federal.pardon_eligible_on"], date(2023, 6, 6))
    assert d["us-federal.pardon_eligible_on"].citation.startswith("28 CFR 1.2")

    # August 28, 2020: full pardon, again outside the process (and before the 28 CFR 1.2 date).
    petitions.record_outside_decision(
        session=session,
        user=attorney,
        case_id=case.id,
        kind="pardon",
        outcome="granted",
        decided_on=date(2020, 8, 28),
        terms="Full pardon",
        decided_by="President Donald J. Trump",
    )
    assert deadlines_by_key(session, case) == {}

    line = petitions.timeline(session=session, user=attorney, case_id=case.id)
    assert [(i.on, i.what) for i in line] == [
        (date(2016, 11, 1), f"Petition {petition.id}: pending"),
        (date(2017, 1, 1), f"Petition {petition.id}: denied"),
        (date(2017, 1, 1), "Decision: commutation denied (petition " + str(petition.id) + ")"),
        (date(2018, 6, 6), "Decision: commutation granted (no petition)"),
        (date(2020, 8, 28), "Decision: pardon granted (no petition)"),
    ]
    assert line[1].precision == "month"
    rows = [
        (e.action, e.entity_type) for e in audit.events_for_case(session=session, case_id=case.id)
    ]
    for row in (
        ("create", "petition"),
        ("create", "petition_event"),
        ("update", "petition"),
        ("create", "decision"),
    ):
        assert row in rows
    assert rows.count(("create", "decision")) == 2
    assert audit.verify_chain(session=session).ok


def _accepted_letter(
    session: Session,
    settings: Settings,
    user: Any,
    case: Any,
    author: str,
    text: str,
    now: datetime,
) -> None:
    req = letters.request_letter(
        session=session,
        user=user,
        case_id=case.id,
        author_name=author,
        relationship="Former employer",
        is_relative=False,
        contact="a@example.org",
        message=None,
        now=now,
    )
    letters.upload_via_link(
        session=session,
        token=req.token,
        now=now + timedelta(days=3),
        settings=settings,
        typed_text=text,
    )
    letters.review(
        session=session,
        user=user,
        case_id=case.id,
        letter_id=req.letter.id,
        accept=True,
        on=(now + timedelta(days=4)).date(),
    )


def test_synthetic_federal_commutation_from_draft_to_grant(
    session: Session, org_and_attorney: tuple[Any, Any], settings: Settings
) -> None:
    from clemency.cases import facts as case_facts
    from clemency.documents import service as documents

    org, attorney = org_and_attorney
    case = make_synthetic(session, attorney, org)
    petition = petitions.start(
        session=session,
        user=attorney,
        case_id=case.id,
        kind="commutation",
        relief_requested="Commutation to time served",
    )
    now = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)

    # Letters: one answered and accepted, one never answered (follow-up on day 14).
    _accepted_letter(
        session,
        settings,
        attorney,
        case,
        "Pat Employer",
        "Jordan worked for me for six years.",
        now,
    )
    silent = letters.request_letter(
        session=session,
        user=attorney,
        case_id=case.id,
        author_name="Sam Silent",
        relationship="Chaplain",
        is_relative=False,
        contact=None,
        message=None,
        now=now,
    )
    d = deadlines_by_key(session, case)
    assert_boundary(d["letters.follow_up_on"], date(2026, 1, 19))
    assert_boundary(d["letters.link_expires_on"], date(2026, 2, 4))
    assert [
        o.author_name
        for o in letters.overdue(session=session, case_ids=[case.id], as_of=date(2026, 1, 19))
    ] == ["Sam Silent"]
    assert letters.overdue(session=session, case_ids=[case.id], as_of=date(2026, 1, 18)) == []
    letters.revoke(
        session=session, user=attorney, case_id=case.id, letter_id=silent.letter.id, now=now
    )

    # Submitting an incomplete packet is refused, naming what is missing.
    with pytest.raises(IllegalTransition) as info:
        petitions.transition(
            session=session,
            user=attorney,
            case_id=case.id,
            petition_id=petition.id,
            name="submit",
            on=date(2026, 2, 2),
            data={"channel": "email"},
            settings=settings,
        )
    assert "Release plan" in info.value.message
    assert info.value.fields["allowed"] == ["submit", "withdraw"]

    documents.set_answers(
        session=session, user=attorney, case_id=case.id, answers=SYNTHETIC_ANSWERS
    )
    session.refresh(case)
    case_facts.apply_facts(
        session=session,
        user=attorney,
        case_id=case.id,
        expected_version=case.version,
        facts={"has_pending_court_challenge": False},
    )
    steps: list[tuple[str, date, dict[str, Any]]] = [
        ("submit", date(2026, 2, 2), {"channel": "email"}),
        ("receive", date(2026, 2, 9), {}),
    ]
    for name, on, data in steps:
        petitions.transition(
            session=session,
            user=attorney,
            case_id=case.id,
            petition_id=petition.id,
            name=name,
            on=on,
            data=data,
            settings=settings,
        )
    d = deadlines_by_key(session, case)
    assert_boundary(d["us-federal.docketing_inquiry_on"], date(2026, 3, 30))  # 8 weeks after filing

    with pytest.raises(BadInput, match="C123456 or P123456"), session.begin_nested():
        petitions.transition(
            session=session,
            user=attorney,
            case_id=case.id,
            petition_id=petition.id,
            name="docket",
            on=date(2026, 3, 2),
            data={"case_number": "123456"},
        )
    session.expire_all()  # the refused write was rolled back with its savepoint
    assert petitions.stage_of(session=session, petition=petition).stage == "received"

    for name, on, data in [
        ("docket", date(2026, 3, 2), {"case_number": "C123456"}),
        ("investigate", date(2026, 4, 1), {}),
        ("recommend", date(2026, 7, 1), {"recommendation": "favorable"}),
        ("dag_sign", date(2026, 7, 15), {}),
        ("transmit", date(2026, 7, 20), {}),
    ]:
        v = petitions.transition(
            session=session,
            user=attorney,
            case_id=case.id,
            petition_id=petition.id,
            name=name,
            on=on,
            data=data,
            source="agency_letter",
        )
    assert v.stage == "at_white_house"
    assert not v.stage_visible_to_petitioner
    assert "us-federal.docketing_inquiry_on" not in deadlines_by_key(session, case)

    # What we know (the public lookup says pending) stays apart from the stage we infer.
    v = petitions.observe(
        session=session,
        user=attorney,
        case_id=case.id,
        petition_id=petition.id,
        status="pending",
        on=date(2026, 8, 3),
        source="agency_lookup",
        source_detail="https://www.justice.gov/pardon/search-pending-clemency-case-files",
    )
    assert (v.stage, v.known.status, v.known.source) == (
        "at_white_house",
        "pending",
        "agency_lookup",
    )  # type: ignore[union-attr]

    # A new administration: carried over, still pending, nothing to resubmit.
    v = petitions.transition(
        session=session,
        user=attorney,
        case_id=case.id,
        petition_id=petition.id,
        name="carry_over",
        on=date(2027, 1, 20),
        source="public_record",
    )
    assert (v.stage, v.carried_over) == ("at_white_house", True)

    with pytest.raises(IllegalTransition, match="a grant needs its terms"):
        petitions.transition(
            session=session,
            user=attorney,
            case_id=case.id,
            petition_id=petition.id,
            name="grant",
            on=date(2027, 3, 1),
            data={"terms": " "},
        )
    v = petitions.transition(
        session=session,
        user=attorney,
        case_id=case.id,
        petition_id=petition.id,
        name="grant",
        on=date(2027, 3, 1),
        source="agency_letter",
        data={
            "terms": "Commuted to expire on 2027-06-01; supervised release unchanged",
            "decided_by": "The President",
        },
    )
    assert (v.stage, v.is_open, v.known.status) == ("granted", False, "granted")  # type: ignore[union-attr]
    session.refresh(case)
    assert case.stage == "decided"
    assert [(x.outcome, x.petition_id) for x in case.decisions] == [("granted", petition.id)]
    statuses = [e.status for e in sorted(case.petition_events, key=lambda e: e.id)]
    assert statuses == [
        "submitted",
        "received",
        "docketed",
        "under_investigation",
        "opa_recommended",
        "dag_signed",
        "at_white_house",
        "pending",
        "carried_over",
        "granted",
    ]


def test_deemed_denial_window_on_its_boundary(
    session: Session, org_and_attorney: tuple[Any, Any], settings: Settings
) -> None:
    org, attorney = org_and_attorney
    case = make_synthetic(session, attorney, org)
    petition = petitions.start(session=session, user=attorney, case_id=case.id, kind="commutation")
    # Filed by someone else: we learn it is at the White House, then of the adverse recommendation.
    petitions.observe(
        session=session,
        user=attorney,
        case_id=case.id,
        petition_id=petition.id,
        status="opa_recommended",
        on=date(2026, 1, 20),
        source="agency_letter",
    )
    petitions.transition(
        session=session,
        user=attorney,
        case_id=case.id,
        petition_id=petition.id,
        name="dag_sign",
        on=date(2026, 1, 31),
        source="agency_letter",
    )
    st = petitions.stage_of(session=session, petition=petition)
    st.adverse_recommendation_on = date(2026, 1, 31)
    session.flush()
    d = deadlines_by_key(session, case)
    assert_boundary(d["us-federal.deemed_denial_on"], date(2026, 3, 2))
    with pytest.raises(IllegalTransition, match="runs until 2026-03-02"):
        petitions.transition(
            session=session,
            user=attorney,
            case_id=case.id,
            petition_id=petition.id,
            name="deem_denied",
            on=date(2026, 3, 1),
        )
    v = petitions.transition(
        session=session,
        user=attorney,
        case_id=case.id,
        petition_id=petition.id,
        name="deem_denied",
        on=date(2026, 3, 2),
    )
    assert v.stage == "denied_deemed"
    assert "us-federal.deemed_denial_on" not in deadlines_by_key(session, case)


def test_recommendation_unfavorable_starts_the_window(
    session: Session, org_and_attorney: tuple[Any, Any]
) -> None:
    org, attorney = org_and_attorney
    case = make_synthetic(session, attorney, org)
    petition = petitions.start(session=session, user=attorney, case_id=case.id, kind="commutation")
    petitions.observe(
        session=session,
        user=attorney,
        case_id=case.id,
        petition_id=petition.id,
        status="under_investigation",
        on=date(2025, 12, 1),
        source="agency_letter",
    )
    petitions.transition(
        session=session,
        user=attorney,
        case_id=case.id,
        petition_id=petition.id,
        name="recommend",
        on=date(2024, 2, 29),
        data={"recommendation": "unfavorable"},
    )
    assert_boundary(
        deadlines_by_key(session, case)["us-federal.deemed_denial_on"], date(2024, 3, 30)
    )


def test_volunteers_and_viewers_cannot_submit(
    session: Session, org_and_attorney: tuple[Any, Any]
) -> None:
    from clemency.errors import PermissionDenied
    from clemency.testing.factories import make_user

    org, attorney = org_and_attorney
    case = make_synthetic(session, attorney, org)
    petition = petitions.start(session=session, user=attorney, case_id=case.id, kind="commutation")
    volunteer = make_user(session, org, "volunteer")
    cases.assign(session=session, user=attorney, case_id=case.id, assignee_id=volunteer.id)
    with pytest.raises(IllegalTransition, match="may be made by staff, not by volunteer"):
        petitions.transition(
            session=session,
            user=volunteer,
            case_id=case.id,
            petition_id=petition.id,
            name="withdraw",
            on=date(2026, 1, 1),
        )
    viewer = make_user(session, org, "viewer")
    with pytest.raises(PermissionDenied):
        petitions.transition(
            session=session,
            user=viewer,
            case_id=case.id,
            petition_id=petition.id,
            name="withdraw",
            on=date(2026, 1, 1),
        )


def test_alice_counts_reach_the_packet_input(
    session: Session, org_and_attorney: tuple[Any, Any], settings: Settings
) -> None:
    from clemency.documents import service as documents

    org, attorney = org_and_attorney
    case = make_alice(session, attorney, org)
    data = documents.packet_input(
        session=session,
        case=case,
        form_id="us-federal/commutation",
        as_of=date(2018, 5, 1),
        settings=settings,
    )
    assert data.person.full_name == "Alice Marie Johnson"
    assert data.person.register_number == "14873-076"
    assert data.person.facility == "FCI Aliceville"
    assert data.convictions[0].offenses == ALICE_COUNTS
    assert data.convictions[0].sentence == "Life imprisonment without parole"
    assert data.convictions[0].court == "U.S. District Court, W.D. Tenn."


def test_oklahoma_two_stage_commutation_with_board_votes(
    session: Session, org_and_attorney: tuple[Any, Any]
) -> None:
    from clemency.testing.factories import make_case

    org, attorney = org_and_attorney
    case = make_case(
        session,
        attorney,
        org,
        reference="OK-1",
        jurisdiction="us-ok",
        person={"given_name": "Riley", "family_name": "Sample"},
    )
    petition = petitions.start(session=session, user=attorney, case_id=case.id, kind="commutation")
    with pytest.raises(BadInput, match="has no 'pardon' petitions"):
        petitions.start(session=session, user=attorney, case_id=case.id, kind="pardon")
    petitions.observe(
        session=session,
        user=attorney,
        case_id=case.id,
        petition_id=petition.id,
        status="pending",
        on=date(2023, 1, 10),
        source="agency_lookup",
    )
    assert petitions.stage_of(session=session, petition=petition).stage == "merit_review"  # Stage 1
    with pytest.raises(IllegalTransition, match="2-2 is not a majority"):
        petitions.transition(
            session=session,
            user=attorney,
            case_id=case.id,
            petition_id=petition.id,
            name="advance_to_stage_2",
            on=date(2023, 3, 1),
            data={"votes_for": "2", "votes_against": "2", "hearing_on": "2023-05-01"},
        )
    petitions.transition(
        session=session,
        user=attorney,
        case_id=case.id,
        petition_id=petition.id,
        name="advance_to_stage_2",
        on=date(2023, 3, 1),
        source="agency_letter",
        data={"votes_for": "3", "votes_against": "1", "hearing_on": "2023-05-01"},
    )
    d = deadlines_by_key(session, case)
    assert_boundary(d["us-ok.hearing_on"], date(2023, 5, 1))
    petitions.transition(
        session=session,
        user=attorney,
        case_id=case.id,
        petition_id=petition.id,
        name="hold_hearing",
        on=date(2023, 5, 1),
    )
    v = petitions.transition(
        session=session,
        user=attorney,
        case_id=case.id,
        petition_id=petition.id,
        name="deny_at_stage_2",
        on=date(2023, 5, 1),
        source="agency_letter",
        data={"votes_for": "2", "votes_against": "3"},
    )
    assert v.stage == "denied"
    d = deadlines_by_key(session, case)
    assert set(d) == {"us-ok.reapply_on"}
    assert_boundary(d["us-ok.reapply_on"], date(2026, 5, 1))  # 3 years after the denial
    st = petitions.stage_of(session=session, petition=petition)
    assert (st.votes_for, st.votes_against) == (2, 3)
    notes = [e.note for e in sorted(case.petition_events, key=lambda e: e.id)]
    assert any("vote 3-1" in (n or "") for n in notes)
    assert any("vote 2-3" in (n or "") for n in notes)
