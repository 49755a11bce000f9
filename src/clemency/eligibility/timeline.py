"""The eligibility timeline: for one person and one ruleset, the dated spans over which the
outcome is eligible, ineligible or needs review, with the rules that change it at each boundary.

Boundaries are found from the rules themselves, never by scanning every day:

- each rule's effective period (``from``, the day after ``until``) and its parameters' dates;
- every date fact and the day after it, and each grant's day;
- each rule's waiting date and its date-valued ``show`` values (e.g. a filing deadline) and the
  day after them, computed on the first day and on each parameter change;
- when a rule reads ``as_of`` in a condition (time served, age), the monthly anniversaries of
  every date fact in the range.

Then the ruleset is evaluated on each candidate day, and every span is **verified** on its last
day (the day before the next boundary): if the outcome (or a required rule's outcome) there
differs, the missed boundary is found by bisection and the span split. A span lasts while the
outcome and every required rule's outcome stay the same, so a change of reason (a waiting
period met while another rule still fails) is a boundary too. Evaluation is :func:`clemency.eligibility.evaluate`, so
the timeline says exactly what a determination on that day says.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from clemency.eligibility import expr
from clemency.eligibility.dates import add_months
from clemency.eligibility.determination import Determination, GrantedRelief, Outcome
from clemency.eligibility.engine import evaluate
from clemency.eligibility.facts import validate_facts
from clemency.eligibility.model import Ruleset
from clemency.errors import ClemencyError

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Change:
    """A required rule whose outcome on the span's first day differs from the day before."""

    rule: str
    title: str
    outcome: str
    explanation: str


@dataclass
class Span:
    start: date
    end: date
    outcome: Outcome
    changes: list[Change] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "outcome": self.outcome,
            "changes": [
                {
                    "rule": c.rule,
                    "title": c.title,
                    "outcome": c.outcome,
                    "explanation": c.explanation,
                }
                for c in self.changes
            ],
        }


@dataclass
class Timeline:
    ruleset: Ruleset
    start: date
    end: date
    spans: list[Span]
    person_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "ruleset": {
                "id": self.ruleset.id,
                "version": self.ruleset.version,
                "sha256": self.ruleset.sha256,
            },
            "person_id": self.person_id,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "spans": [span.to_json() for span in self.spans],
        }

    def to_text(self) -> str:
        heads = {"eligible": "ELIGIBLE", "ineligible": "INELIGIBLE", "needs_review": "NEEDS REVIEW"}
        lines = [
            f"{self.ruleset.id} (version {self.ruleset.version}) timeline "
            f"{self.start.isoformat()} to {self.end.isoformat()}"
            + (f" for {self.person_id}" if self.person_id else "")
        ]
        for span in self.spans:
            lines.append(
                f"{span.start.isoformat()} to {span.end.isoformat()}  {heads[span.outcome]}"
            )
            for change in span.changes:
                lines.append(f"    {change.rule} → {change.outcome}: {change.explanation}")
        lines.append("Rules advise; people decide (28 CFR 1.11).")
        return "\n".join(lines)


def _reads_as_of(ruleset: Ruleset) -> bool:
    def walk(node: expr.Node | None) -> bool:
        if node is None:
            return False
        if isinstance(node, expr.Name):
            return node.kind == "as_of"
        return any(walk(child) for child in node.children())

    return any(walk(rule.when) or walk(rule.wait_until) for rule in ruleset.rules)


