"""Every state change of a case goes through here: access check, change, audit row, flush.

Functions are keyword-only with ``*, session`` and never commit; one unit of work per request
or command does (``clemency.db.session.unit_of_work``). Updates take ``expected_version``: a
write based on an older version raises :class:`StaleWrite` with the current version and values,
and nothing is changed. Only the fields passed in ``changes`` are touched (a PATCH never erases
what it did not mention), and an update that changes nothing writes no audit row.

Parts of a case (convictions, counts, custody, letters, petitions, …) are addressed by their
export name, the keys of :data:`clemency.cases.models.PART_MODELS`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from clemency.accounts.models import Membership, User
from clemency.audit import service as audit
from clemency.cases import access, validation
from clemency.cases.access import Actor, Operator, Permission
from clemency.cases.models import (
    PART_MODELS,
    SENSITIVE_PARTS,
    Case,
    CaseAssignment,
    Conviction,
    Person,
)
from clemency.cases.serialize import (
    coerce_all,
    coerce_values,
    editable_columns,
    jsonable,
    required_columns,
    row_to_dict,
    server_set_columns,
)
from clemency.db.base import Base
from clemency.errors import (
    BadInput,
    CaseNotFound,
    ClemencyError,
    ErrorCode,
    NotFound,
    PermissionDenied,
    StaleWrite,
)

__all__ = [
    "Actor",
    "Operator",
    "add_part",
    "assign",
    "check_version",
    "create_case",
    "delete_case",
    "delete_part",
    "get_for_user",
    "get_part",
    "list_parts",
    "refuse_sensitive_part",
    "unassign",
    "update_case",
    "update_part",
    "update_person",
]

# Case columns a caller may change; organization and synthetic flag are fixed at creation.
CASE_EDITABLE = [
    "reference",
    "stage",
    "jurisdiction",
    "summary",
    "criminal_history_checked_on",
    "conduct_record_checked_on",
]
_NOT_FOUND_MESSAGE = "No case {case_id} that you can open."


# --------------------------------------------------------------------------- access and reads


def audit_change(
    *,
    session: Session,
    actor: Actor | None,
    action: str,
    entity_type: str,
    entity_id: object,
    case: Case | None,
    changed: Sequence[str] = (),
    detail: str | None = None,
    organization_id: int | None = None,
    system_label: str = "system",
) -> None:
    """The one audit row of a change a service makes on behalf of ``actor`` (``None``: the
    system, recorded as ``system_label``), tied to ``case`` and its organization (or to
    ``organization_id`` when there is no case). Every domain service records through this."""
    audit.record(
        session=session,
        actor_user_id=None if actor is None else access.actor_id(actor),
        actor_label=system_label if actor is None else access.actor_label(actor),
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        organization_id=case.organization_id if case is not None else organization_id,
        case_id=case.id if case is not None else None,
        changed_fields=changed,
        detail=detail,
    )


_ACTION_FOR_NEED = {
    Permission.READ: "read",
    Permission.SENSITIVE: "read",
    Permission.WRITE: "update",
    Permission.DELETE: "delete",
    Permission.ASSIGN: "permission",
}


def _refused(session: Session, user: Actor, need: Permission, case_id: int, why: str) -> None:
    """Audit a refused access; the row survives the request's rollback (best effort)."""
    audit.record_refusal(
        session=session,
        actor_user_id=access.actor_id(user),
        actor_label=access.actor_label(user),
        action=_ACTION_FOR_NEED[need],
        entity_type="case",
        entity_id=case_id,
        case_id=case_id,
        detail=f"refused ({need}): {why}",
    )


def get_for_user(
    *,
    session: Session,
    user: Actor,
    case_id: int,
    need: Permission = Permission.READ,
    audit_read: bool = True,
) -> Case:
    """The case, if ``user`` may see it; the read is audited (see :func:`open_for_user`)."""
    case, _allowed = open_for_user(
        session=session, user=user, case_id=case_id, need=need, audit_read=audit_read
    )
    return case


