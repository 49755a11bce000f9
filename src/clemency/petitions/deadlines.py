"""Deadlines and key dates, computed purely from facts and petition events.

Every :class:`Deadline` cites the rule it comes from. Nothing here reads the clock: the
caller passes ``as_of`` to :meth:`Deadline.status`. Arithmetic follows
:mod:`clemency.eligibility.dates` (29 February + 1 year = 28 February).

The federal pardon waiting period and the capital filing window are not computed here: they
come from the rulesets (``us-federal/pardon`` and the ``capital_timetable`` rule of
``us-federal/commutation``), evaluated with their dated parameters, so the calendar and the
determination cannot disagree (tested in tests/property/test_deadline_agreement.py).

Boundary convention: a deadline's ``due_on`` is the first day on which the thing happens or
may happen (eligibility opens, the window closes, the follow-up is due). On ``due_on`` the
status is ``due``; the day before it is ``upcoming``; the day after it is ``passed``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from clemency.eligibility import evaluate, load_ruleset
from clemency.eligibility.dates import add_days, add_months
from clemency.eligibility.engine import show_value, waiting_opens_on
from clemency.petitions import lifecycle as lifecycle_mod

Kind = Literal["opens", "due", "follow_up", "expires", "event"]
Status = Literal["upcoming", "due", "passed"]

LETTER_FOLLOW_UP_DAYS = 21
# 28 CFR 1.10(a) and (b) parts that no ruleset encodes (the 30-day petition window is the
# capital_timetable rule's)
CAPITAL_NOTICE_MIN_DAYS = 120
CAPITAL_SUPPORT_DAYS = 15
PARDON_RULESET = "us-federal/pardon"
CAPITAL_RULESET, CAPITAL_RULE = "us-federal/commutation", "capital_timetable"


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


def pardon_eligibility(
    facts: Mapping[str, Any], as_of: date, case_ref: str | None = None
) -> Deadline | None:
    """The day the federal pardon ruleset's waiting periods are met (``us-federal/pardon``:
    five years from release or sentencing, the end of supervision), from the ruleset itself.

    ``None`` when the ruleset cannot give that day (a fact missing, still in custody).
    """
    ruleset = load_ruleset(PARDON_RULESET)
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
        key="us-federal.pardon_eligible_on",
        title="Federal pardon petition may be filed",
        due_on=opens,
        kind="opens",
        citation=f"28 CFR 1.2 ({PARDON_RULESET} ruleset {ruleset.version})",
        explanation=explanation,
        case_ref=case_ref,
        warning=warning,
    )


def capital_petition_due_on(notice: date) -> date:
    """Last day to file after notice of the execution date: the ``capital_timetable`` rule's
    ``filing_deadline`` (28 CFR 1.10(b)), with its parameter in force on the notice day."""
    rule = load_ruleset(CAPITAL_RULESET).rule(CAPITAL_RULE)
    facts = {"is_capital_case": True, "execution_date_set": True, "execution_notice_date": notice}
    due = show_value(rule, "filing_deadline", facts, notice)
    assert isinstance(due, date)
    return due


def _petition_deadlines(
    p: PetitionSnapshot, facts: Mapping[str, Any], case_ref: str | None
) -> list[Deadline]:
    out: list[Deadline] = []
    machine = lifecycle_mod.load(p.jurisdiction)
    open_ = machine.is_open(p.stage)
    outcome = machine.state(p.stage).outcome
    # 28 CFR 1.8(b): deemed denial after an adverse recommendation (never in capital cases).
    if (
        p.jurisdiction == "us-federal"
        and open_
        and p.adverse_recommendation_on is not None
        and facts.get("is_capital_case") is not True
    ):
        window = int(machine.spec.parameter("deemed_denial_days", p.adverse_recommendation_on))
        out.append(
            Deadline(
                key="us-federal.deemed_denial_on",
                title="Deemed denied if the President has not acted",
                due_on=add_days(p.adverse_recommendation_on, window),
                kind="due",
                citation="28 CFR 1.8(b)",
                explanation=(
                    f"{window} days after the adverse recommendation of "
                    f"{p.adverse_recommendation_on.isoformat()} (window in effect on that date; "
                    "a 90-day window is proposed by RIN 1105-AB76)."
                ),
                case_ref=case_ref,
                subject_ref=p.id,
            )
        )
    # OPA case-search page: not docketed 8 weeks after submission -> inquire.
    if p.jurisdiction == "us-federal" and p.stage in ("submitted", "received") and p.filed_on:
        weeks = int(machine.spec.parameter("docketing_inquiry_weeks", p.filed_on))
        out.append(
            Deadline(
                key="us-federal.docketing_inquiry_on",
                title="Not yet docketed: check the OPA lookup, then inquire",
                due_on=add_days(p.filed_on, 7 * weeks),
                kind="follow_up",
                citation="OPA case-search page (justice.gov/pardon/search-pending-clemency-case-files)",
                explanation=f"{weeks} weeks after submission on {p.filed_on.isoformat()}.",
                case_ref=case_ref,
                subject_ref=p.id,
            )
        )
    # 28 CFR 1.10: capital-case timetable.
    if p.execution_notice_on is not None and open_:
        n = p.execution_notice_on
        due = capital_petition_due_on(n)
        out.append(
            Deadline(
                key="us-federal.capital_petition_due_on",
                title="Capital clemency petition due",
                due_on=due,
                kind="due",
                citation="28 CFR 1.10(b) (us-federal.commutation.capital_timetable)",
                explanation=f"{(due - n).days} days after notice of the execution date ({n.isoformat()}).",
                case_ref=case_ref,
                subject_ref=p.id,
            )
        )
        if p.filed_on is not None:
            out.append(
                Deadline(
                    key="us-federal.capital_supporting_papers_due_on",
                    title="Capital case: supporting papers due",
                    due_on=add_days(p.filed_on, CAPITAL_SUPPORT_DAYS),
                    kind="due",
                    citation="28 CFR 1.10(b)",
                    explanation=f"{CAPITAL_SUPPORT_DAYS} days after the petition was filed ({p.filed_on.isoformat()}).",
                    case_ref=case_ref,
                    subject_ref=p.id,
                )
            )
        if p.execution_on is not None:
            earliest = add_days(n, CAPITAL_NOTICE_MIN_DAYS)
            out.append(
                Deadline(
                    key="us-federal.execution_on",
                    title="Scheduled execution date",
                    due_on=p.execution_on,
                    kind="event",
                    citation="28 CFR 1.10(a)",
                    explanation=f"Notice given {n.isoformat()}; at least {CAPITAL_NOTICE_MIN_DAYS} days' notice is required.",
                    case_ref=case_ref,
                    subject_ref=p.id,
                    warning=(
                        f"Less than {CAPITAL_NOTICE_MIN_DAYS} days' notice: the execution date precedes {earliest.isoformat()}."
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
    # Re-application after a denial, per jurisdiction.
    if outcome == "denied" and p.decided_on is not None:
        months = machine.spec.reapply_months(p.kind, p.decided_on)
        if months is not None:
            out.append(
                Deadline(
                    key=f"{p.jurisdiction}.reapply_on",
                    title="A new petition may be filed",
                    due_on=add_months(p.decided_on, months),
                    kind="opens",
                    citation=machine.spec.reapply_citation,
                    explanation=(
                        "No waiting period after the denial."
                        if months == 0
                        else f"{months} months after the denial of {p.decided_on.isoformat()}."
                    ),
                    case_ref=case_ref,
                    subject_ref=p.id,
                )
            )
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
    pardoned = any(g.kind == "pardon" for g in inputs.grants)
    if (
        facts.get("jurisdiction", "us-federal") == "us-federal"
        and not pardoned
        and inputs.as_of is not None
    ):
        d = pardon_eligibility(facts, inputs.as_of, inputs.case_ref)
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
