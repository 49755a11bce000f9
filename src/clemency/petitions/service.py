"""Petition lifecycle service: start a petition, make transitions, record what we learn.

Every change goes through here so that it is checked against the jurisdiction's lifecycle
(:mod:`clemency.petitions.lifecycle`), written as a dated ``PetitionEvent`` on the case's
timeline, and audited in the same transaction. Two things are kept apart:

* the **known status** — ``Petition.status`` and the newest event, each with its source
  (our own filing, an agency letter, the agency's lookup, the press) and date;
* the **inferred stage** — :class:`~clemency.petitions.models.PetitionStage`, the machine's
  state, which an observation can move forward but never backward.

A grant made outside any petition (Alice Marie Johnson's 2018 commutation) is a ``Decision``
without a petition: :func:`record_outside_decision`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clemency.cases import access
from clemency.cases import facts as case_facts
from clemency.cases import service as case_service
from clemency.cases.access import Actor, Operator, Permission
from clemency.cases.models import Case
from clemency.cases.vocab import EVENT_SOURCES, PETITION_KINDS, PETITION_STATUSES
from clemency.config import Settings
from clemency.documents import service as documents
from clemency.errors import BadInput, NotFound
from clemency.petitions import lifecycle as lifecycle_mod
from clemency.petitions.lifecycle import Lifecycle, TransitionContext
from clemency.petitions.models import (
    Decision,
    Petition,
    PetitionEvent,
    PetitionStage,
    initial_stage_values,
)

#: Store roles -> lifecycle roles. Viewers make no transitions.
ROLE_MAP = {"admin": "staff", "attorney": "staff", "volunteer": "volunteer", "viewer": "viewer"}
#: Terminal stages -> the store's decision outcomes.
DECISION_OUTCOME = {
    "granted": "granted",
    "denied": "denied",
    "denied_deemed": "denied_deemed",
    "closed_without_action": "closed_without_action",
    "withdrawn": "withdrawn",
}
_DATE_KEYS = ("filed_on", "decided_on", "hearing_on", "execution_notice_on", "execution_on")


@dataclass(frozen=True)
class KnownStatus:
    status: str
    on: date
    source: str
    source_detail: str | None
    known_by: str | None
    learned_on: date | None


@dataclass(frozen=True)
class NextStep:
    name: str
    label: str
    requires: tuple[str, ...]
    side_exit: bool


@dataclass(frozen=True)
class PetitionView:
    id: int
    case_id: int
    jurisdiction: str
    kind: str
    case_number: str | None
    filed_on: date | None
    stage: str
    stage_label: str
    stage_visible_to_petitioner: bool
    is_open: bool
    carried_over: bool
    known: KnownStatus | None
    next_steps: tuple[NextStep, ...]


@dataclass(frozen=True)
class TimelineItem:
    on: date
    precision: str
    what: str
    source: str
    detail: str | None
    petition_id: int | None


def lifecycle_role(*, session: Session, user: Actor, case: Case) -> str:
    if isinstance(user, Operator):
        return "staff"
    return ROLE_MAP.get(
        access.role_in(session=session, user=user, organization_id=case.organization_id) or "",
        "viewer",
    )


def _machine(jurisdiction: str) -> Lifecycle:
    return lifecycle_mod.load(jurisdiction)


def stage_of(*, session: Session, petition: Petition) -> PetitionStage:
    """The petition's lifecycle row, read only: the stored one, or (for a petition whose row
    has not been written yet) the row it would start with, which is not added to the session.

    Pages call this; a GET never writes (issue 13). Rows are written when petitions are
    created (:func:`clemency.petitions.models.initial_stage_values` through a flush hook),
    backfilled by migration ``reliability``, and by :func:`_stage_for_write` before a change.
    """
    row = session.scalar(select(PetitionStage).where(PetitionStage.petition_id == petition.id))
    if row is not None:
        return row
    return PetitionStage(**initial_stage_values(petition))


def _stage_for_write(session: Session, petition: Petition) -> PetitionStage:
    """The stored lifecycle row, inserted first if missing (for services that change it).

    Two writers inserting the same missing row at once: the second one's insert fails on the
    unique petition id inside a savepoint, and it reads the winner's row instead.
    """
    from sqlalchemy.exc import IntegrityError

    row = session.scalar(select(PetitionStage).where(PetitionStage.petition_id == petition.id))
    if row is not None:
        return row
    try:
        with session.begin_nested():
            row = PetitionStage(**initial_stage_values(petition))
            session.add(row)
    except IntegrityError:
        row = session.scalars(
            select(PetitionStage).where(PetitionStage.petition_id == petition.id)
        ).one()
    return row


def _petition(session: Session, case: Case, petition_id: int) -> Petition:
    petition = session.get(Petition, petition_id)
    if petition is None or petition.case_id != case.id:
        raise NotFound(f"No petition {petition_id} on case {case.id}.", petition_id=petition_id)
    return petition


def _known(petition: Petition) -> KnownStatus | None:
    events = sorted(petition.events, key=lambda e: (e.occurred_on, e.id))
    if not events:
        return None
    e = events[-1]
    return KnownStatus(e.status, e.occurred_on, e.source, e.source_detail, e.known_by, e.learned_on)


def view(*, session: Session, petition: Petition, role: str | None = None) -> PetitionView:
    """Known status, inferred stage and the steps ``role`` may take next."""
    session.refresh(petition, ["events"])
    st = stage_of(session=session, petition=petition)
    machine = _machine(petition.jurisdiction)
    spec = machine.state(st.stage)
    return PetitionView(
        id=petition.id,
        case_id=petition.case_id,
        jurisdiction=petition.jurisdiction,
        kind=petition.kind,
        case_number=petition.case_number,
        filed_on=petition.filed_on,
        stage=st.stage,
        stage_label=spec.label,
        stage_visible_to_petitioner=spec.visible_to_petitioner,
        is_open=machine.is_open(st.stage),
        carried_over=st.carried_over,
        known=_known(petition),
        next_steps=tuple(
            NextStep(t.name, t.label, t.requires, t.side_exit)
            for t in machine.next_steps(st.stage, role)
        ),
    )


def start(
    *,
    session: Session,
    user: Actor,
    case_id: int,
    kind: str,
    jurisdiction: str | None = None,
    relief_requested: str | None = None,
) -> Petition:
    """A new draft petition on the case, in the case's jurisdiction unless another is given."""
    case = case_service.get_for_user(
        session=session, user=user, case_id=case_id, need=Permission.WRITE, audit_read=False
    )
    jurisdiction = jurisdiction or case.jurisdiction
    machine = _machine(jurisdiction)
    if kind not in machine.spec.kinds:
        raise BadInput(
            f"{machine.spec.title} has no {kind!r} petitions; kinds: {', '.join(machine.spec.kinds)}.",
            field="kind",
        )
    petition = Petition(
        case_id=case.id,
        jurisdiction=jurisdiction,
        kind=kind,
        status=machine.spec.initial,
        relief_requested=relief_requested,
    )
    session.add(petition)
    session.flush()  # the flush hook writes its lifecycle row
    case_service.audit_change(
        session=session,
        actor=user,
        case=case,
        action="create",
        entity_type="petition",
        entity_id=petition.id,
        detail=f"{jurisdiction} {kind} draft",
    )
    return petition


