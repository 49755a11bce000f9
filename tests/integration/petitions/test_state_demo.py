"""The synthetic demo case of each state added by issue #16: imported through the import
service, it gives the determination its state's law gives (expected values worked out from
the rule texts, see each case) and renders its state's packet."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from clemency.config import Settings

# (reference, ruleset, as_of, outcome, eligible_on, form): worked out by hand from the law.
EXPECTED = [
    # Texas: sentence discharged 2016-04-01 (37 TAC §143.6), a conviction not a deferred
    # adjudication (no ten-year wait), a prison sentence (§143.9 does not apply), no denial.
    ("SYN-US-TX-1", "us-tx/pardon", date(2026, 1, 1), "eligible", None, "us-tx/pardon"),
    # California: one felony (no Supreme Court step), no Certificate of Rehabilitation and no
    # waiver, discharged from parole 2018-06-30: the Governor's ten-year rule runs to
    # 2028-06-30.
    (
        "SYN-US-CA-1",
        "us-ca/pardon",
        date(2026, 1, 1),
        "ineligible",
        date(2028, 6, 30),
        "us-ca/pardon",
    ),
    # Illinois: no waiting period for a first petition, but the Governor denied one on
    # 2025-05-01: 730 ILCS 5/3-3-13(a-5) bars a repeat petition for one full year.
    (
        "SYN-US-IL-1",
        "us-il/pardon",
        date(2026, 1, 1),
        "ineligible",
        date(2026, 5, 1),
        "us-il/pardon",
    ),
    # Pennsylvania: a Pennsylvania life sentence, not capital, so the ten-day warrant window
    # does not apply; the unanimity the Constitution requires is a vote, not eligibility.
    (
        "SYN-US-PA-1",
        "us-pa/commutation",
        date(2026, 1, 1),
        "eligible",
        None,
        "us-pa/commutation",
    ),
    # Florida: probation completed 2019-09-30; Rule 5.A's ten years run to 2029-09-30; $300
    # of costs is under the $1,000 limit; no restitution; nothing pending.
    (
        "SYN-US-FL-1",
        "us-fl/pardon",
        date(2026, 1, 1),
        "ineligible",
        date(2029, 9, 30),
        "us-fl/pardon",
    ),
    # New York pardon: a New York conviction, sentence completed 2012-03-01; the advisory
    # "no other remedy" rule passes and in any case does not change the outcome.
    ("SYN-US-NY-P1", "us-ny/pardon", date(2026, 1, 1), "eligible", None, "us-ny/pardon"),
    # Georgia restoration of rights: a federal conviction, but a Georgia resident; all
    # sentences completed 2023-08-15, two years passed 2025-08-15; law-abiding since.
    (
        "SYN-US-GA-R1",
        "us-ga/restoration-of-rights",
        date(2026, 1, 1),
        "eligible",
        None,
        "us-ga/restoration-of-rights",
    ),
    # Florida commutation (Rule 5.B): custody from 2022-01-01 on a 120-month term, which ends
    # 2032-01-01, 3653 days; one-third is 1218 days (1218 * 3 = 3654 >= 3653), reached
    # 2025-05-03; no minimum mandatory sentence.
    ("SYN-US-FL-C1", "us-fl/commutation", date(2026, 1, 1), "eligible", None, "us-fl/commutation"),
    # Florida restoration of civil rights (Rule 5.E; Rules 9 and 10 as revised 2021-03-10):
    # completed 2022-06-30, restitution paid, nothing pending: eligible. The 2011 Rule 9.A
    # five-year wait (to 2027-06-30) is advisory since the revision is reported to remove it.
    (
        "SYN-US-FL-R1",
        "us-fl/restoration-of-rights",
        date(2026, 1, 1),
        "eligible",
        None,
        "us-fl/restoration-of-rights",
    ),
    # Texas art. 48.05: a federal fraud offense (no violence, drugs or firearms), sentence
    # completed 2022-09-01, convicted 2019-03-01 (three years on 2022-03-01), one conviction.
    (
        "SYN-US-TX-R1",
        "us-tx/restoration-of-rights",
        date(2026, 1, 1),
        "eligible",
        None,
        "us-tx/restoration-of-rights",
    ),
    # Georgia firearm rights (475-3-.10(4)): a Georgia conviction, not federal; completed
    # 2019-05-01, five years free of criminal involvement on 2024-05-01.
    (
        "SYN-US-GA-F1",
        "us-ga/firearm-authority",
        date(2026, 1, 1),
        "eligible",
        None,
        "us-ga/firearm-authority",
    ),
]


@pytest.fixture
def imported(session: Session) -> dict[str, Any]:
    from clemency.cases import transfer
    from clemency.cases.access import Operator
    from clemency.cases.demo.states import state_demo_documents
    from clemency.cases.models import Case
    from clemency.testing.factories import make_organization

    org = make_organization(session, "state-demo")
    documents = state_demo_documents(org.slug)
    assert all(d["is_synthetic"] is True and d["reference"].startswith("SYN-") for d in documents)
    report = transfer.import_cases(
        session=session,
        user=Operator("test"),
        rows=list(enumerate(documents, start=1)),
        mode="all_or_nothing",
        source_name="state demo",
    )
    assert len(report.imported) == len(documents)
    session.flush()
    return {
        c.reference: c for c in session.scalars(select(Case).where(Case.organization_id == org.id))
    }


def test_every_state_folder_has_a_demo_case(imported: dict[str, Any]) -> None:
    from clemency.eligibility import list_rulesets

    assert set(imported) == {reference for reference, *_ in EXPECTED}
    expected_states = {ruleset.split("/")[0] for _, ruleset, *_ in EXPECTED}
    # One case per state added by issue #16 (and one per new relief of New York and Georgia).
    assert {"us-tx", "us-ca", "us-fl", "us-pa", "us-il", "us-ny", "us-ga"} <= expected_states
    assert expected_states <= {r.jurisdiction for r in list_rulesets()}


@pytest.mark.parametrize(
    ("reference", "ruleset", "as_of", "outcome", "eligible_on", "form_id"), EXPECTED
)
def test_state_demo_case_gives_its_typical_determination_and_packet(
    session: Session,
    settings: Settings,
    imported: dict[str, Any],
    reference: str,
    ruleset: str,
    as_of: date,
    outcome: str,
    eligible_on: date | None,
    form_id: str,
) -> None:
    from clemency.cases import facts as case_facts
    from clemency.documents import assemble as asm
    from clemency.documents import service as documents
    from clemency.documents.render_pdf import render_pdf
    from clemency.eligibility import evaluate, load_ruleset

    case = imported[reference]
    facts = case_facts.facts_for_case(case, as_of=as_of)
    determination = evaluate(load_ruleset(ruleset), facts, as_of)
    assert (determination.outcome, determination.eligible_on) == (outcome, eligible_on), (
        determination.to_text()
    )
    data = documents.packet_input(
        session=session, case=case, form_id=form_id, as_of=as_of, settings=settings
    )
    packet = asm.assemble(data)
    assert packet.form.jurisdiction == ruleset.split("/")[0]
    assert render_pdf(packet).startswith(b"%PDF")


def test_texas_facts_are_asked_in_the_interview_and_decide_the_case(session: Session) -> None:
    """The new facts reach guided intake: a Texas case without them is asked for them (the
    kind of case first, then only the date that kind needs), and the answers decide it."""
    from clemency.cases import transfer
    from clemency.cases.access import Operator
    from clemency.cases.demo.states import texas_document
    from clemency.cases.models import Case
    from clemency.petitions import interview
    from clemency.testing.factories import make_organization, make_user

    org = make_organization(session, "tx-interview")
    attorney = make_user(session, org, "attorney")
    document = texas_document(org.slug)
    document["asserted_facts"] = []
    transfer.import_cases(
        session=session,
        user=Operator("test"),
        rows=[(1, document)],
        mode="all_or_nothing",
        source_name="test",
    )
    session.flush()
    case = session.scalars(select(Case).where(Case.organization_id == org.id)).one()
    on = date(2026, 1, 1)
    first = interview.interview(session=session, user=attorney, case_id=case.id, as_of=on)
    pardon = next(d for d in first.determinations if d.ruleset.id == "us-tx/pardon")
    assert pardon.outcome == "needs_review"
    asked = {q.fact for q in first.questions}
    assert {"is_deferred_adjudication", "has_prior_denial"} <= asked
    # The date depends on the kind of case: not asked until the kind is known.
    assert "deferred_adjudication_discharge_date" not in asked
    after = interview.answer(
        session=session,
        user=attorney,
        case_id=case.id,
        expected_version=first.case_version,
        as_of=on,
        answers={"is_deferred_adjudication": "no", "has_prior_denial": "no"},
    )
    # Now a conviction: the discharge date of the sentence is the next question.
    assert "sentence_completed_date" in {q.fact for q in after.questions}
    after = interview.answer(
        session=session,
        user=attorney,
        case_id=case.id,
        expected_version=after.case_version,
        as_of=on,
        answers={"sentence_completed_date": "2016-04-01"},
    )
    pardon = next(d for d in after.determinations if d.ruleset.id == "us-tx/pardon")
    assert pardon.outcome == "eligible", pardon.to_text()