def open_for_user(
    *,
    session: Session,
    user: Actor,
    case_id: int,
    need: Permission = Permission.READ,
    audit_read: bool = True,
) -> tuple[Case, frozenset[Permission]]:
    """The case and everything ``user`` may do with it, if they may see it; audited.

    Raises :class:`CaseNotFound` when the case does not exist *and* when the user may not see
    it (same message), and :class:`PermissionDenied` when the user sees the case but lacks
    ``need`` (e.g. a viewer asking to write).
    """
    case = session.get(Case, case_id)
    allowed = (
        frozenset() if case is None else access.permissions(session=session, actor=user, case=case)
    )
    if case is None or Permission.READ not in allowed:
        _refused(session, user, need, case_id, "no such case" if case is None else "not visible")
        raise CaseNotFound(_NOT_FOUND_MESSAGE.format(case_id=case_id), case_id=case_id)
    if need not in allowed:
        _refused(session, user, need, case_id, f"role lacks {need}")
        raise PermissionDenied(
            f"Your role does not allow '{need}' on case {case_id}.", case_id=case_id, need=need
        )
    if audit_read and need is Permission.READ:
        audit_change(
            session=session,
            actor=user,
            action="read",
            entity_type="case",
            entity_id=case.id,
            case=case,
        )
    return case, allowed


def check_version(obj: Base, expected_version: int) -> None:
    """Refuse a write based on an older version of ``obj`` (raises :class:`StaleWrite`)."""
    current = int(obj.version)  # type: ignore[attr-defined]
    if current != expected_version:
        raise _stale(obj, current)


def _stale(obj: Base, current_version: int | None) -> StaleWrite:
    name = type(obj).__name__
    identity = getattr(obj, "id", None)
    return StaleWrite(
        f"{name} {identity} was changed by someone else (now version {current_version}); "
        "reload it, reapply your change and save again.",
        entity=name,
        id=identity,
        current_version=current_version,
        current=row_to_dict(obj) if current_version is not None else None,
    )


def _flush_or_stale(session: Session, obj: Base) -> None:
    """Flush; a concurrent writer that won the race becomes :class:`StaleWrite`."""
    model = type(obj)
    identity = getattr(obj, "id", None)  # read now: after a failed flush the object is expired
    try:
        session.flush()
    except IntegrityError as error:
        raise _refused_by_database(model, error) from error
    except StaleDataError as error:
        bind = session.get_bind()
        engine = bind if isinstance(bind, Engine) else bind.engine
        with engine.connect() as connection:  # the session's own transaction is spoiled
            row = connection.execute(
                select(model.__table__).where(model.__table__.c.id == identity)
            ).first()
        current = None if row is None else dict(row._mapping)
        version = None if current is None else current.get("version")
        raise StaleWrite(
            f"{model.__name__} {identity} was changed by someone else "
            f"(now version {version}); reload it, reapply your change and save again.",
            entity=model.__name__,
            id=identity,
            current_version=version,
            current={k: jsonable(v) for k, v in current.items()} if current else None,
        ) from error


def _refused_by_database(model: type[Base], error: IntegrityError) -> BadInput:
    """A constraint the checks above did not foresee (e.g. a second sentence for one
    conviction). The session must be rolled back, which the unit of work does."""
    reason = str(error.orig).splitlines()[0] if error.orig else "constraint violated"
    return BadInput(f"{model.__name__}: refused by the database ({reason}).")


def _apply(obj: Base, values: dict[str, Any]) -> list[str]:
    """Set the given values; return the names of the fields whose value really changed."""
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


# --------------------------------------------------------------------------- the case itself


def _refuse_duplicate_reference(session: Session, organization_id: int, reference: str) -> None:
    duplicate = session.scalar(
        select(Case.id).where(Case.organization_id == organization_id, Case.reference == reference)
    )
    if duplicate is not None:
        raise BadInput(
            f"Reference {reference!r} is already used by another case of this organization.",
            field="reference",
        )


class DuplicatePerson(ClemencyError):
    """The person of a new case looks like the person of an existing case of the same
    organization (same register number, or same name and date of birth). ``fields`` name the
    existing case when the user may open it."""

    code = ErrorCode.CONFLICT
    http_status = 409


def _missing(model: type[Base], values: dict[str, Any]) -> list[validation.Violation]:
    return [
        validation.Violation(name, f"{validation.field_label(name)} is required.")
        for name in required_columns(model)
        if values.get(name) is None
    ]


def _fields(problems: list[validation.Violation]) -> set[str]:
    return {problem.field for problem in problems}


def _stored(obj: Base) -> dict[str, Any]:
    """The stored values of ``obj``'s editable columns (for the row checks of an update)."""
    return {name: getattr(obj, name) for name in editable_columns(type(obj))}


