"""Petition lifecycles as data: one YAML state machine per jurisdiction.

A lifecycle file (``lifecycles/<jurisdiction>.yaml``) lists the states, the transitions
between them, which roles may make each transition, the data a transition needs and the
guards it must pass. This module loads and checks those files and decides, purely,
whether a transition is allowed; :mod:`clemency.petitions.service` records it.

The stage held by the machine is the stage *we infer*. What we actually *know* (a status
seen on the Pardon Attorney's lookup, a letter from the board) is kept apart, with its
source and date, because a petitioner-side tracker rarely sees the internal stages.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from clemency.eligibility.dates import add_days
from clemency.errors import IllegalTransition, RuleFileError

LIFECYCLE_DIR = Path(__file__).parent / "lifecycles"

Outcome = Literal["granted", "denied", "closed", "withdrawn", "not_accepted"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StateSpec(_Strict):
    label: str
    description: str = ""
    terminal: bool = False
    outcome: Outcome | None = None
    visible_to_petitioner: bool = True
    #: Statuses that, when observed from a source, tell us the petition is at least here.
    known_statuses: tuple[str, ...] = ()
    order: int = 0


class GuardSpec(_Strict):
    name: str
    params: dict[str, Any] = Field(default_factory=dict)


class TransitionSpec(_Strict):
    name: str
    label: str
    source: tuple[str, ...] = Field(alias="from")
    to: str | None = None  # None: stay in the same state (a flag such as carried_over)
    roles: tuple[str, ...]
    requires: tuple[str, ...] = ()
    guards: tuple[GuardSpec, ...] = ()
    sets_flag: str | None = None
    citation: str = ""
    side_exit: bool = False

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class NoticePeriodSpec(_Strict):
    """Something that must happen a number of days before a hearing (e.g. notice to the DA)."""

    key: str
    title: str
    days_before: int
    citation: str


class EligibilityDeadlineSpec(_Strict):
    """A ruleset whose waiting periods give the day a petition may first be filed."""

    ruleset: str
    title: str
    citation: str


class DeemedDenialSpec(_Strict):
    """Deemed denial a number of days (a dated lifecycle parameter) after an adverse
    recommendation while the petition is open."""

    days_parameter: str
    citation: str
    explanation: str = ""
    in_capital_cases: bool = False


class DocketingInquirySpec(_Strict):
    """Inquire when a petition is still not docketed some weeks (a dated lifecycle
    parameter) after it was filed."""

    weeks_parameter: str
    stages: tuple[str, ...]
    citation: str


class CapitalTimetableSpec(_Strict):
    """The capital-case timetable after notice of an execution date: the last filing day is a
    ``show`` value of a ruleset's rule; supporting papers and the minimum notice are dated
    lifecycle parameters."""

    ruleset: str
    rule: str
    show: str
    citation: str
    supporting_papers_days_parameter: str
    supporting_papers_citation: str
    notice_min_days_parameter: str
    notice_min_citation: str


class CalendarSpec(_Strict):
    """Which deadlines of :mod:`clemency.petitions.deadlines` this jurisdiction has (none by
    default): the calendar names no jurisdiction, it reads this."""

    eligibility: tuple[EligibilityDeadlineSpec, ...] = ()
    deemed_denial: DeemedDenialSpec | None = None
    docketing_inquiry: DocketingInquirySpec | None = None
    capital_timetable: CapitalTimetableSpec | None = None


class LifecycleSpec(_Strict):
    jurisdiction: str
    version: str
    title: str
    authority: str
    kinds: tuple[str, ...]
    initial: str
    citation: str = ""
    states: dict[str, StateSpec]
    transitions: tuple[TransitionSpec, ...]
    #: Dated parameters, e.g. the deemed-denial window: {name: {effective-date: value}}.
    parameters: dict[str, dict[date, Any]] = Field(default_factory=dict)
    notice_periods: tuple[NoticePeriodSpec, ...] = ()
    #: The deadlines this jurisdiction's petitions have beyond hearings and re-application
    #: (re-application waits are rules of the rulesets: ``*.reapply_after_denial``).
    calendar: CalendarSpec = Field(default_factory=CalendarSpec)

    @model_validator(mode="after")
    def _check_references(self) -> LifecycleSpec:
        names = set(self.states)
        if self.initial not in names:
            raise ValueError(f"initial state {self.initial!r} is not in states")
        seen: set[str] = set()
        for t in self.transitions:
            if t.name in seen:
                raise ValueError(f"transition {t.name!r} is defined twice")
            seen.add(t.name)
            for s in (*t.source, *([t.to] if t.to else [])):
                if s != "*open*" and s not in names:
                    raise ValueError(
                        f"transition {t.name!r} names unknown state {s!r}; states are "
                        + ", ".join(sorted(names))
                    )
            for g in t.guards:
                if g.name not in GUARDS:
                    raise ValueError(
                        f"transition {t.name!r} uses unknown guard {g.name!r}; guards are "
                        + ", ".join(sorted(GUARDS))
                    )
        cal = self.calendar
        wanted = [
            *([cal.deemed_denial.days_parameter] if cal.deemed_denial else []),
            *([cal.docketing_inquiry.weeks_parameter] if cal.docketing_inquiry else []),
            *(
                [
                    cal.capital_timetable.supporting_papers_days_parameter,
                    cal.capital_timetable.notice_min_days_parameter,
                ]
                if cal.capital_timetable
                else []
            ),
        ]
        for name in wanted:
            if name not in self.parameters:
                raise ValueError(f"calendar names parameter {name!r}, which is not in parameters")
        for stage in cal.docketing_inquiry.stages if cal.docketing_inquiry else ():
            if stage not in names:
                raise ValueError(f"calendar docketing_inquiry names unknown state {stage!r}")
        return self

    def parameter(self, name: str, on: date) -> Any:
        """The value of a dated parameter in effect on ``on`` (latest effective date <= on)."""
        values = self.parameters.get(name)
        if not values:
            raise KeyError(f"{self.jurisdiction} lifecycle has no parameter {name!r}")
        current = [d for d in sorted(values) if d <= on]
        return values[current[-1]] if current else values[min(values)]


@dataclass(frozen=True)
class TransitionContext:
    """Everything a guard may look at when a transition is attempted."""

    on: date
    role: str
    data: Mapping[str, Any] = field(default_factory=dict)
    packet_missing: Sequence[str] | None = None  # None: packet not checked
    is_capital_case: bool = False
    facts: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reasons: tuple[str, ...] = ()


def _guard_packet_complete(ctx: TransitionContext, _params: Mapping[str, Any]) -> Verdict:
    if ctx.packet_missing is None:
        return Verdict(False, ("the packet has not been checked; generate it first",))
    if ctx.packet_missing:
        return Verdict(False, ("the packet is incomplete: " + "; ".join(ctx.packet_missing),))
    return Verdict(True)


def _guard_grant_terms(ctx: TransitionContext, _params: Mapping[str, Any]) -> Verdict:
    reasons = []
    if not ctx.data.get("decided_on"):
        reasons.append("a grant needs the date it was signed (decided_on)")
    if not str(ctx.data.get("terms") or "").strip():
        reasons.append("a grant needs its terms (e.g. 'commuted to time served')")
    return Verdict(not reasons, tuple(reasons))


def _guard_votes(ctx: TransitionContext, params: Mapping[str, Any]) -> Verdict:
    try:
        yes = int(ctx.data.get("votes_for", ""))
        no = int(ctx.data.get("votes_against", 0) or 0)
    except (TypeError, ValueError):
        return Verdict(False, ("the board vote needs votes_for and votes_against as numbers",))
    board = int(params.get("board_size", 5))
    if yes < 0 or no < 0 or yes + no > board:
        return Verdict(False, (f"{yes} for and {no} against is impossible on a board of {board}",))
    minimum = int(params.get("min_for", board // 2 + 1))
    if params.get("majority_of_voting") and yes <= no:
        return Verdict(False, (f"{yes}-{no} is not a majority of those voting",))
    if yes < minimum:
        return Verdict(False, (f"{yes} votes for; at least {minimum} are needed",))
    return Verdict(True)


def _guard_votes_fail(ctx: TransitionContext, params: Mapping[str, Any]) -> Verdict:
    passed = _guard_votes(ctx, params)
    if passed.allowed:
        return Verdict(False, ("the vote met the threshold, so it is not a denial",))
    try:
        int(ctx.data.get("votes_for", ""))
    except (TypeError, ValueError):
        return passed
    return Verdict(True)


def _guard_deemed_window(ctx: TransitionContext, params: Mapping[str, Any]) -> Verdict:
    if ctx.is_capital_case:
        return Verdict(False, ("28 CFR 1.8(b) does not apply to capital cases",))
    rec_on = ctx.data.get("adverse_recommendation_on")
    days = ctx.data.get("window_days")
    if not isinstance(rec_on, date) or not isinstance(days, int):
        return Verdict(False, ("no adverse recommendation is on record",))

    closes = add_days(rec_on, days)
    if ctx.on < closes:
        return Verdict(
            False,
            (
                f"the {days}-day window after the adverse recommendation of {rec_on.isoformat()} "
                f"runs until {closes.isoformat()}",
            ),
        )
    return Verdict(True)


GUARDS = {
    "packet_complete": _guard_packet_complete,
    "grant_has_date_and_terms": _guard_grant_terms,
    "board_vote_passes": _guard_votes,
    "board_vote_fails": _guard_votes_fail,
    "deemed_denial_window_elapsed": _guard_deemed_window,
}


@dataclass(frozen=True)
class Lifecycle:
    spec: LifecycleSpec
    sha256: str

    @property
    def jurisdiction(self) -> str:
        return self.spec.jurisdiction

    def state(self, name: str) -> StateSpec:
        return self.spec.states[name]

    def is_open(self, state: str) -> bool:
        return not self.spec.states[state].terminal

    def transition(self, name: str) -> TransitionSpec | None:
        return next((t for t in self.spec.transitions if t.name == name), None)

    def applies_from(self, t: TransitionSpec, state: str) -> bool:
        return state in t.source or ("*open*" in t.source and self.is_open(state))

    def next_steps(self, state: str, role: str | None = None) -> list[TransitionSpec]:
        """Transitions that start from ``state`` (and that ``role`` may make, if given)."""
        return [
            t
            for t in self.spec.transitions
            if self.applies_from(t, state) and (role is None or role in t.roles)
        ]

    def check(self, state: str, name: str, ctx: TransitionContext) -> str:
        """The state after ``name`` from ``state``, or IllegalTransition with reasons and next steps."""
        if state not in self.spec.states:
            raise IllegalTransition(f"unknown state {state!r} for {self.jurisdiction}")
        t = self.transition(name)
        allowed = [s.name for s in self.next_steps(state, ctx.role)]
        reasons: list[str] = []
        if t is None:
            reasons.append(f"{self.jurisdiction} has no transition {name!r}")
        elif not self.applies_from(t, state):
            reasons.append(
                f"'{t.label}' cannot be made from '{self.state(state).label}'"
                + (" (a closed petition)" if not self.is_open(state) else "")
            )
        elif ctx.role not in t.roles:
            reasons.append(f"'{t.label}' may be made by {', '.join(t.roles)}, not by {ctx.role}")
        else:
            for key in t.requires:
                value = ctx.data.get(key)
                if value is None or (isinstance(value, str) and not value.strip()):
                    reasons.append(f"'{t.label}' needs {key}")
            for g in t.guards:
                verdict = GUARDS[g.name](ctx, g.params)
                reasons.extend(verdict.reasons)
        if reasons:
            raise IllegalTransition(
                f"cannot {name} from {state}: "
                + "; ".join(reasons)
                + ". Allowed next steps: "
                + (", ".join(allowed) if allowed else "none (the petition is closed)"),
                state=state,
                transition=name,
                reasons=reasons,
                allowed=allowed,
            )
        assert t is not None
        return t.to or state

    def infer_stage(self, current: str, observed_status: str) -> str:
        """The stage implied by an observed status: forward only, open stages only.

        An observation names a stage directly (``under_investigation``) or through a state's
        ``known_statuses`` (``pending`` on the OPA lookup means at least docketed). Decisions
        are recorded as transitions, because they need their date and terms.
        """
        if not self.is_open(current):
            return current
        target = observed_status if observed_status in self.spec.states else None
        if target is None:
            target = next(
                (n for n, s in self.spec.states.items() if observed_status in s.known_statuses),
                None,
            )
        if target is None or not self.is_open(target):
            return current
        if self.spec.states[target].order > self.spec.states[current].order:
            return target
        return current


def _lifecycle_path(jurisdiction: str) -> Path:
    return LIFECYCLE_DIR / f"{jurisdiction}.yaml"


def available() -> list[str]:
    """Jurisdictions with a lifecycle file."""
    return sorted(p.stem for p in LIFECYCLE_DIR.glob("*.yaml"))


def parse(text: str, origin: str) -> Lifecycle:
    """Parse and validate a lifecycle file; errors name the file and the problem."""
    try:
        raw = yaml.safe_load(text)
        spec = LifecycleSpec.model_validate(raw)
    except yaml.YAMLError as error:
        raise RuleFileError(f"{origin}: not valid YAML: {error}", path=origin) from error
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise RuleFileError(
            f"{origin}: {where}: {first['msg']}", path=origin, location=where
        ) from error
    return Lifecycle(spec=spec, sha256=hashlib.sha256(text.encode()).hexdigest())


@cache
def load(jurisdiction: str) -> Lifecycle:
    """The lifecycle of ``jurisdiction`` (e.g. ``us-federal``)."""
    path = _lifecycle_path(jurisdiction)
    if not path.is_file():
        raise RuleFileError(
            f"no lifecycle for {jurisdiction!r}; available: {', '.join(available())}",
            jurisdiction=jurisdiction,
        )
    return parse(path.read_text(encoding="utf-8"), str(path.name))
