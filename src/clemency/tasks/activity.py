"""A case's activity feed: who changed what, when, in words, from the audit trail.

Reads (and refused attempts) are left out: the feed is about changes. The audit rows carry
field *names*, never values, and so does the feed. Newest first, a page at a time (``before``
is the id of the last row already shown), so a case with a long history costs one bounded query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from clemency.accounts.models import User
from clemency.audit.models import AuditEvent
from clemency.cases.models import PART_MODELS, SENSITIVE_PARTS, Case

PAGE_SIZE = 50
SENSITIVE_ENTITIES = frozenset(PART_MODELS[kind].__name__.lower() for kind in SENSITIVE_PARTS)
"""Changes to these are shown only to those who may see the sensitive parts themselves."""

_THINGS: dict[str, str] = {
    "case": "the case",
    "person": "the person's details",
    "case_assignment": "who works on the case",
    "conviction": "a conviction",
    "count": "a count",
    "sentence": "a sentence",
    "custody": "a custody record",
    "conductincident": "a conduct incident",
    "programrecord": "a program record",
    "healthnote": "a health note",
    "victimrecord": "a victim record",
    "supportletter": "a support letter",
    "letter_request": "a letter request",
    "document": "a document",
    "petition": "a petition",
    "petitionevent": "a petition event",
    "petition_stage": "a petition's stage",
    "petition_answers": "the petition answers",
    "packet": "a petition packet",
    "decision": "a decision",
    "note": "a note",
    "casefact": "an asserted fact",
    "determination_override": "a reviewer's override of a determination",
    "task": "a task",
    "queue_decision": "the screening-queue decision",
}
_VERBS: dict[str, str] = {
    "create": "added",
    "update": "changed",
    "delete": "removed",
    "export": "exported",
    "import": "imported",
    "permission": "changed",
}


@dataclass(frozen=True)
class Entry:
    id: int
    occurred_at: datetime
    who: str
    sentence: str
    fields: tuple[str, ...]


def _thing(entity_type: str) -> str:
    return _THINGS.get(entity_type, "a " + entity_type.replace("_", " "))


def describe(event: AuditEvent, who: str) -> str:
    """One audit row as a sentence: "Ana Ruiz added a task"."""
    if event.entity_type == "task" and event.detail == "completed":
        return f"{who} completed a task"
    if event.entity_type == "queue_decision" and event.detail:
        if event.detail.startswith("dismissed"):
            return f"{who} dismissed the person from the screening queue"
        if event.detail.startswith("snoozed"):
            return f"{who} snoozed the person in the screening queue"
        if event.detail.startswith("restored"):
            return f"{who} put the person back on the screening queue"
    verb = _VERBS.get(event.action, event.action)
    return f"{who} {verb} {_thing(event.entity_type)}"


def _who(event: AuditEvent, names: dict[int, str]) -> str:
    if event.actor_user_id is not None and event.actor_user_id in names:
        return names[event.actor_user_id]
    if event.actor_label.startswith("system:"):
        return "The system"
    return event.actor_label


def feed(
    *,
    session: Session,
    case: Case,
    include_sensitive: bool,
    before: int | None = None,
    limit: int = PAGE_SIZE,
) -> list[Entry]:
    """The changes of one case, newest first (caller has opened the case). Without
    ``include_sensitive`` changes to the sensitive parts are left out, so that their
    existence is not told to those who may not see them."""
    query = select(AuditEvent).where(
        AuditEvent.case_id == case.id,
        AuditEvent.action != "read",
        AuditEvent.outcome == "success",
    )
    if not include_sensitive:
        query = query.where(AuditEvent.entity_type.not_in(sorted(SENSITIVE_ENTITIES)))
    if before is not None:
        query = query.where(AuditEvent.id < before)
    events = list(session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)))
    ids = sorted({e.actor_user_id for e in events if e.actor_user_id is not None})
    names = (
        {
            int(i): str(n)
            for i, n in session.execute(select(User.id, User.display_name).where(User.id.in_(ids)))
        }
        if ids
        else {}
    )
    out = []
    for event in events:
        who = _who(event, names)
        occurred = event.occurred_at
        if occurred.tzinfo is None:  # SQLite gives naive datetimes, stored as UTC
            occurred = occurred.replace(tzinfo=UTC)
        fields = tuple(name for name in (event.changed_fields or "").split(",") if name)
        out.append(Entry(event.id, occurred, who, describe(event, who), fields))
    return out
