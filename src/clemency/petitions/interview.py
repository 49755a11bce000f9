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
from clemency.eligibility.model import Ruleset
from clemency.errors import BadInput
from clemency.petitions.intake import (
    DONT_KNOW,
    TOPICS,
    FactInfo,
    Question,
    branch,
    by_topic,
    parse_answer,
    prompt_for,
    rank,
)


@dataclass(frozen=True)
class Step:
    """One page of the guided interview: a topic and the questions to ask on it now."""

    topic: str
    title: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Interview:
    case_id: int
    case_version: int
    as_of: date
    determinations: tuple[Determination, ...]
    questions: tuple[Question, ...]
    recorded_elsewhere: Mapping[str, str]  # fact -> which records to edit instead
    #: the steps still to ask, with the draft's answers applied (branching: see intake.branch)
    steps: tuple[Step, ...] = ()
    rulesets: tuple[Ruleset, ...] = ()
    #: every fact an unknown required rule reads and the case does not know (answerable now)
    open_facts: frozenset[str] = frozenset()


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


def typed_draft(draft: Mapping[str, str]) -> dict[str, object]:
    """The draft's answers as typed fact values ("I don't know" and blanks left out); a bad
    answer raises :class:`~clemency.errors.FactsError` naming the fact."""
    catalog = fact_catalog()
    out: dict[str, object] = {}
    for fact, raw in draft.items():
        if raw.strip() in ("", DONT_KNOW):
            continue
        info = catalog.get(fact)
        if info is None:
            raise BadInput(f"{fact} is not a fact of the vocabulary.", field=fact)
        value = parse_answer(_question(fact, info), raw)
        if value is not None:
            out[fact] = value
    return out


def _question(fact: str, info: FactInfo) -> Question:
    return Question(
        fact=fact,
        prompt=prompt_for(fact),
        help=info.description,
        type=info.type,
        choices=info.choices,
        settles=(),
    )


def candidates(
    rulesets: Sequence[Ruleset],
    determinations: Sequence[Determination],
    facts: Mapping[str, object],
) -> list[tuple[str, list[str]]]:
    """For each required rule still unknown, the facts it reads that are not known yet, in the
    order it reads them. A date the rule needs once a fact recorded elsewhere is known (the
    sentencing date of the pardon clock) is among them, so it is asked in its topic now."""
    rules = {rule.id: rule for ruleset in rulesets for rule in ruleset.rules}
    return [
        (r.id, [f for f in rules[r.id].facts if facts.get(f) is None])
        for d in determinations
        for r in d.rules
        if r.required and r.outcome == "unknown" and r.id in rules
    ]


def steps_for(unknown: Sequence[tuple[str, list[str]]], settled: Sequence[str]) -> tuple[Step, ...]:
    """The interview's remaining steps: per topic, the questions the rules ask next."""
    chosen = branch(unknown, settled=settled, recorded_elsewhere=case_facts.COMPUTED_FACTS.keys())
    questions = rank(chosen, fact_catalog())
    topic_of = {name: spec.topic for name, spec in FACTS.items()}
    return tuple(
        Step(topic=t, title=title, questions=tuple(qs))
        for t, title, qs in by_topic(questions, topic_of)
    )


def interview(
    *,
    session: Session,
    user: Actor,
    case_id: int,
    as_of: date,
    settings: Settings | None = None,
    draft: Mapping[str, str] | None = None,
) -> Interview:
    """Evaluate the case's jurisdiction's rulesets and list the questions to ask next.

    ``draft`` holds answers given in the interview but not saved yet (fact → text, "?" for
    "I don't know"): they are applied to the stored facts for the evaluation, and the steps
    leave them out. Nothing is written."""
    case = case_service.get_for_user(session=session, user=user, case_id=case_id)
    facts = case_facts.facts_for_case(case, as_of=as_of)
    facts.update(typed_draft(draft or {}))
    rulesets = tuple(
        r
        for r in list_rulesets(settings.rulesets_paths if settings is not None else ())
        if r.jurisdiction == case.jurisdiction
    )
    granted = case_facts.granted_relief(case)
    determinations = tuple(evaluate(r, facts, as_of, granted=granted) for r in rulesets)
    unknown = candidates(rulesets, determinations, facts)
    questions = tuple(questions_for(determinations))
    return Interview(
        case_id=case.id,
        case_version=case.version,
        as_of=as_of,
        determinations=determinations,
        questions=questions,
        recorded_elsewhere=dict(case_facts.COMPUTED_FACTS),
        steps=steps_for(unknown, list((draft or {}).keys())),
        open_facts=frozenset(f for _rule, names in unknown for f in names)
        | {q.fact for q in questions},
        rulesets=rulesets,
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
    """Write the answered facts to the case (blank answers and "I don't know" are skipped: the
    fact stays unknown) and re-evaluate.

    A fact is open when the rules miss it on the stored facts, or once the other answers are
    applied (a follow-up question of the interview)."""
    current = interview(session=session, user=user, case_id=case_id, as_of=as_of, settings=settings)
    open_facts = set(current.open_facts)
    if any(raw.strip() not in ("", DONT_KNOW) for raw in answers.values()):
        drafted = interview(
            session=session,
            user=user,
            case_id=case_id,
            as_of=as_of,
            settings=settings,
            draft={f: r for f, r in answers.items() if f in open_facts},
        )
        open_facts |= drafted.open_facts
    catalog = fact_catalog()
    typed: dict[str, object] = {}
    for fact, raw in answers.items():
        if raw.strip() in ("", DONT_KNOW):
            continue  # left blank or "I don't know": still unknown
        if fact not in open_facts or fact not in catalog:
            raise BadInput(f"{fact} is not one of the open questions for this case.", field=fact)
        question = _question(fact, catalog[fact])
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


def revisit(
    current: Interview, topic: str, draft: Mapping[str, str], open_step: Step | None
) -> Step | None:
    """A topic's step shown again (to change answers, or after a refused answer): the
    questions already answered in ``draft`` first, then those still open on it."""
    catalog = fact_catalog()
    asked = [
        _question(fact, catalog[fact])
        for fact in draft
        if fact in catalog and FACTS[fact].topic == topic
    ]
    seen = {q.fact for q in asked}
    more = [q for q in (open_step.questions if open_step else ()) if q.fact not in seen]
    if not asked and not more:
        return None
    title = dict(TOPICS).get(topic, topic)
    return Step(topic=topic, title=title, questions=tuple(asked + more))
