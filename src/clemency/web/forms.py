"""Forms for the parts of a case, described from the model's columns.

A new column in the case store appears in its form without touching the web layer. Values are
parsed field by field with the store's own coercion, so every bad field gets its message next
to it at once (not one error per submit).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Boolean, Date, Integer, String, Text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.sql.sqltypes import Enum
from sqlalchemy.types import TypeDecorator

from clemency.cases import validation, vocab
from clemency.cases.models import PART_MODELS, Case, Person
from clemency.cases.serialize import coerce, editable_columns
from clemency.db.base import Base
from clemency.digits import whole_number
from clemency.errors import BadInput
from clemency.search import listing

# What a person sees for each part, in the order of the case page.
PART_TITLES: dict[str, str] = {
    "convictions": "Convictions",
    "counts": "Counts",
    "sentences": "Sentences",
    "custody": "Custody",
    "conduct_incidents": "Conduct",
    "programs": "Programs",
    "health_notes": "Health notes",
    "victim_records": "Victim information",
    "support_letters": "Support letters",
    "documents": "Documents",
    "petitions": "Petitions",
    "petition_events": "Petition timeline",
    "decisions": "Decisions",
    "notes": "Notes",
    "asserted_facts": "Asserted facts",
}
# Columns shown in each part's table on the case page (the form shows all editable ones).
PART_COLUMNS: dict[str, tuple[str, ...]] = {
    "convictions": (
        "is_primary",
        "court_kind",
        "district",
        "docket_number",
        "convicted_on",
        "offense_category",
    ),
    "counts": ("number", "offense_text", "statute", "category"),
    "sentences": ("prison_months", "is_life", "supervised_release_months", "fine_cents"),
    "custody": ("facility", "started_on", "projected_release_on", "released_on"),
    "conduct_incidents": ("occurred_on", "severity", "code", "description"),
    "programs": ("kind", "name", "completed_on", "hours"),
    "health_notes": ("recorded_on", "is_critical_illness", "text"),
    "victim_records": (
        "identity",
        "full_name",
        "relation_to_offense",
        "wants_notification",
        "notified_on",
        "views_on_clemency",
    ),
    "support_letters": ("author_name", "author_relationship", "status", "received_on"),
    "documents": ("filename", "doc_type", "dated_on", "size_bytes"),
    "petitions": ("kind", "jurisdiction", "case_number", "filed_on", "status"),
    "petition_events": ("petition_id", "occurred_on", "status", "source", "note"),
    "decisions": ("kind", "outcome", "decided_on", "decided_by"),
    "notes": ("written_on", "text"),
    "asserted_facts": ("name", "value_json", "asserted_on"),
}
# Parts whose rows are created elsewhere (uploads, fact forms) rather than by a generic form.
NOT_CREATED_HERE = frozenset({"documents", "asserted_facts"})
# Columns filled by the system, never typed in.
SYSTEM_FILLED = frozenset({"storage_key", "sha256", "size_bytes", "recorded_by_id", "author_id"})
# Columns that point at another row of the same case: offered as a choice of those rows.
REFERENCES: dict[str, str] = {
    "conviction_id": "convictions",
    "petition_id": "petitions",
    "document_id": "documents",
}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str  # text | textarea | date | number | bool | select
    required: bool
    options: list[tuple[str, str]] = field(default_factory=list)
    hint: str = ""


def _label(name: str) -> str:
    from clemency.web.templating import _label as label

    return label(name.removesuffix("_id") if name in REFERENCES else name)


def _hint(name: str) -> str:
    if name == "bop_register_number":
        return "12345-678"
    if name.endswith("_cents"):
        return "whole cents, e.g. 150000 for $1,500.00"
    if name == "case_number":
        return "C123456 or P123456 (federal)"
    if name == "full_name":
        return "empty when the identity is withheld or unknown"
    return ""


def describe(
    model: type[Base], names: list[str] | None = None, case: Case | None = None
) -> list[FieldSpec]:
    """The form fields of ``model`` (all editable columns unless ``names`` is given)."""
    columns = sa_inspect(model).columns
    specs = []
    for name in names if names is not None else editable_columns(model):
        if name in SYSTEM_FILLED:
            continue
        column = columns[name]
        kind_of = column.type
        if isinstance(kind_of, TypeDecorator):  # an encrypted column: a textarea or a line
            kind_of = kind_of.impl_instance if getattr(kind_of, "multiline", True) else String()
        required = not column.nullable and column.default is None
        options: list[tuple[str, str]] = []
        if (model.__name__, name) in validation.JURISDICTION_COLUMNS:
            kind = "select"  # a choice, not free text (issue #14: "Federal" broke screening)
            options = [(j, j) for j in validation.known_jurisdictions()]
        elif name in REFERENCES:
            kind = "select"
            rows = getattr(case, REFERENCES[name], []) if case is not None else []
            options = [(str(r.id), _describe_row(REFERENCES[name], r)) for r in rows]
        elif isinstance(kind_of, Enum):
            kind = "select"
            options = [(v, v.replace("_", " ")) for v in kind_of.enums]
        elif isinstance(kind_of, Boolean):
            kind = "bool"
            required = False  # three-valued: unknown is always allowed
        elif isinstance(kind_of, Date):
            kind = "date"
        elif isinstance(kind_of, Integer):
            kind = "number"
        elif isinstance(kind_of, Text):
            kind = "textarea"
        else:
            kind = "text"
        specs.append(FieldSpec(name, _label(name), kind, required, options, _hint(name)))
    return specs


def _describe_row(kind: str, row: Any) -> str:
    if kind == "convictions":
        return f"#{row.id} {row.district or row.court_name or ''} {row.docket_number or ''}".strip()
    if kind == "petitions":
        return f"#{row.id} {row.kind} {row.case_number or ''} ({row.status})".strip()
    if kind == "documents":
        return f"#{row.id} {row.filename}"
    return f"#{row.id}"


def parse(
    model: type[Base], specs: list[FieldSpec], form: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Form strings → ``(raw values to send to the service, {field: message})``.

    Every field is checked with the store's coercion and the row's checks (dates in order), so
    all problems are reported together; the raw strings (not the coerced values) are returned
    because the service coerces again.
    """
    values: dict[str, Any] = {}
    coerced: dict[str, Any] = {}
    problems: dict[str, str] = {}
    scratch = model()  # runs the model's own validators (e.g. register number form) early
    for spec in specs:
        raw = form.get(spec.name, "")
        raw = raw.strip() if isinstance(raw, str) else raw
        if raw == "" and spec.required:
            problems[spec.name] = f"{spec.label} is required."
            continue
        try:
            coerced[spec.name] = coerce(model, spec.name, raw)
            setattr(scratch, spec.name, coerced[spec.name])
        except BadInput as error:
            problems[spec.name] = _plain(error.message)
            continue
        values[spec.name] = None if raw == "" else raw
    for violation in validation.row_violations(model, coerced):
        problems.setdefault(violation.field, violation.message)
    return values, problems


