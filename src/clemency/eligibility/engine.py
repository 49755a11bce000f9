"""The Python evaluator: facts + ruleset + as_of → :class:`Determination`.

Each rule is evaluated in three-valued logic. A rule with ``wait_until`` is a *waiting period*:
it passes when its ``when`` (if any) holds and the waiting date is on or before ``as_of``. Its
failure is *time only* when ``when`` is true and the waiting date is known and still ahead.
The SQL compiler (:mod:`clemency.eligibility.sql`) implements the same definitions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from clemency.eligibility import expr
from clemency.eligibility.determination import (
    Determination,
    GrantedRelief,
    Outcome,
    RuleOutcome,
    RuleResult,
    RulesetRef,
)
from clemency.eligibility.facts import validate_facts
from clemency.eligibility.model import Rule, Ruleset


@dataclass
class RuleEval:
    outcome: RuleOutcome
    wait_date: date | None
    time_only: bool
    missing: list[str]
    explanation: str
    #: False when ``as_of`` is before the period the ruleset vouches for (outcome ``unknown``).
    vouched: bool = True


#: The explanation of a rule on a day before the ruleset vouches for it (``basis: knowledge``).
NOT_VOUCHED = (
    "Clemency does not vouch for this rule before {effective_from}: it was checked against "
    "the official text in force from that date on, not before. Whether it applied on {as_of} "
    "must be decided by hand."
)


def _status(value: expr.Value) -> RuleOutcome:
    if value is None:
        return "unknown"
    return "pass" if value else "fail"


def _fmt(value: object) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def judge_rule(rule: Rule, facts: Mapping[str, Any], as_of: date) -> RuleEval:
    """Outcome, waiting date, whether only time fails it and the missing facts (no explanation)."""
    scope = rule.scope_on(as_of)
    if scope == "not_vouched":
        return RuleEval("unknown", None, False, [], "", vouched=False)
    if scope == "not_in_effect":
        return RuleEval(rule.outside_effective, None, False, [], "")
    params = rule.params_on(as_of)
    condition: expr.Value = True
    if rule.when is not None:
        condition = expr.evaluate(rule.when, facts, params, as_of)
    wait_date: date | None = None
    value = condition
    if rule.wait_until is not None:
        waited = expr.evaluate(rule.wait_until, facts, params, as_of)
        assert waited is None or isinstance(waited, date)
        wait_date = waited
        reached = None if wait_date is None else wait_date <= as_of
        value = _kleene_and(condition, reached)
    outcome = _status(value)
    time_only = (
        outcome == "fail" and condition is True and wait_date is not None and wait_date > as_of
    )
    missing: list[str] = []
    if outcome == "unknown":
        read: set[str] = set()
        for node in (rule.when, rule.wait_until):
            if node is not None:
                read |= expr.reached_facts(node, facts, params, as_of)
        missing = sorted(f for f in read if facts.get(f) is None)
    return RuleEval(outcome, wait_date, time_only, missing, "")


def evaluate_rule(rule: Rule, facts: Mapping[str, Any], as_of: date) -> RuleEval:
    """:func:`judge_rule` plus the rule's explanation with facts and parameters filled in."""
    result = judge_rule(rule, facts, as_of)
    names: dict[str, str] = {
        "as_of": as_of.isoformat(),
        "effective_from": rule.effective_from.isoformat(),
        "effective_until": _fmt(rule.effective_until),
        "wait_until": _fmt(result.wait_date),
        "missing": ", ".join(result.missing) or "none",
    }
    for fact in rule.facts:
        names[fact] = _fmt(facts.get(fact))
    scope = rule.scope_on(as_of)
    if scope == "not_vouched":
        template = NOT_VOUCHED
    elif scope == "not_in_effect":
        template = rule.explain.get(
            "not_in_effect",
            "Not in effect on {as_of} (in effect from {effective_from}"
            + (" to {effective_until}" if rule.effective_until else "")
            + ").",
        )
    else:
        params = rule.params_on(as_of)
        names.update({name: _fmt(value) for name, value in params.items()})
        for name, node in rule.show.items():
            names[name] = _fmt(expr.evaluate(node, facts, params, as_of))
        template = rule.explain[result.outcome]
    result.explanation = _render(template, names, facts)
    return result


