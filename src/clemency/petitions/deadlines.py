"""Deadlines and key dates, computed purely from facts and petition events.

Every :class:`Deadline` cites the rule it comes from. Nothing here reads the clock: the
caller passes ``as_of`` to :meth:`Deadline.status`. Arithmetic follows
:mod:`clemency.eligibility.dates` (29 February + 1 year = 28 February).

No jurisdiction is named here. Which deadlines a jurisdiction's petitions have is data: the
``calendar`` of its lifecycle file (an eligibility ruleset, deemed denial, docketing inquiry,
the capital timetable, with their citations and dated parameters). Waiting periods are not
computed here: they come from the rulesets, evaluated with their dated parameters, so the
calendar and the determination cannot disagree (tests/property/test_deadline_agreement.py):
the day a petition may be filed (``waiting_opens_on``), the capital filing window (a rule's
``show`` value) and the re-application date after a denial (the first day a ruleset's
``*.reapply_after_denial`` rule passes).

Boundary convention: a deadline's ``due_on`` is the first day on which the thing happens or
may happen (eligibility opens, the window closes, the follow-up is due). On ``due_on`` the
status is ``due``; the day before it is ``upcoming``; the day after it is ``passed``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from clemency.eligibility import evaluate, load_folder, load_ruleset, validate_facts
from clemency.eligibility.dates import add_days
from clemency.eligibility.engine import (
    evaluate_rule,
    judge_rule,
    relief_kinds,
    show_value,
    waiting_opens_on,
)
from clemency.eligibility.facts import FACTS
from clemency.eligibility.model import MANIFEST, Rule, Ruleset
from clemency.eligibility.registry import builtin_root
from clemency.petitions import lifecycle as lifecycle_mod

Kind = Literal["opens", "due", "follow_up", "expires", "event"]
Status = Literal["upcoming", "due", "passed"]

#: Days after a support letter is requested before it is followed up: the deadline calendar,
#: the reminder e-mail and the system's task all use this one figure (issue #14: 14 days).
LETTER_FOLLOW_UP_DAYS = 14


@dataclass(frozen=True)
class Deadline:
    key: str
    title: str
    due_on: date
    kind: Kind
    citation: str
    explanation: str
    case_ref: str | None = None
    subject_ref: str | None = None  # petition id, letter request id, ...
    warning: str | None = None

    def status(self, as_of: date) -> Status:
        if as_of < self.due_on:
            return "upcoming"
        if as_of == self.due_on:
            return "due"
        return "passed"

    def days_left(self, as_of: date) -> int:
        return (self.due_on - as_of).days


@dataclass(frozen=True)
class PetitionSnapshot:
    """What deadlines need to know about one petition."""

    id: str
    jurisdiction: str
    kind: str
    stage: str
    filed_on: date | None = None
    docketed_on: date | None = None
    adverse_recommendation_on: date | None = None
    decided_on: date | None = None
    execution_notice_on: date | None = None
    execution_on: date | None = None
    hearing_on: date | None = None


@dataclass(frozen=True)
class LetterSnapshot:
    id: str
    author: str
    requested_on: date
    received_on: date | None = None
    expires_on: date | None = None


@dataclass(frozen=True)
class GrantSnapshot:
    """A grant on record, with or without a petition: it ends the deadlines it makes moot."""

    kind: str
    decided_on: date | None


@dataclass(frozen=True)
class DeadlineInputs:
    case_ref: str | None = None
    facts: Mapping[str, Any] = field(default_factory=dict)
    #: The day the rules are evaluated (their parameters in force then); the caller's today.
    as_of: date | None = None
    petitions: Sequence[PetitionSnapshot] = ()
    letters: Sequence[LetterSnapshot] = ()
    grants: Sequence[GrantSnapshot] = ()


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return date.fromisoformat(value)
    return None


def _short_id(ruleset_id: str) -> str:
    return ruleset_id.replace("/", ".")


def eligibility_opens(
    spec: lifecycle_mod.EligibilityDeadlineSpec,
    facts: Mapping[str, Any],
    as_of: date,
    case_ref: str | None = None,
) -> Deadline | None:
    """The day a ruleset's required waiting periods are met (``us-federal/pardon``: five years
    from release or sentencing, the end of supervision), from the ruleset itself.

    ``None`` when the ruleset cannot give that day (a fact missing, still in custody).
    """
    ruleset = load_ruleset(spec.ruleset)
    known = {name: value for name, value in facts.items() if name in ruleset.facts_used()}
    opens = waiting_opens_on(ruleset, known, as_of)
    if opens is None:
        return None
    then = evaluate(ruleset, known, opens)
    waiting = [r for r in then.rules if r.required and r.id.endswith(".waiting_period")]
    explanation = waiting[0].explanation if waiting else f"Waiting periods met on {opens}."
    warning = None
    if then.outcome != "eligible":
        blocking = then.failed_rule_ids + then.unknown_rule_ids
        warning = (
            f"On {opens.isoformat()} the ruleset would say {then.outcome.replace('_', ' ')} "
            f"(rules: {', '.join(blocking)}); check them before filing."
        )
    return Deadline(
        key=f"{_short_id(spec.ruleset)}_eligible_on",
        title=spec.title,
        due_on=opens,
        kind="opens",
        citation=f"{spec.citation} ({spec.ruleset} ruleset {ruleset.version})",
        explanation=explanation,
        case_ref=case_ref,
        warning=warning,
    )


def capital_petition_due_on(notice: date, timetable: lifecycle_mod.CapitalTimetableSpec) -> date:
    """Last day to file after notice of the execution date: the timetable rule's ``show``
    value (``capital_timetable.filing_deadline``, 28 CFR 1.10(b)), with its parameter in
    force on the notice day."""
    rule = load_ruleset(timetable.ruleset).rule(timetable.rule)
    facts = {"is_capital_case": True, "execution_date_set": True, "execution_notice_date": notice}
    due = show_value(rule, timetable.show, facts, notice)
    assert isinstance(due, date)
    return due


#: The role of a re-application rule: a rule whose id ends in ``.reapply_after_denial`` and
#: that has a ``wait_until``, in any ruleset of the petition's jurisdiction and relief. The
#: denied petition supplies its facts ``has_prior_denial`` and ``last_denial_date``; any other
#: fact it reads comes from the case (docs/rules.md, "Re-application after a denial").
REAPPLY_ROLE = "reapply_after_denial"


def reapply_rules(jurisdiction: str, kind: str) -> list[tuple[Ruleset, Rule]]:
    """Every re-application rule for petitions of ``kind`` in ``jurisdiction`` (shipped
    rulesets, laid out as ``<jurisdiction>/<relief>/``)."""
    # shipped rulesets live in <jurisdiction>/<relief>/: read only this jurisdiction's folders
    folders = sorted(p.parent for p in (builtin_root() / jurisdiction).glob(f"*/{MANIFEST}"))
    return [
        (ruleset, rule)
        for ruleset in map(load_folder, folders)
        if ruleset.jurisdiction == jurisdiction and kind in relief_kinds(ruleset)
        for rule in ruleset.rules
        if rule.slug == REAPPLY_ROLE and rule.wait_until is not None
    ]


def first_day_passing(rule: Rule, facts: Mapping[str, Any], start: date) -> date | None:
    """The first day on or after ``start`` on which ``rule`` passes, each day judged with the
    parameters in force on it (a wait shortened or dropped later opens on the day it
    changes); ``None`` when it does not pass for a reason other than time, or not by the
    last change of its parameters or period."""
    changes = {rule.effective_from, *(d for p in rule.parameters.values() for d, _ in p.values)}
    if rule.effective_until is not None:
        changes.add(add_days(rule.effective_until, 1))
    days = [start, *sorted(d for d in changes if d > start)]
    for i, day in enumerate(days):
        result = judge_rule(rule, facts, day)
        if result.outcome == "pass":
            return day
        following = days[i + 1] if i + 1 < len(days) else None
        waited = result.wait_date
        if (
            result.time_only
            and waited is not None
            and (following is None or waited < following)
            and judge_rule(rule, facts, waited).outcome == "pass"
        ):
            return waited
    return None


def reapplication(
    p: PetitionSnapshot, facts: Mapping[str, Any], case_ref: str | None = None
) -> list[Deadline]:
    """When a new petition may be filed after the denial of ``p``: the first day each
    re-application rule of its jurisdiction and relief passes (see :data:`REAPPLY_ROLE`).

    A yes/no fact the rule reads that the case does not hold is taken as ``False`` (no
    exception applies: the date is the latest the wait can run), a date it does not hold as
    the day of the decision (the earliest it can be); both are named in the warning.
    """
    decided = p.decided_on
    if decided is None:
        return []
    out: list[Deadline] = []
    for ruleset, rule in reapply_rules(p.jurisdiction, p.kind):
        known: dict[str, Any] = {n: facts[n] for n in rule.facts if facts.get(n) is not None}
        known.update(has_prior_denial=True, last_denial_date=decided)
        typed = validate_facts(known)
        assumed: list[str] = []
        for name in rule.facts:
            value, is_date = typed.get(name), FACTS[name].type == "date"
            if value is None:
                typed[name] = decided if is_date else False
                assumed.append(f"{name} = {'the decision day' if is_date else 'no'}")
            elif isinstance(value, date) and is_date and value < decided:
                # a notice of an earlier denial: the notice of this one cannot precede it
                typed[name] = decided
                assumed.append(f"{name} = the decision day (the one on record is earlier)")
        opens = first_day_passing(rule, typed, decided)
        if opens is None:
            continue
        before = evaluate_rule(rule, typed, decided)
        warnings = []
        if assumed:
            warnings.append("Not on record, assumed: " + "; ".join(assumed) + ".")
        if not rule.vouched(decided):
            warnings.append(
                f"Clemency does not vouch for {rule.id} before {rule.effective_from.isoformat()}: "
                "a new petition may have been possible earlier."
            )
        out.append(
            Deadline(
                key=f"{p.jurisdiction}.reapply_on",
                title="A new petition may be filed",
                due_on=opens,
                kind="opens",
                citation=f"{rule.id} ({ruleset.id} ruleset {ruleset.version})",
                explanation=(
                    evaluate_rule(rule, typed, opens).explanation
                    if opens == decided or before.outcome != "fail"
                    else before.explanation
                ),
                case_ref=case_ref,
                subject_ref=p.id,
                warning=" ".join(warnings) or None,
            )
        )
    return out


def _petition_deadlines(
    p: PetitionSnapshot, facts: Mapping[str, Any], case_ref: str | None
) -> list[Deadline]:
    out: list[Deadline] = []
    machine = lifecycle_mod.load(p.jurisdiction)
    calendar = machine.spec.calendar
    open_ = machine.is_open(p.stage)
    outcome = machine.state(p.stage).outcome
    deemed = calendar.deemed_denial
    if (
        deemed is not None
        and open_
        and p.adverse_recommendation_on is not None
        and (deemed.in_capital_cases or facts.get("is_capital_case") is not True)
    ):
        window = int(machine.spec.parameter(deemed.days_parameter, p.adverse_recommendation_on))
        note = f"; {deemed.explanation}" if deemed.explanation else ""
        out.append(
            Deadline(
                key=f"{p.jurisdiction}.deemed_denial_on",
                title="Deemed denied if the President has not acted",
                due_on=add_days(p.adverse_recommendation_on, window),
                kind="due",
                citation=deemed.citation,
                explanation=(
                    f"{window} days after the adverse recommendation of "
                    f"{p.adverse_recommendation_on.isoformat()} (window in effect on that date"
                    f"{note})."
                ),
                case_ref=case_ref,
                subject_ref=p.id,
            )
        )
    inquiry = calendar.docketing_inquiry
    if inquiry is not None and p.stage in inquiry.stages and p.filed_on:
        weeks = int(machine.spec.parameter(inquiry.weeks_parameter, p.filed_on))
        out.append(
            Deadline(
                key=f"{p.jurisdiction}.docketing_inquiry_on",
                title="Not yet docketed: check the OPA lookup, then inquire",
                due_on=add_days(p.filed_on, 7 * weeks),
                kind="follow_up",
                citation=inquiry.citation,
                explanation=f"{weeks} weeks after submission on {p.filed_on.isoformat()}.",
                case_ref=case_ref,
                subject_ref=p.id,
            )
        )
    timetable = calendar.capital_timetable
    if timetable is not None and p.execution_notice_on is not None and open_:
        n = p.execution_notice_on
        due = capital_petition_due_on(n, timetable)
        out.append(
            Deadline(
                key=f"{p.jurisdiction}.capital_petition_due_on",
                title="Capital clemency petition due",
                due_on=due,
                kind="due",
                citation=timetable.citation,
                explanation=f"{(due - n).days} days after notice of the execution date ({n.isoformat()}).",
                case_ref=case_ref,
                subject_ref=p.id,
            )
        )
        if p.filed_on is not None:
            support = int(
                machine.spec.parameter(timetable.supporting_papers_days_parameter, p.filed_on)
            )
            out.append(
                Deadline(
                    key=f"{p.jurisdiction}.capital_supporting_papers_due_on",
                    title="Capital case: supporting papers due",
                    due_on=add_days(p.filed_on, support),
                    kind="due",
                    citation=timetable.supporting_papers_citation,
                    explanation=f"{support} days after the petition was filed ({p.filed_on.isoformat()}).",
                    case_ref=case_ref,
                    subject_ref=p.id,
                )
            )
        if p.execution_on is not None:
            notice_days = int(machine.spec.parameter(timetable.notice_min_days_parameter, n))
            earliest = add_days(n, notice_days)
            out.append(
                Deadline(
                    key=f"{p.jurisdiction}.execution_on",
                    title="Scheduled execution date",
                    due_on=p.execution_on,
                    kind="event",
                    citation=timetable.notice_min_citation,
                    explanation=f"Notice given {n.isoformat()}; at least {notice_days} days' notice is required.",
                    case_ref=case_ref,
                    subject_ref=p.id,
                    warning=(
                        f"Less than {notice_days} days' notice: the execution date precedes {earliest.isoformat()}."
                        if p.execution_on < earliest
                        else None
                    ),
                )
            )
    # State hearing dates and the notice periods that run before them.
    if p.hearing_on is not None and open_:
        out.append(
            Deadline(
                key=f"{p.jurisdiction}.hearing_on",
                title="Hearing",
                due_on=p.hearing_on,
                kind="event",
                citation=machine.spec.citation,
                explanation="Scheduled hearing before the board.",
                case_ref=case_ref,
                subject_ref=p.id,
            )
        )
        for notice in machine.spec.notice_periods:
            out.append(
                Deadline(
                    key=f"{p.jurisdiction}.{notice.key}",
                    title=notice.title,
                    due_on=add_days(p.hearing_on, -notice.days_before),
                    kind="due",
                    citation=notice.citation,
                    explanation=f"{notice.days_before} days before the hearing on {p.hearing_on.isoformat()}.",
                    case_ref=case_ref,
                    subject_ref=p.id,
                )
            )
    if outcome == "denied":
        out.extend(reapplication(p, facts, case_ref))
    return out


def letter_deadlines(letter: LetterSnapshot, case_ref: str | None = None) -> list[Deadline]:
    """Our own follow-ups: a letter not received 21 days after asking; a link about to expire."""
    if letter.received_on is not None:
        return []
    out = [
        Deadline(
            key="letters.follow_up_on",
            title=f"Follow up: letter from {letter.author} not received",
            due_on=add_days(letter.requested_on, LETTER_FOLLOW_UP_DAYS),
            kind="follow_up",
            citation="Clemency practice: follow up 21 days after a letter request",
            explanation=f"Requested on {letter.requested_on.isoformat()}.",
            case_ref=case_ref,
            subject_ref=letter.id,
        )
    ]
    if letter.expires_on is not None:
        out.append(
            Deadline(
                key="letters.link_expires_on",
                title=f"Upload link for {letter.author} expires",
                due_on=letter.expires_on,
                kind="expires",
                citation="Clemency letter links expire (docs/petitions.md)",
                explanation="After this day the supporter needs a new link.",
                case_ref=case_ref,
                subject_ref=letter.id,
            )
        )
    return out


def compute(inputs: DeadlineInputs) -> list[Deadline]:
    """Every deadline for one case, sorted by date."""
    out: list[Deadline] = []
    facts = inputs.facts
    jurisdiction = facts.get("jurisdiction")
    if (
        isinstance(jurisdiction, str)
        and jurisdiction in lifecycle_mod.available()
        and inputs.as_of is not None
    ):
        for spec in lifecycle_mod.load(jurisdiction).spec.calendar.eligibility:
            granted = relief_kinds(load_ruleset(spec.ruleset))
            if any(g.kind in granted for g in inputs.grants):
                continue
            d = eligibility_opens(spec, facts, inputs.as_of, inputs.case_ref)
            if d is not None:
                out.append(d)
    for p in inputs.petitions:
        for d in _petition_deadlines(p, facts, inputs.case_ref):
            moot = d.key.endswith(".reapply_on") and any(
                g.kind == p.kind
                and g.decided_on is not None
                and p.decided_on is not None
                and g.decided_on >= p.decided_on
                for g in inputs.grants
            )
            if not moot:
                out.append(d)
    for letter in inputs.letters:
        out.extend(letter_deadlines(letter, inputs.case_ref))
    return sorted(out, key=lambda d: (d.due_on, d.key))
