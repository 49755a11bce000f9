"""Guided intake: the questions to ask next, derived from the rules.

Each fact that a determination is missing becomes a question. Questions are ordered by how
many rules the fact would settle (the rules whose outcome is ``unknown`` and that read the
fact), then by name, so the first question is the one that moves the most rules from
``unknown`` to an answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

#: How to ask for the facts an interviewer meets most; the rest use the fact's description.
PROMPTS = {
    "release_date": "When was the person last released from prison for this sentence?",
    "conviction_date": "On what date was the person convicted?",
    "sentence_date": "On what date was the sentence imposed?",
    "custody_start_date": "When did the current (or last) confinement for this sentence begin?",
    "is_in_custody": "Is the person in prison now (including home confinement)?",
    "on_supervision": "Is the person on probation, parole or supervised release now?",
    "has_pending_court_challenge": "Is an appeal, a §2255 motion or another court challenge pending?",
    "other_relief_available": "Is another judicial or administrative remedy available?",
    "exceptional_circumstances": "Are there exceptional circumstances to show?",
    "conviction_court": "Which court convicted the person?",
    "sentence_type": "What kind of sentence was imposed?",
    "sentence_months": "How many months of prison were imposed?",
    "is_life_sentence": "Is it a life sentence?",
    "offense_level": "Was the offense a felony or a misdemeanor?",
    "resides_in_us": "Does the person live in the United States or its territories?",
    "is_deceased": "Is the person deceased?",
    "date_of_birth": "What is the person's date of birth?",
    # federal pardon clock and capital window (docs/facts.md)
    "latest_release_date": (
        "When was the person last released from any confinement for this conviction "
        "(including after a revoked probation or supervised release)?"
    ),
    "was_confined": (
        "Did the person serve any confinement for this conviction, including after a revocation?"
    ),
    "supervision_end_date": "On what day does (or did) probation, parole or supervised release end?",
    "execution_date_set": "Has the Bureau of Prisons given notice of a scheduled execution date?",
}


def prompt_for(fact: str) -> str:
    """How to ask for ``fact``: its prompt above, else its description as a question."""
    from clemency.eligibility import FACTS

    spec = FACTS.get(fact)
    return _prompt(fact, spec.description if spec is not None else fact.replace("_", " "))


def _prompt(fact: str, description: str) -> str:
    return PROMPTS.get(fact, description.rstrip(".") + "?")


@dataclass(frozen=True)
class Question:
    fact: str
    prompt: str
    help: str
    type: str
    choices: tuple[str, ...]
    settles: tuple[str, ...]  # ids of the rules this fact would settle

    @property
    def weight(self) -> int:
        return len(self.settles)


@dataclass(frozen=True)
class FactInfo:
    type: str
    description: str
    choices: tuple[str, ...] = ()


def rank(
    unknown_by_rule: Mapping[str, Iterable[str]], facts: Mapping[str, FactInfo]
) -> list[Question]:
    """Questions for every missing fact, most rules settled first."""
    settles: dict[str, list[str]] = {}
    for rule_id, missing in unknown_by_rule.items():
        for fact in missing:
            settles.setdefault(fact, []).append(rule_id)
    out = []
    for fact, rules in settles.items():
        info = facts.get(fact, FactInfo(type="string", description=fact.replace("_", " ")))
        out.append(
            Question(
                fact=fact,
                prompt=_prompt(fact, info.description),
                help=info.description
                + f" Settles {len(rules)} rule{'s' if len(rules) != 1 else ''}.",
                type=info.type,
                choices=info.choices,
                settles=tuple(sorted(rules)),
            )
        )
    return sorted(out, key=lambda q: (-q.weight, q.fact))


def parse_answer(question: Question, raw: str) -> Any:
    """The typed value of an interview answer; empty means 'still unknown' (None)."""
    from clemency.errors import FactsError

    text = raw.strip()
    if text == "":
        return None
    try:
        if question.type == "bool":
            if text.lower() not in ("true", "false", "yes", "no"):
                raise ValueError("answer yes or no")
            return text.lower() in ("true", "yes")
        if question.type == "int":
            value = int(text)
            if value < 0:
                raise ValueError("a count cannot be negative")
            return value
        if question.type == "date":
            return date.fromisoformat(text)
        if question.choices and text not in question.choices:
            raise ValueError("choose one of " + ", ".join(question.choices))
    except ValueError as error:
        raise FactsError(
            f"{question.fact}: {text!r} is not a valid answer ({error}).", field=question.fact
        ) from error
    return text


#: The interview's steps: one topic each, in the order asked (facts name their topic in
#: :data:`clemency.eligibility.facts.FACT_TOPICS`; a fact without one is asked under "other").
TOPICS: tuple[tuple[str, str], ...] = (
    ("person", "The person"),
    ("conviction", "The conviction"),
    ("sentence", "The sentence"),
    ("custody", "Custody and release"),
    ("conduct", "Conduct"),
    ("supervision", "Supervision"),
    ("history", "History"),
    ("other", "Other questions"),
)

#: The answer "I don't know" in a draft of answers: kept as unknown, not asked again.
DONT_KNOW = "?"


def branch(
    unknown_rules: Sequence[tuple[str, Sequence[str]]],
    *,
    settled: Iterable[str] = (),
    recorded_elsewhere: Iterable[str] = (),
) -> dict[str, list[str]]:
    """The facts to ask now, per rule: for each rule still unknown, its missing facts in the
    order the rule reads them, up to and including the first one that can be answered here and
    was not answered yet (``settled``: answered, or "I don't know"). Facts recorded elsewhere
    (custody stays, …) are listed on the way without stopping the search.

    So a follow-up is asked only when the answer before it leaves the rule open: "Has an
    execution date been set?" comes after "Sentenced to death?" was answered yes, never after
    no (the rule is then settled and drops out)."""
    done = set(settled)
    elsewhere = set(recorded_elsewhere)
    out: dict[str, list[str]] = {}
    for rule_id, missing in unknown_rules:
        chosen: list[str] = []
        for fact in missing:
            if fact in done:
                continue
            chosen.append(fact)
            if fact not in elsewhere:
                break
        if chosen:
            out[rule_id] = chosen
    return out


def by_topic(
    questions: Sequence[Question], topic_of: Mapping[str, str]
) -> list[tuple[str, str, list[Question]]]:
    """Questions grouped into the interview's steps (topics in :data:`TOPICS` order, empty
    topics left out), most rules settled first within a step."""
    steps = []
    for topic, title in TOPICS:
        members = [q for q in questions if topic_of.get(q.fact, "other") == topic]
        if members:
            steps.append((topic, title, members))
    return steps