def _check_case_level(
    case: Case,
    *,
    date_of_birth: Any = None,
    conviction: dict[str, Any] | None = None,
    field: str | None = None,
) -> None:
    """The checks across the person and the convictions (age at conviction) with one new or
    changed value: the person's date of birth (against every conviction), or one conviction's
    row as it would be saved (only that one: a row stored before the check is left alone)."""
    born = date_of_birth if date_of_birth is not None else case.person.date_of_birth
    rows = [_stored(c) for c in case.convictions] if conviction is None else [conviction]
    problems = validation.case_violations(born, rows, field)
    if problems:
        raise validation.refusal(problems)


def find_duplicate_person(
    *, session: Session, organization_id: int, person: dict[str, Any]
) -> tuple[Case, str] | None:
    """An existing case of ``organization_id`` whose person has the register number of
    ``person`` (coerced values), or the same name (case, accents, spacing ignored) and date of
    birth (unless both have register numbers, and they differ); with what matched. Other
    organizations are never looked at."""
    in_org = select(Case).join(Case.person).where(Case.organization_id == organization_id)
    number = person.get("bop_register_number")
    if number:
        same = session.scalar(in_org.where(Person.bop_register_number == number).limit(1))
        if same is not None:
            return same, f"register number {number}"
    born = person.get("date_of_birth")
    if born is None:
        return None
    wanted = validation.normalized_name(person.get("given_name"), person.get("family_name"))
    for candidate in session.scalars(in_org.where(Person.date_of_birth == born)):
        other = candidate.person
        if number and other.bop_register_number and other.bop_register_number != number:
            continue  # stored under another register number: another person (as screening)
        if validation.normalized_name(other.given_name, other.family_name) == wanted:
            return candidate, f"name and date of birth ({born.isoformat()})"
    return None


def _refuse_duplicate_person(
    session: Session, user: Actor, organization_id: int, person: dict[str, Any]
) -> None:
    found = find_duplicate_person(session=session, organization_id=organization_id, person=person)
    if found is None:
        return
    existing, matched = found
    if Permission.READ in access.permissions(session=session, actor=user, case=existing):
        raise DuplicatePerson(
            f"This person may already have a case: case {existing.reference} (id {existing.id}) "
            f"has the same {matched}. Open that case, or confirm that this is a different "
            "person to open a new one.",
            existing_case_id=existing.id,
            existing_reference=existing.reference,
            matched=matched,
        )
    raise DuplicatePerson(
        f"This person may already have a case in this organization (same {matched}), one you "
        "are not assigned to: ask an attorney or administrator of the organization, or "
        "confirm that this is a different person to open a new one.",
        matched=matched,
    )


def create_case(
    *,
    session: Session,
    user: Actor,
    organization_id: int,
    reference: str,
    person: dict[str, Any],
    jurisdiction: str,
    stage: str = "intake",
    is_synthetic: bool = False,
    summary: str | None = None,
    confirm_different_person: bool = False,
) -> Case:
    """Open a case with its person. A volunteer who opens a case is assigned to it.

    Every problem with the values is reported at once (:class:`BadInput` with ``errors``). A
    person who matches one of another case of the organization (:func:`find_duplicate_person`)
    is refused with :class:`DuplicatePerson` unless ``confirm_different_person``."""
    if not access.may_create_in(session=session, actor=user, organization_id=organization_id):
        raise PermissionDenied(
            "Your role does not allow opening cases in this organization.",
            organization_id=organization_id,
        )
    person_values, problems = coerce_all(Person, person, editable_columns(Person))
    problems += [p for p in _missing(Person, person_values) if p.field not in _fields(problems)]
    case_values, case_problems = coerce_all(
        Case,
        {"reference": reference, "stage": stage, "jurisdiction": jurisdiction, "summary": summary},
        CASE_EDITABLE,
    )
    problems += case_problems
    if not case_values.get("reference") and not case_problems:
        problems.append(
            validation.Violation("reference", "A case needs a reference (e.g. 'A-0001').")
        )
    if problems:
        raise validation.refusal(problems)
    _refuse_duplicate_reference(session, organization_id, case_values["reference"])
    if not confirm_different_person:
        _refuse_duplicate_person(session, user, organization_id, person_values)
    case = Case(
        organization_id=organization_id,
        person=Person(**person_values),
        is_synthetic=is_synthetic,
        **case_values,
    )
    session.add(case)
    session.flush()
    if (
        isinstance(user, User)
        and access.role_in(session=session, user=user, organization_id=organization_id)
        == "volunteer"
    ):
        session.add(CaseAssignment(case_id=case.id, user_id=user.id))
    detail = None
    if confirm_different_person and find_duplicate_person(
        session=session, organization_id=organization_id, person=person_values
    ):
        detail = "confirmed as a different person than a matching case"
    audit_change(
        session=session,
        actor=user,
        action="create",
        entity_type="case",
        entity_id=case.id,
        case=case,
        changed=[*sorted(case_values), "person"],
        detail=detail,
    )
    session.flush()
    return case