def errors_of(error: BadInput, specs: list[FieldSpec]) -> dict[str, str]:
    """``{field: message}`` for every problem a service reported; a problem with a field the
    form does not show is put under ``form`` (shown at the top)."""
    shown = {spec.name for spec in specs}
    out: dict[str, str] = {}
    for violation in validation.violations_of(error):
        key = violation.field if violation.field in shown else "form"
        message = _plain(violation.message)
        out[key] = f"{out[key]} {message}" if key in out and key == "form" else message
    return out


def _plain(message: str) -> str:
    """Drop the ``Model.field:`` prefix: the message is shown next to the field already."""
    head, sep, tail = message.partition(": ")
    if sep and "." in head and " " not in head:
        return tail
    return message


def current_values(obj: Base | None, specs: list[FieldSpec]) -> dict[str, Any]:
    if obj is None:
        return {}
    out: dict[str, Any] = {}
    for spec in specs:
        value = getattr(obj, spec.name)
        out[spec.name] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def part_model(kind: str) -> type[Base]:
    model = PART_MODELS.get(kind)
    if model is None or kind == "assignments":
        from clemency.errors import NotFound

        raise NotFound(f"There is no part called {kind!r}.", kind=kind)
    return model


PERSON_FIELDS = describe(Person)


def case_filters(
    q: str,
    stage: str,
    jurisdiction: str,
    assignee: str,
    outcome: str,
    sort: str,
    order: str,
    page: int,
) -> listing.CaseFilters:
    """The case list's query parameters, cleaned (an unknown value means no filter)."""
    return listing.CaseFilters(
        q=q.strip()[:200],
        stage=stage if stage in vocab.CASE_STAGES else "",
        jurisdiction=jurisdiction.strip()[:32],
        assignee=assignee if assignee == "me" or whole_number(assignee) is not None else "",
        outcome=outcome
        if outcome in ("eligible", "ineligible", "needs_review", "unscreened")
        else "",
        sort=sort if sort in listing.SORTS else "updated",
        descending=order != "asc",
        page=max(1, page),
    )