def _coerce(data: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(data)
    for key in _DATE_KEYS:
        value = out.get(key)
        if isinstance(value, str) and value:
            try:
                out[key] = date.fromisoformat(value)
            except ValueError as error:
                raise BadInput(
                    f"{key}: {value!r} is not a date (YYYY-MM-DD).", field=key
                ) from error
    for key in ("votes_for", "votes_against"):
        if isinstance(out.get(key), str) and out[key].strip():
            try:
                out[key] = int(out[key])
            except ValueError as error:
                raise BadInput(f"{key}: {out[key]!r} is not a whole number.", field=key) from error
    return out


def transition(
    *,
    session: Session,
    user: Actor,
    case_id: int,
    petition_id: int,
    name: str,
    on: date,
    data: Mapping[str, Any] | None = None,
    source: str = "own_filing",
    source_detail: str | None = None,
    known_by: str | None = None,
    note: str | None = None,
    precision: str = "day",
    settings: Settings | None = None,
) -> PetitionView:
    """Make transition ``name`` on ``on``; refused with the reason and the allowed next steps."""
    case = case_service.get_for_user(
        session=session, user=user, case_id=case_id, need=Permission.WRITE, audit_read=False
    )
    petition = _petition(session, case, petition_id)
    st = _stage_for_write(session, petition)
    machine = _machine(petition.jurisdiction)
    if source not in EVENT_SOURCES:
        raise BadInput(
            f"source {source!r} is not one of {', '.join(EVENT_SOURCES)}.", field="source"
        )
    values = _coerce(data or {})
    values.setdefault("filed_on", on if name == "submit" else petition.filed_on)
    values.setdefault("channel", petition.channel)
    values.setdefault("case_number", petition.case_number)
    if name in ("grant", "deny", "deny_at_stage_1", "deny_at_stage_2"):
        values.setdefault("decided_on", on)
    if st.adverse_recommendation_on is not None:
        values["adverse_recommendation_on"] = st.adverse_recommendation_on
        values["window_days"] = (
            int(machine.spec.parameter("deemed_denial_days", st.adverse_recommendation_on))
            if "deemed_denial_days" in machine.spec.parameters
            else None
        )
    spec = machine.transition(name)
    packet_missing = None
    if spec is not None and any(g.name == "packet_complete" for g in spec.guards):
        packet_missing = documents.missing_for_petition(
            session=session, case=case, petition=petition, as_of=on, settings=settings
        )
    facts = case_facts.facts_for_case(case)
    ctx = TransitionContext(
        on=on,
        role=lifecycle_role(session=session, user=user, case=case),
        data=values,
        packet_missing=packet_missing,
        is_capital_case=facts.get("is_capital_case") is True,
        facts=facts,
    )
    old = st.stage
    new = machine.check(old, name, ctx)
    assert spec is not None  # check() raised otherwise

    _apply_effects(session, case, petition, st, name, on, values, precision, source_detail)
    st.stage = new
    if new != old:
        st.stage_since = on
    if spec.sets_flag == "carried_over":
        st.carried_over = True
    status = "carried_over" if spec.sets_flag == "carried_over" else new
    detail_parts = [spec.label]
    if values.get("votes_for") is not None:
        detail_parts.append(f"vote {values['votes_for']}-{values.get('votes_against', 0)}")
    for key in ("recommendation", "reason", "terms"):
        if values.get(key):
            detail_parts.append(f"{key}: {values[key]}")
    event = PetitionEvent(
        case_id=case.id,
        petition_id=petition.id,
        status=status,
        occurred_on=on,
        occurred_on_precision=precision,
        learned_on=values.get("learned_on") if isinstance(values.get("learned_on"), date) else None,
        source=source,
        source_detail=source_detail,
        known_by=known_by,
        recorded_by_id=access.actor_id(user),
        note="; ".join(detail_parts) + (f". {note}" if note else ""),
    )
    session.add(event)
    petition.status = status
    session.flush()
    case_service.audit_change(
        session=session,
        actor=user,
        case=case,
        action="update",
        entity_type="petition",
        entity_id=petition.id,
        detail=f"transition {name}: {old} -> {new}",
    )
    return view(session=session, petition=petition, role=ctx.role)


def _apply_effects(
    session: Session,
    case: Case,
    petition: Petition,
    st: PetitionStage,
    name: str,
    on: date,
    values: Mapping[str, Any],
    precision: str,
    source_detail: str | None,
) -> None:
    if name == "submit":
        petition.filed_on = values["filed_on"]
        petition.channel = values["channel"]
        case.stage = "filed"
    if name == "docket":
        petition.case_number = values["case_number"]  # validated by the store (C/P + 6 digits)
        st.docketed_on = on
    if name == "recommend":
        rec = str(values["recommendation"])
        if rec not in ("favorable", "unfavorable"):
            raise BadInput(
                "recommendation must be favorable or unfavorable.", field="recommendation"
            )
        st.recommendation = rec
        st.adverse_recommendation_on = on if rec == "unfavorable" else None
    for key in ("hearing_on", "execution_notice_on", "execution_on"):
        if isinstance(values.get(key), date):
            setattr(st, key, values[key])
    if values.get("votes_for") is not None:
        st.votes_for = int(values["votes_for"])
        st.votes_against = int(values.get("votes_against") or 0)
    target = _machine(petition.jurisdiction).transition(name)
    outcome = DECISION_OUTCOME.get(target.to or "") if target is not None else None
    if outcome is not None:
        session.add(
            Decision(
                case_id=case.id,
                petition_id=petition.id,
                kind=petition.kind,
                outcome=outcome,
                decided_on=values.get("decided_on") or on,
                decided_on_precision=precision,
                decided_by=values.get("decided_by"),
                terms=values.get("terms") or values.get("reason"),
                conditions=values.get("conditions"),
                source_detail=source_detail,
            )
        )
        case.stage = "decided" if outcome in ("granted", "denied", "denied_deemed") else case.stage


def observe(
    *,
    session: Session,
    user: Actor,
    case_id: int,
    petition_id: int,
    status: str,
    on: date,
    source: str,
    source_detail: str | None = None,
    known_by: str | None = None,
    learned_on: date | None = None,
    precision: str = "day",
    note: str | None = None,
) -> PetitionView:
    """Record a status we learned (e.g. 'pending' on the OPA lookup); the stage may move forward."""
    case = case_service.get_for_user(
        session=session, user=user, case_id=case_id, need=Permission.WRITE, audit_read=False
    )
    petition = _petition(session, case, petition_id)
    if status not in PETITION_STATUSES:
        raise BadInput(
            f"status {status!r} is not one of {', '.join(PETITION_STATUSES)}.", field="status"
        )
    if source not in EVENT_SOURCES:
        raise BadInput(
            f"source {source!r} is not one of {', '.join(EVENT_SOURCES)}.", field="source"
        )
    st = _stage_for_write(session, petition)
    machine = _machine(petition.jurisdiction)
    old = st.stage
    st.stage = machine.infer_stage(old, status)
    if st.stage != old:
        st.stage_since = on
    session.add(
        PetitionEvent(
            case_id=case.id,
            petition_id=petition.id,
            status=status,
            occurred_on=on,
            occurred_on_precision=precision,
            learned_on=learned_on,
            source=source,
            source_detail=source_detail,
            known_by=known_by,
            recorded_by_id=access.actor_id(user),
            note=note
            or f"Observed status '{status}'"
            + (f"; stage inferred: {st.stage}" if st.stage != old else ""),
        )
    )
    petition.status = status
    session.flush()
    case_service.audit_change(
        session=session,
        actor=user,
        case=case,
        action="create",
        entity_type="petition_event",
        entity_id=petition.id,
        detail=f"observed {status} ({source}); stage {old} -> {st.stage}",
    )
    return view(
        session=session,
        petition=petition,
        role=lifecycle_role(session=session, user=user, case=case),
    )


def record_outside_decision(
    *,
    session: Session,
    user: Actor,
    case_id: int,
    kind: str,
    outcome: str,
    decided_on: date,
    terms: str,
    decided_by: str | None = None,
    source_detail: str | None = None,
    precision: str = "day",
) -> Decision:
    """A decision that came without any petition (a grant through the White House, a proclamation)."""
    case = case_service.get_for_user(
        session=session, user=user, case_id=case_id, need=Permission.WRITE, audit_read=False
    )
    if kind not in PETITION_KINDS:
        raise BadInput(f"kind must be one of {', '.join(PETITION_KINDS)}.", field="kind")
    if outcome == "granted" and not terms.strip():
        raise BadInput("a grant needs its terms (e.g. 'commuted to time served').", field="terms")
    decision = Decision(
        case_id=case.id,
        petition_id=None,
        kind=kind,
        outcome=outcome,
        decided_on=decided_on,
        decided_on_precision=precision,
        decided_by=decided_by,
        terms=terms,
        source_detail=source_detail,
    )
    session.add(decision)
    case.stage = "decided"
    session.flush()
    case_service.audit_change(
        session=session,
        actor=user,
        case=case,
        action="create",
        entity_type="decision",
        entity_id=decision.id,
        detail=f"{kind} {outcome} {decided_on.isoformat()} without a petition",
    )
    return decision


def petitions_of(*, session: Session, user: Actor, case_id: int) -> list[PetitionView]:
    case = case_service.get_for_user(session=session, user=user, case_id=case_id)
    role = lifecycle_role(session=session, user=user, case=case)
    return [view(session=session, petition=p, role=role) for p in case.petitions]


def timeline(*, session: Session, user: Actor, case_id: int) -> list[TimelineItem]:
    """Every petition event and decision of the case, oldest first."""
    case = case_service.get_for_user(session=session, user=user, case_id=case_id)
    session.refresh(case, ["petition_events", "decisions"])
    items = [
        TimelineItem(
            e.occurred_on,
            e.occurred_on_precision,
            f"Petition {e.petition_id}: {e.status}",
            e.source,
            e.note,
            e.petition_id,
        )
        for e in case.petition_events
    ]
    for d in case.decisions:
        if d.decided_on is None:
            continue
        where = f"petition {d.petition_id}" if d.petition_id else "no petition"
        items.append(
            TimelineItem(
                d.decided_on,
                d.decided_on_precision,
                f"Decision: {d.kind} {d.outcome} ({where})",
                "decision",
                d.terms,
                d.petition_id,
            )
        )
    return sorted(items, key=lambda i: (i.on, i.petition_id or 0))