def update_case(
    *,
    session: Session,
    user: Actor,
    case_id: int,
    expected_version: int,
    changes: dict[str, Any],
) -> Case:
    """Change case-level fields (stage, jurisdiction, summary, completeness dates, reference)."""
    case = get_for_user(session=session, user=user, case_id=case_id, need=Permission.WRITE)
    check_version(case, expected_version)
    values = coerce_values(Case, changes, CASE_EDITABLE, current=_stored(case))
    if values.get("reference") not in (None, case.reference):
        _refuse_duplicate_reference(session, case.organization_id, values["reference"])
    changed = _apply(case, values)
    if changed:
        _flush_or_stale(session, case)
        audit_change(
            session=session,
            actor=user,
            action="update",
            entity_type="case",
            entity_id=case.id,
            case=case,
            changed=changed,
        )
    return case


def update_person(
    *,
    session: Session,
    user: Actor,
    case_id: int,
    expected_version: int,
    changes: dict[str, Any],
) -> Person:
    """Change the person's fields; ``expected_version`` is the person's version."""
    case = get_for_user(session=session, user=user, case_id=case_id, need=Permission.WRITE)
    person = case.person
    check_version(person, expected_version)
    values = coerce_values(Person, changes, editable_columns(Person), current=_stored(person))
    if values.get("date_of_birth") is not None:
        _check_case_level(case, date_of_birth=values["date_of_birth"], field="date_of_birth")
    changed = _apply(person, values)
    if changed:
        _flush_or_stale(session, person)
        audit_change(
            session=session,
            actor=user,
            action="update",
            entity_type="person",
            entity_id=person.id,
            case=case,
            changed=changed,
        )
    return person


def delete_case(*, session: Session, user: Actor, case_id: int, expected_version: int) -> None:
    """Delete a case and all its parts (admins only). The audit rows stay."""
    case = get_for_user(session=session, user=user, case_id=case_id, need=Permission.DELETE)
    check_version(case, expected_version)
    audit_change(
        session=session,
        actor=user,
        action="delete",
        entity_type="case",
        entity_id=case.id,
        case=case,
    )
    session.delete(case)  # cascades to the person and every part
    _flush_or_stale(session, case)


def assign(*, session: Session, user: Actor, case_id: int, assignee_id: int) -> CaseAssignment:
    """Put a member of the case's organization on the case (admins and attorneys)."""
    case = get_for_user(session=session, user=user, case_id=case_id, need=Permission.ASSIGN)
    member = session.scalar(
        select(Membership).where(
            Membership.user_id == assignee_id, Membership.organization_id == case.organization_id
        )
    )
    if member is None:
        raise BadInput(
            f"User {assignee_id} is not a member of this case's organization.",
            field="assignee_id",
        )
    existing = session.scalar(
        select(CaseAssignment).where(
            CaseAssignment.case_id == case.id, CaseAssignment.user_id == assignee_id
        )
    )
    if existing is not None:
        return existing
    assignment = CaseAssignment(case_id=case.id, user_id=assignee_id)
    session.add(assignment)
    session.flush()
    audit_change(
        session=session,
        actor=user,
        action="permission",
        entity_type="case_assignment",
        entity_id=assignment.id,
        case=case,
        changed=["user_id"],
    )
    return assignment


def unassign(*, session: Session, user: Actor, case_id: int, assignee_id: int) -> None:
    """Take a user off a case; takes effect on their next request."""
    case = get_for_user(session=session, user=user, case_id=case_id, need=Permission.ASSIGN)
    assignment = session.scalar(
        select(CaseAssignment).where(
            CaseAssignment.case_id == case.id, CaseAssignment.user_id == assignee_id
        )
    )
    if assignment is None:
        raise NotFound(f"User {assignee_id} is not assigned to case {case_id}.")
    audit_change(
        session=session,
        actor=user,
        action="permission",
        entity_type="case_assignment",
        entity_id=assignment.id,
        case=case,
        changed=["user_id"],
    )
    session.delete(assignment)
    session.flush()


