"""A case carries a petition for a state relief that is not a pardon or commutation (issue
#16): Georgia restoration of firearm rights, started through the petition service, walked by
the Board's lifecycle to a grant by three of five votes, which records a decision of the same
kind; the form for its packet is the Georgia firearm-rights form."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from clemency.documents import forms as packet_forms
from clemency.errors import BadInput, IllegalTransition
from clemency.petitions import service as petitions
from clemency.petitions.models import Decision


def test_georgia_firearm_rights_petition_from_draft_to_grant(
    session: Session, org_and_attorney: tuple[Any, Any]
) -> None:
    from clemency.testing.factories import make_case

    org, attorney = org_and_attorney
    case = make_case(
        session,
        attorney,
        org,
        reference="GA-F-1",
        jurisdiction="us-ga",
        person={"given_name": "Jordan", "family_name": "Sample"},
    )
    petition = petitions.start(
        session=session, user=attorney, case_id=case.id, kind="firearm-authority"
    )
    assert petition.kind == "firearm-authority"
    assert (
        packet_forms.form_id_for(petition.jurisdiction, petition.kind) == "us-ga/firearm-authority"
    )
    # Texas has no firearm-rights relief: refused with the kinds it has.
    with pytest.raises(BadInput, match="has no 'firearm-authority' petitions"):
        petitions.start(
            session=session,
            user=attorney,
            case_id=case.id,
            kind="firearm-authority",
            jurisdiction="us-tx",
        )
    petitions.observe(
        session=session,
        user=attorney,
        case_id=case.id,
        petition_id=petition.id,
        status="pending",
        on=date(2026, 2, 1),
        source="agency_lookup",
    )
    assert petitions.stage_of(session=session, petition=petition).stage == "under_investigation"
    petitions.transition(
        session=session,
        user=attorney,
        case_id=case.id,
        petition_id=petition.id,
        name="calendar_vote",
        on=date(2026, 5, 1),
    )
    # Ga. Const. art. IV §2 ¶II: a majority of the five-member Board; two votes are not one.
    with pytest.raises(IllegalTransition):
        petitions.transition(
            session=session,
            user=attorney,
            case_id=case.id,
            petition_id=petition.id,
            name="grant",
            on=date(2026, 6, 1),
            data={
                "decided_on": "2026-06-01",
                "terms": "Firearm rights restored",
                "votes_for": "2",
                "votes_against": "3",
            },
        )
    view = petitions.transition(
        session=session,
        user=attorney,
        case_id=case.id,
        petition_id=petition.id,
        name="grant",
        on=date(2026, 6, 1),
        source="agency_letter",
        data={
            "decided_on": "2026-06-01",
            "terms": "Firearm rights restored",
            "votes_for": "3",
            "votes_against": "2",
        },
    )
    assert view.stage == "granted"
    session.flush()
    decision = session.scalars(select(Decision).where(Decision.petition_id == petition.id)).one()
    assert (decision.kind, decision.outcome) == ("firearm-authority", "granted")