@dataclass
class Combined:
    outcome: Outcome
    eligible_on: date | None
    missing_facts: list[str]


def combine(required: list[RuleEval]) -> Combined:
    """The combination of the package docstring, over the required rules' results."""
    failed = [ev for ev in required if ev.outcome == "fail"]
    outcome: Outcome
    if failed:
        outcome = "ineligible"
    elif any(ev.outcome == "unknown" for ev in required):
        outcome = "needs_review"
    else:
        outcome = "eligible"
    eligible_on = None
    if failed and all(ev.time_only for ev in failed):
        eligible_on = max(ev.wait_date for ev in failed if ev.wait_date is not None)
    missing = sorted({f for ev in required for f in ev.missing})
    return Combined(outcome, eligible_on, missing)


def holds_on(ruleset: Ruleset, facts: Mapping[str, Any], day: date) -> bool:
    """Whether ``day`` can be an ``eligible_on``: on that day no required rule fails and none is
    outside the period the ruleset vouches for (rules unknown for want of a fact may remain).

    ``eligible_on`` is computed from the waiting dates with the parameters of ``as_of``; this
    re-evaluation on the day itself drops it when the ruleset would not say eligible then (a
    rule or ruleset that expired, a parameter that changed, a condition that reads the date).
    The SQL compiler makes the same check on each row's candidate day.
    """
    for rule in ruleset.required_rules:
        result = judge_rule(rule, facts, day)
        if result.outcome == "fail" or not result.vouched:
            return False
    return True


def waiting_opens_on(ruleset: Ruleset, facts: Mapping[str, object], as_of: date) -> date | None:
    """The day the required waiting periods of ``ruleset`` are met (parameters of ``as_of``).

    Over the required rules with ``wait_until``: ``None`` if one fails for a reason other than
    time (e.g. still in custody); if some only wait for their date, the latest waiting date of
    those that wait or pass (the candidate of ``eligible_on``, which this equals whenever the
    determination gives one; rules unknown for want of a fact do not block it, as there);
    if none waits, the latest date of the passing ones when every one passes, else ``None``.
    Deadline calendars read this day: one rule, one date.
    """
    typed = validate_facts(facts)
    days: list[date] = []
    waiting = unknown = False
    for rule in ruleset.required_rules:
        if rule.wait_until is None:
            continue
        result = judge_rule(rule, typed, as_of)
        if result.outcome == "unknown":
            unknown = True
            continue
        if result.wait_date is None or not (result.outcome == "pass" or result.time_only):
            return None
        waiting |= result.time_only
        days.append(result.wait_date)
    if not days or (unknown and not waiting):
        return None
    return max(days)


def show_value(rule: Rule, name: str, facts: Mapping[str, object], as_of: date) -> expr.Value:
    """One of the rule's ``show`` values (e.g. a filing deadline) for these facts on ``as_of``."""
    typed = validate_facts(facts)
    return expr.evaluate(rule.show[name], typed, rule.params_on(as_of), as_of)


def _checked(ruleset: Ruleset, facts: Mapping[str, Any], combined: Combined) -> Combined:
    if combined.eligible_on is not None and not holds_on(ruleset, facts, combined.eligible_on):
        combined.eligible_on = None
    return combined