# --------------------------------------------------------------------------- parts of a case


def _part_model(kind: str) -> type[Base]:
    model = PART_MODELS.get(kind)
    if model is None or kind == "assignments":
        raise BadInput(
            f"Unknown part {kind!r}; parts are: "
            + ", ".join(k for k in PART_MODELS if k != "assignments"),
            field="kind",
        )
    return model


def _need_for(kind: str, write: bool) -> Permission:
    if kind in SENSITIVE_PARTS:
        return Permission.SENSITIVE
    return Permission.WRITE if write else Permission.READ


def refuse_sensitive_part(
    *, session: Session, user: Actor, case_id: int, kind: str, allowed: frozenset[Permission]
) -> None:
    """The one rule for every part in :data:`SENSITIVE_PARTS` (health notes, victim records),
    for callers that already hold the user's permissions on the case (web pages, the API):
    without ``Permission.SENSITIVE`` the access is refused, audited, with a message that names
    the part. The part services check the same rule again themselves."""
    if kind not in SENSITIVE_PARTS or Permission.SENSITIVE in allowed:
        return
    _refused(session, user, Permission.SENSITIVE, case_id, f"role lacks sensitive ({kind})")
    raise PermissionDenied(
        f"Your role may not see or change {kind.replace('_', ' ')} (restricted to roles "
        "allowed sensitive data, such as attorneys and administrators).",
        case_id=case_id,
        kind=kind,
    )


def _check_sensitive_write(session: Session, user: Actor, case: Case, kind: str) -> None:
    if kind in SENSITIVE_PARTS and Permission.WRITE not in access.permissions(
        session=session, actor=user, case=case
    ):
        raise PermissionDenied(f"Your role does not allow changing {kind}.", kind=kind)


def _check_parent(session: Session, case: Case, model: type[Base], values: dict[str, Any]) -> None:
    """A part may only point at rows of the same case (no cross-case references)."""
    for name in ("conviction_id", "petition_id", "document_id"):
        target_id = values.get(name)
        if target_id is None:
            continue
        target_model = PART_MODELS[name.replace("_id", "s")]
        target = session.get(target_model, target_id)
        if target is None or getattr(target, "case_id", None) != case.id:
            raise BadInput(
                f"{model.__name__}.{name}: no {target_model.__name__} {target_id} in this case.",
                field=name,
            )


def _writable_part(
    session: Session, user: Actor, case_id: int, kind: str, part_id: int, expected_version: int
) -> tuple[Case, Base]:
    """The case and one of its parts, checked for write access and for a current version."""
    case = get_for_user(
        session=session, user=user, case_id=case_id, need=_need_for(kind, True), audit_read=False
    )
    _check_sensitive_write(session, user, case, kind)
    part = _part_of(session, case, kind, part_id)
    check_version(part, expected_version)
    return case, part


def _part_of(session: Session, case: Case, kind: str, part_id: int) -> Base:
    part = session.get(_part_model(kind), part_id)
    if part is None or getattr(part, "case_id", None) != case.id:
        raise NotFound(f"No {kind} {part_id} in case {case.id}.", kind=kind, id=part_id)
    return part


def get_part(*, session: Session, user: Actor, case_id: int, kind: str, part_id: int) -> Base:
    """One part of a case the user may see (audited as a read of the case, or of the part when
    it is sensitive)."""
    model = _part_model(kind)  # an unknown kind is bad input, before any access check
    case = get_for_user(session=session, user=user, case_id=case_id, need=_need_for(kind, False))
    part = _part_of(session, case, kind, part_id)
    if kind in SENSITIVE_PARTS:  # get_for_user audits plain reads only; this one is restricted
        audit_change(
            session=session,
            actor=user,
            action="read",
            entity_type=model.__name__.lower(),
            entity_id=part_id,
            case=case,
        )
    return part


