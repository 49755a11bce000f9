"""The states' reliefs are petition kinds on both databases: a petition and a decision of each
kind are stored and read back, and the CHECK constraint still refuses a kind outside the list."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from clemency.petitions.models import Decision, Petition
from clemency.testing.factories import World

STATE_KINDS = (
    "conditional-pardon",
    "restoration-of-rights",
    "firearm-authority",
    "certificate-of-rehabilitation",
)


@pytest.mark.parametrize("kind", STATE_KINDS)
def test_a_petition_and_decision_of_a_state_relief_kind_are_stored(
    session: Session, world: World, kind: str
) -> None:
    case_id = world.cases["b_case"].id
    petition = Petition(case_id=case_id, jurisdiction="us-ga", kind=kind)
    session.add(petition)
    session.flush()
    session.add(Decision(case_id=case_id, petition_id=petition.id, kind=kind, outcome="granted"))
    session.commit()
    session.expire_all()
    assert session.scalars(select(Petition.kind).where(Petition.id == petition.id)).one() == kind
    assert (
        session.scalars(select(Decision.kind).where(Decision.petition_id == petition.id)).one()
        == kind
    )


@pytest.mark.parametrize("table", ["petitions", "decisions"])
def test_the_database_refuses_a_kind_outside_the_list(
    engine: Engine, world: World, table: str
) -> None:
    # Raw SQL, past the ORM's own validation: the CHECK constraint is what refuses.
    case_id = world.cases["b_case"].id
    columns = {
        "petitions": "(case_id, jurisdiction, kind, status) VALUES (:c, 'us-ga', :k, 'draft')",
        "decisions": "(case_id, kind, outcome, decided_on_precision) VALUES (:c, :k, 'granted', 'day')",
    }[table]
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(
            sa.text(f"INSERT INTO {table} {columns}"), {"c": case_id, "k": "amnesty-of-rights"}
        )
