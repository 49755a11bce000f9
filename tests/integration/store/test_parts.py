"""Parts of a case: validation with clear messages, and nothing half-written."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from clemency.cases import service as cases
from clemency.errors import BadInput, NotFound
from clemency.testing.factories import World


def _add(session: Session, world: World, kind: str, **values: object) -> object:
    return cases.add_part(
        session=session,
        user=world.users[("a", "attorney")],
        case_id=world.cases["a_other"].id,
        kind=kind,
        values=values,
    )


@pytest.mark.parametrize(
    "values",
    [
        {"jurisdiction": "us-federal", "kind": "pardon", "case_number": "123456"},
        {"case_number": "X12", "kind": "pardon", "jurisdiction": "us-federal"},  # order-proof
    ],
)
def test_federal_case_numbers_are_checked(session: Session, world: World, values: dict) -> None:
    with pytest.raises(BadInput, match="C123456 or P123456"):
        cases.add_part(
            session=session,
            user=world.users[("a", "attorney")],
            case_id=world.cases["a_other"].id,
            kind="petitions",
            values=values,
        )


def test_state_case_numbers_are_kept_as_given(session: Session, world: World) -> None:
    petition = cases.add_part(
        session=session,
        user=world.users[("a", "attorney")],
        case_id=world.cases["a_other"].id,
        kind="petitions",
        values={"jurisdiction": "us-ny", "kind": "pardon", "case_number": "NY-2024-17"},
    )
    assert petition.case_number == "NY-2024-17"  # type: ignore[attr-defined]


def test_bad_values_name_the_field_and_the_expected_form(session: Session, world: World) -> None:
    with pytest.raises(BadInput, match=r"Started on: '2020-13-01' is not valid; no such day"):
        _add(session, world, "custody", facility="FCI X", started_on="2020-13-01")
    with pytest.raises(BadInput, match="Facility is required"):
        _add(session, world, "custody", started_on="2020-01-01")
    with pytest.raises(BadInput, match="no editable field 'case_id'"):
        _add(session, world, "notes", text="x", case_id=world.cases["b_case"].id)
    with pytest.raises(BadInput, match="choose one of requested, received"):
        _add(session, world, "support_letters", author_name="A", status="lost")


def test_parts_cannot_point_into_another_case(session: Session, world: World) -> None:
    other = cases.add_part(
        session=session,
        user=world.users[("b", "admin")],
        case_id=world.cases["b_case"].id,
        kind="convictions",
        values={},
    )
    with pytest.raises(BadInput, match="no Conviction"):
        _add(session, world, "counts", conviction_id=other.id, offense_text="x")  # type: ignore[attr-defined]
    with pytest.raises(NotFound):
        cases.update_part(
            session=session,
            user=world.users[("a", "admin")],
            case_id=world.cases["a_other"].id,
            kind="convictions",
            part_id=other.id,
            expected_version=1,
            changes={},  # type: ignore[attr-defined]
        )


def test_a_second_sentence_for_one_conviction_is_refused(session: Session, world: World) -> None:
    conviction = _add(session, world, "convictions", is_primary=True)
    _add(session, world, "sentences", conviction_id=conviction.id, prison_months=12)  # type: ignore[attr-defined]
    with pytest.raises(BadInput, match="refused by the database"):
        _add(session, world, "sentences", conviction_id=conviction.id, prison_months=24)  # type: ignore[attr-defined]


def test_references_stay_unique_within_an_organization(session: Session, world: World) -> None:
    taken = world.cases["a_assigned"].reference
    case = world.cases["a_other"]
    with pytest.raises(BadInput, match="already used"):
        cases.update_case(
            session=session,
            user=world.users[("a", "admin")],
            case_id=case.id,
            expected_version=case.version,
            changes={"reference": taken},
        )
