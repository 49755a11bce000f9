"""The guided interview for one stored case: determinations, the questions they raise, answers.

:func:`questions_for` turns determinations into ranked questions (pure, in
:mod:`clemency.petitions.intake`); :func:`interview` evaluates every ruleset of the case's
jurisdiction on the case's facts; :func:`answer` writes typed answers back through the case
store's facts service (so they are audited and version-checked) and re-evaluates at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from clemency.cases import facts as case_facts
from clemency.cases import service as case_service
from clemency.cases.access import Actor
from clemency.config import Settings
from clemency.eligibility import FACTS, Determination, evaluate, list_rulesets
from clemency.errors import BadInput
from clemency.petitions.intake import FactInfo, Question, parse_answer, rank


@dataclass(frozen=True)
class Interview:
    case_id: int
    case_version: int
    as_of: date
    determinations: tuple[Determination, ...]
    questions: tuple[Question, ...]
    recorded_elsewhere: Mapping[str, str]  # fact -> which records to edit instead


def fact_catalog() -> dict[str, FactInfo]:
    return {
        name: FactInfo(
            type=spec.type, description=spec.description, choices=tuple(spec.values or ())
        )
        for name, spec in FACTS.items()
    }


def questions_for(determinations: Sequence[Determination]) -> list[Question]:
    """One question per missing fact of a required rule that came out unknown, most rules first."""
    unknown: dict[str, list[str]] = {}
    for d in determinations:
        for r in d.rules:
            if r.required and r.outcome == "unknown" and r.missing_facts:
                unknown[r.id] = list(r.missing_facts)
    return rank(unknown, fact_catalog())


def interview(
    *, session: Session, user: Actor, case_id: int, as_of: date, settings: Settings | None = None
) -> Interview:
    """Evaluate the case's jurisdiction's rulesets and list the questions to ask next."""
    case = case_service.get_for_user(session=session, user=user, case_id=case_id)
    facts = case_facts.facts_for_case(case, as_of=as_of)
    rulesets = [
        r
        for r in list_rulesets(settings.rulesets_paths if settings is not None else ())
        if r.jurisdiction == case.jurisdiction
    ]
    determinations = tuple(evaluate(r, facts, as_of) for r in rulesets)
    return Interview(
        case_id=case.id,
        case_version=case.version,
        as_of=as_of,
        determinations=determinations,
        questions=tuple(questions_for(determinations)),
        recorded_elsewhere=dict(case_facts.COMPUTED_FACTS),
    )


def answer(
    *,
    session: Session,
    user: Actor,
    case_id: int,
    expected_version: int,
    answers: Mapping[str, str],
    as_of: date,
    settings: Settings | None = None,
) -> Interview:
    """Write the answered facts to the case (blank answers are skipped) and re-evaluate."""
    current = interview(session=session, user=user, case_id=case_id, as_of=as_of, settings=settings)
    by_fact = {q.fact: q for q in current.questions}
    typed: dict[str, object] = {}
    for fact, raw in answers.items():
        if not raw.strip():
            continue  # left blank: still unknown
        question = by_fact.get(fact)
        if question is None:
            raise BadInput(f"{fact} is not one of the open questions for this case.", field=fact)
        if fact in case_facts.COMPUTED_FACTS:
            raise BadInput(
                f"{fact} is computed from {case_facts.COMPUTED_FACTS[fact]}; record it there.",
                field=fact,
            )
        value = parse_answer(question, raw)
        if value is not None:
            typed[fact] = value
    if typed:
        case_facts.apply_facts(
            session=session,
            user=user,
            case_id=case_id,
            expected_version=expected_version,
            facts=typed,
            as_of=as_of,  # the answers hold for the day asked (issue #11)
        )
    return interview(session=session, user=user, case_id=case_id, as_of=as_of, settings=settings)