def candidate_days(
    ruleset: Ruleset,
    facts: Mapping[str, Any],
    start: date,
    end: date,
    granted: Sequence[GrantedRelief] = (),
) -> list[date]:
    """The days on which the outcome may change (see the module docstring), in (start, end]."""
    days: set[date] = set()
    fact_dates = [value for value in facts.values() if isinstance(value, date)]
    for value in fact_dates:
        days |= {value, value + ONE_DAY}
    days |= {g.decided_on for g in granted}
    probes = {start}
    for rule in ruleset.rules:
        days.add(rule.effective_from)
        if rule.effective_until is not None:
            days.add(rule.effective_until + ONE_DAY)
        for parameter in rule.parameters.values():
            days |= {day for day, _ in parameter.values}
            probes |= {day for day, _ in parameter.values if start <= day <= end}
    for probe in probes:
        for rule in ruleset.rules:
            if not rule.in_effect(probe):
                continue
            try:
                params = rule.params_on(probe)
                found = [
                    expr.evaluate(node, facts, params, probe)
                    for node in (rule.wait_until, *rule.show.values())
                    if node is not None
                ]
            except ClemencyError:  # no parameter value, or a date off the calendar: no dates
                continue
            for moment in found:
                if isinstance(moment, date):
                    days |= {moment, moment + ONE_DAY}
    if _reads_as_of(ruleset):
        for value in fact_dates:
            first = max(0, (start.year - value.year) * 12 + start.month - value.month - 1)
            k = first
            while True:
                day = add_months(value, k)
                if day > end:
                    break
                days |= {day, day + ONE_DAY}
                k += 1
    return sorted(day for day in days if start < day <= end)


def _changes(before: Determination | None, after: Determination) -> list[Change]:
    old = {r.id: r.outcome for r in before.rules} if before is not None else {}
    return [
        Change(rule=r.id, title=r.title, outcome=r.outcome, explanation=r.explanation)
        for r in after.rules
        if r.required and old.get(r.id) != r.outcome
    ]


def timeline(
    ruleset: Ruleset,
    facts: Mapping[str, object],
    start: date,
    end: date,
    *,
    granted: Sequence[GrantedRelief] = (),
) -> Timeline:
    """The spans from ``start`` to ``end`` (inclusive) over which the outcome stays the same."""
    if end < start:
        raise ValueError(f"the timeline ends ({end}) before it starts ({start})")
    typed = validate_facts(facts)

    def on(day: date) -> Determination:
        return evaluate(ruleset, typed, day, granted=granted)

    days = [start, *candidate_days(ruleset, typed, start, end, granted)]
    evaluated: dict[date, Determination] = {day: on(day) for day in days}

    def key(day: date) -> tuple[str, ...]:
        """A span lasts while the outcome and every required rule's outcome stay the same."""
        d = evaluated[day]
        return (d.outcome, *(r.outcome for r in d.rules if r.required))

    def first_change(lo: date, hi: date) -> date:
        """The first day in (lo, hi] whose key differs from lo's (it is known that hi's does)."""
        want = key(lo)
        while (hi - lo).days > 1:
            mid = lo + timedelta(days=(hi - lo).days // 2)
            evaluated.setdefault(mid, on(mid))
            if key(mid) == want:
                lo = mid
            else:
                hi = mid
        evaluated.setdefault(hi, on(hi))
        return hi

    # verify each stretch between candidates on its last day; bisect where it changed unseen
    checked: list[date] = []
    for i, day in enumerate(days):
        checked.append(day)
        last = (days[i + 1] - ONE_DAY) if i + 1 < len(days) else end
        if last <= day:
            continue
        evaluated.setdefault(last, on(last))
        cursor = day
        while key(last) != key(cursor):
            found = first_change(cursor, last)
            checked.append(found)
            cursor = found
    spans: list[Span] = []
    previous: Determination | None = None
    last_key: tuple[str, ...] | None = None
    for day in sorted(set(checked)):
        current = evaluated[day]
        if spans and key(day) == last_key:
            previous = current
            continue
        last_key = key(day)
        if spans:
            spans[-1].end = day - ONE_DAY
        spans.append(Span(day, end, current.outcome, _changes(previous, current)))
        previous = current
    person = typed.get("person_id")
    return Timeline(ruleset, start, end, spans, person if isinstance(person, str) else None)