def list_parts(*, session: Session, user: Actor, case_id: int, kind: str) -> list[Base]:
    """All parts of one kind, in creation order (sensitive kinds need the sensitive grant)."""
    model = _part_model(kind)
    case = get_for_user(session=session, user=user, case_id=case_id, need=_need_for(kind, False))
    if kind in SENSITIVE_PARTS:
        audit_change(
            session=session,
            actor=user,
            action="read",
            entity_type=model.__name__.lower(),
            entity_id=None,
            case=case,
        )
    return list(
        session.scalars(
            select(model).where(model.case_id == case.id).order_by(model.id)  # type: ignore[attr-defined]
        )
    )


# Columns of a part that the server fills in and no caller may set (issue #12: a note's author
# was whatever the request said).
SERVER_SET: dict[str, frozenset[str]] = {"notes": frozenset({"author_id"})}


def _caller_columns(kind: str, model: type[Base], values: dict[str, Any]) -> list[str]:
    """The columns a caller may set on a ``kind`` part; naming a server-set one is refused."""
    server_set = SERVER_SET.get(kind, frozenset())
    named = sorted(server_set & set(values))
    if named:
        raise BadInput(
            f"{', '.join(named)} is set by the server (from the signed-in user), not by the "
            "request; leave it out.",
            field=named[0],
        )
    return [name for name in editable_columns(model) if name not in server_set]


def _server_values(kind: str, user: Actor) -> dict[str, Any]:
    """The server-set columns of a new ``kind`` part written by ``user``."""
    if kind == "notes":
        return {"author_id": access.actor_id(user)}
    return {}


def add_part(
    *, session: Session, user: Actor, case_id: int, kind: str, values: dict[str, Any]
) -> Base:
    """Add a conviction, count, custody stay, letter, petition, event, decision, note, …"""
    model = _part_model(kind)
    if server_set_columns(model):
        raise BadInput(
            f"{kind.replace('_', ' ')} are added by uploading the file "
            f"(POST /cases/{case_id}/documents); {', '.join(sorted(server_set_columns(model)))} "
            "are set by the server from the file itself.",
            field=sorted(server_set_columns(model))[0],
        )
    case = get_for_user(
        session=session, user=user, case_id=case_id, need=_need_for(kind, True), audit_read=False
    )
    _check_sensitive_write(session, user, case, kind)
    clean, problems = coerce_all(model, values, _caller_columns(kind, model, values))
    problems += [p for p in _missing(model, clean) if p.field not in _fields(problems)]
    if problems:
        raise validation.refusal(problems)
    _check_parent(session, case, model, clean)
    if model is Conviction:
        _check_case_level(case, conviction=clean)
    clean.update(_server_values(kind, user))
    part = model(case_id=case.id, **clean)
    session.add(part)
    _flush_or_stale(session, part)
    audit_change(
        session=session,
        actor=user,
        action="create",
        entity_type=model.__name__.lower(),
        entity_id=part.id,  # type: ignore[attr-defined]
        case=case,
        changed=sorted(clean),
    )
    return part


def update_part(
    *,
    session: Session,
    user: Actor,
    case_id: int,
    kind: str,
    part_id: int,
    expected_version: int,
    changes: dict[str, Any],
) -> Base:
    """Change the given fields of one part, refusing a stale ``expected_version``."""
    model = _part_model(kind)
    case, part = _writable_part(session, user, case_id, kind, part_id, expected_version)
    clean = coerce_values(
        model, changes, _caller_columns(kind, model, changes), current=_stored(part)
    )
    _check_parent(session, case, model, clean)
    if model is Conviction and {"convicted_on", "sentenced_on"} & set(clean):
        _check_case_level(case, conviction=_stored(part) | clean)
    changed = _apply(part, clean)
    if changed:
        _flush_or_stale(session, part)
        audit_change(
            session=session,
            actor=user,
            action="update",
            entity_type=model.__name__.lower(),
            entity_id=part_id,
            case=case,
            changed=changed,
        )
    return part


def delete_part(
    *,
    session: Session,
    user: Actor,
    case_id: int,
    kind: str,
    part_id: int,
    expected_version: int,
) -> None:
    """Delete one part (the audit row keeps that it existed, not what it said)."""
    model = _part_model(kind)
    case, part = _writable_part(session, user, case_id, kind, part_id, expected_version)
    audit_change(
        session=session,
        actor=user,
        action="delete",
        entity_type=model.__name__.lower(),
        entity_id=part_id,
        case=case,
    )
    session.delete(part)
    _flush_or_stale(session, part)