def screen_row(ruleset: Ruleset, facts: Mapping[str, object], as_of: date) -> dict[str, Any]:
    """The six screening columns for one row, without explanations (the fast path).

    Equal to ``evaluate(ruleset, facts, as_of).as_row()``; the agreement tests check both.
    """
    typed = validate_facts(facts)
    required = [rule for rule in ruleset.rules if rule.required]
    results = [judge_rule(rule, typed, as_of) for rule in required]
    combined = _checked(ruleset, typed, combine(results))
    person = typed.get("person_id")
    return {
        "person_id": person if isinstance(person, str) else None,
        "outcome": combined.outcome,
        "eligible_on": combined.eligible_on,
        "failed_rules": ";".join(
            r.id for r, ev in zip(required, results, strict=True) if ev.outcome == "fail"
        ),
        "unknown_rules": ";".join(
            r.id for r, ev in zip(required, results, strict=True) if ev.outcome == "unknown"
        ),
        "missing_facts": ";".join(combined.missing_facts),
    }


def _kleene_and(left: expr.Value, right: expr.Value) -> expr.Value:
    if left is False or right is False:
        return False
    if left is None or right is None:
        return None
    return True


def _render(template: str, names: dict[str, str], facts: Mapping[str, Any]) -> str:
    class _Names(dict[str, str]):
        def __missing__(self, key: str) -> str:
            return _fmt(facts.get(key))

    return template.format_map(_Names(names))


#: The decision kinds that grant the relief a ruleset is about (the 2014 Initiative was a
#: commutation programme).
RELIEF_KINDS = {"pardon": {"pardon"}, "commutation": {"commutation"}}


def relief_kinds(ruleset: Ruleset) -> set[str]:
    if ruleset.relief.startswith("clemency-initiative"):
        return {"commutation"}
    return RELIEF_KINDS.get(ruleset.relief, {ruleset.relief})


def evaluate(
    ruleset: Ruleset,
    facts: Mapping[str, object],
    as_of: date,
    *,
    granted: Sequence[GrantedRelief] = (),
) -> Determination:
    """Evaluate every rule of ``ruleset`` on ``facts`` as of ``as_of`` (never the clock).

    Raw JSON/CSV-ish values are accepted and coerced with :func:`validate_facts`.
    ``granted`` are the grants a stored case holds: those decided by ``as_of`` are stated in
    the determination, and one of the ruleset's own relief makes it ``ineligible`` through a
    required ``<ruleset>.already_granted`` result ("pardon granted on 2020-08-28"): the same
    relief is never reported as available again.
    """
    typed = validate_facts(facts)
    results: list[RuleResult] = []
    evals: list[tuple[Rule, RuleEval]] = []
    for rule in ruleset.rules:
        result = evaluate_rule(rule, typed, as_of)
        evals.append((rule, result))
        results.append(
            RuleResult(
                id=rule.id,
                title=rule.title,
                outcome=result.outcome,
                explanation=result.explanation,
                citation=rule.citation,
                url=rule.url,
                required=rule.required,
                missing_facts=result.missing,
                vouched=result.vouched,
            )
        )
    combined = _checked(ruleset, typed, combine([ev for rule, ev in evals if rule.required]))
    held = sorted(
        (g for g in granted if g.decided_on <= as_of), key=lambda g: (g.decided_on, g.kind)
    )
    same = [g for g in held if g.kind in relief_kinds(ruleset)]
    if same:
        latest = same[-1]
        results.append(
            RuleResult(
                id=f"{ruleset.jurisdiction}.{ruleset.relief}.already_granted",
                title=f"Not already granted ({latest.kind})",
                outcome="fail",
                explanation=(
                    f"The case record holds a {latest.describe()}: the same relief is not "
                    "reported as available again."
                ),
                citation="Case record (decisions)",
                required=True,
            )
        )
        combined = Combined("ineligible", None, combined.missing_facts)
    determination = Determination(
        ruleset=RulesetRef(id=ruleset.id, version=ruleset.version, sha256=ruleset.sha256),
        as_of=as_of,
        outcome=combined.outcome,
        eligible_on=combined.eligible_on,
        missing_facts=combined.missing_facts,
        rules=results,
        granted=held,
    )
    person = typed.get("person_id")
    determination._person_id = person if isinstance(person, str) else None
    return determination
