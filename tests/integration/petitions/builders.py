"""Case builders for the walks: Alice Marie Johnson (public facts, domain.md §7) and a
synthetic federal commutation case. They use the store's services, as the web pages do."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from clemency.cases import service as cases
from clemency.cases.models import Case

ALICE_COUNTS = (
    "Conspiracy to possess with intent to distribute cocaine",
    "Attempted possession with intent to distribute cocaine",
    "Money laundering",
    "Conspiracy to commit money laundering",
    "Structuring",
)


def _part(session: Session, user: Any, case: Case, kind: str, **values: Any) -> Any:
    return cases.add_part(session=session, user=user, case_id=case.id, kind=kind, values=values)


def make_alice(session: Session, user: Any, org: Any) -> Case:
    """Alice Marie Johnson as of 2016: in custody at FCI Aliceville under a life sentence."""
    from clemency.testing.factories import make_case

    case = make_case(
        session,
        user,
        org,
        reference="AMJ-1",
        person={
            "given_name": "Alice",
            "middle_name": "Marie",
            "family_name": "Johnson",
            "name_at_conviction": "Alice Marie Johnson",
            "date_of_birth": date(1955, 5, 30),
            "bop_register_number": "14873-076",
        },
        is_synthetic=False,
        stage="building",
    )
    conviction = _part(
        session,
        user,
        case,
        "convictions",
        is_primary=True,
        court_kind="federal_district",
        court_name="U.S. District Court",
        district="W.D. Tenn.",
        disposition="trial",
        convicted_on=date(1996, 10, 31),
        offense_level="felony",
        offense_category="drug",
        is_violent_offense=False,
    )
    for number, text in enumerate(ALICE_COUNTS, start=1):
        _part(
            session,
            user,
            case,
            "counts",
            conviction_id=conviction.id,
            number=number,
            offense_text=text,
        )
    _part(session, user, case, "sentences", conviction_id=conviction.id, is_life=True)
    _part(session, user, case, "custody", facility="FCI Aliceville")
    return case


def make_synthetic(session: Session, user: Any, org: Any) -> Case:
    """A synthetic federal drug case: 360 months imposed in 2006, in custody since 2005."""
    from clemency.testing.factories import make_case

    case = make_case(
        session,
        user,
        org,
        reference="SYN-1",
        person={
            "given_name": "Jordan",
            "family_name": "Example",
            "date_of_birth": date(1975, 2, 28),
            "bop_register_number": "12345-678",
        },
        stage="building",
    )
    conviction = _part(
        session,
        user,
        case,
        "convictions",
        is_primary=True,
        court_kind="federal_district",
        court_name="U.S. District Court",
        district="N.D. Ill.",
        docket_number="1:05-cr-00123",
        disposition="plea",
        convicted_on=date(2005, 11, 30),
        sentenced_on=date(2006, 3, 1),
        offense_level="felony",
        offense_category="drug",
        is_violent_offense=False,
    )
    _part(
        session,
        user,
        case,
        "counts",
        conviction_id=conviction.id,
        number=1,
        offense_text="Distribution of 50 grams or more of cocaine base, 21 U.S.C. 841(a)(1)",
    )
    _part(
        session,
        user,
        case,
        "sentences",
        conviction_id=conviction.id,
        prison_months=360,
        supervised_release_months=60,
        special_assessment_cents=10000,
    )
    _part(session, user, case, "custody", facility="FCI Greenville", started_on=date(2005, 6, 1))
    return case


SYNTHETIC_ANSWERS = {
    "answers.court_challenges": "Direct appeal affirmed in 2007; a 2255 motion was denied in 2009. Nothing is pending.",
    "answers.criminal_history": "One misdemeanor possession conviction in 1996.",
    "answers.offense_account": "Sold crack cocaine to support an addiction; no weapons, no violence.",
    "answers.reasons": "Would receive a far lower sentence under the Fair Sentencing Act and First Step Act. "
    * 20,
    "answers.release_plan": "Live with a sister in Chicago; a job offer from a community bakery.",
    "person.citizenship": "United States",
}
