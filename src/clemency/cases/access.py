"""Who may do what with a case: the access matrix, in one place (docs/store.md repeats it).

| role      | sees                         | edits            | sensitive parts | manages* |
|-----------|------------------------------|------------------|-----------------|----------|
| admin     | every case of its org        | yes              | yes             | yes      |
| attorney  | every case of its org        | yes              | yes             | assign   |
| volunteer | only cases assigned to them  | those cases      | no              | no       |
| viewer    | every case of its org        | no (read only)   | no              | no       |

*manages: assigning users to a case (admin, attorney) and deleting a case (admin only).
An inactive user, or a user with no membership in the case's organization, sees nothing. A case
the user may not see is reported exactly like a missing one (``CaseNotFound``), so nobody learns
that it exists; a visible case the user may not change gives ``PermissionDenied``.
The command-line :class:`Operator` acts with the database's own credentials and sees everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, event, false, or_, select, true
from sqlalchemy.orm import Session

from clemency.accounts.models import Membership, User
from clemency.cases.models import Case, CaseAssignment
from clemency.db.session import unit_of_work_key


@dataclass(frozen=True)
class Operator:
    """The person at the command line (``cli:<login>``), acting outside any organization."""

    label: str


Actor = User | Operator


class Permission(StrEnum):
    READ = "read"
    WRITE = "write"
    SENSITIVE = "sensitive"
    ASSIGN = "assign"
    DELETE = "delete"


_ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "admin": frozenset(Permission),
    "attorney": frozenset(
        {Permission.READ, Permission.WRITE, Permission.SENSITIVE, Permission.ASSIGN}
    ),
    "volunteer": frozenset({Permission.READ, Permission.WRITE}),
    "viewer": frozenset({Permission.READ}),
}
_SEES_WHOLE_ORGANIZATION = frozenset({"admin", "attorney", "viewer"})


_ROLES_KEY = unit_of_work_key("clemency.access.roles")


def roles_of(*, session: Session, user: User) -> dict[int, str]:
    """The user's role in each of their organizations (organization id -> role).

    Read once per unit of work: a page checks access several times (the case, each sensitive
    part, the list's visibility). Forgotten when a membership is flushed or the transaction
    or a savepoint of it is rolled back, and when the transaction ends."""
    cache: dict[int, dict[int, str]] = session.info.setdefault(_ROLES_KEY, {})
    roles = cache.get(user.id)
    if roles is None:
        roles = dict(
            session.execute(
                select(Membership.organization_id, Membership.role).where(
                    Membership.user_id == user.id
                )
            ).all()
        )
        cache[user.id] = roles
    return roles


def remember_roles(*, session: Session, user: User, roles: dict[int, str]) -> None:
    """Give :func:`roles_of` the user's roles, read by the caller in this unit of work (the web
    reads them with the organizations' names for every signed-in request): one query less."""
    session.info.setdefault(_ROLES_KEY, {})[user.id] = dict(roles)


def role_in(*, session: Session, user: User, organization_id: int) -> str | None:
    """The user's role in the organization, or None (no membership)."""
    return roles_of(session=session, user=user).get(organization_id)


@event.listens_for(Session, "before_flush")
def _forget_roles_when_memberships_change(
    session: Session, _context: object, _objects: object
) -> None:
    if any(
        isinstance(changed, Membership)
        for changed in (*session.new, *session.dirty, *session.deleted)
    ):
        session.info.pop(_ROLES_KEY, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget_roles_on_rollback(session: Session, _previous: object) -> None:
    session.info.pop(_ROLES_KEY, None)


def is_assigned(*, session: Session, user: User, case_id: int) -> bool:
    return (
        session.scalar(
            select(CaseAssignment.id).where(
                CaseAssignment.case_id == case_id, CaseAssignment.user_id == user.id
            )
        )
        is not None
    )


def _sees(session: Session, actor: User, role: str | None, case: Case) -> bool:
    """The visibility half of the matrix (each condition on its own line, for coverage)."""
    if not actor.is_active:
        return False
    if role is None:
        return False
    if role in _SEES_WHOLE_ORGANIZATION:
        return True
    return is_assigned(session=session, user=actor, case_id=case.id)


def can_see(*, session: Session, actor: Actor, case: Case) -> bool:
    if isinstance(actor, Operator):
        return True
    return _sees(
        session,
        actor,
        role_in(session=session, user=actor, organization_id=case.organization_id),
        case,
    )


def permissions(*, session: Session, actor: Actor, case: Case) -> frozenset[Permission]:
    """What ``actor`` may do with ``case`` (empty when the case is not visible)."""
    if isinstance(actor, Operator):
        return frozenset(Permission)
    role = role_in(session=session, user=actor, organization_id=case.organization_id)
    if not _sees(session, actor, role, case):
        return frozenset()
    return _ROLE_PERMISSIONS.get(role or "", frozenset())


def visible_cases_clause(
    *, session: Session, actor: Actor, organization: ColumnElement[int] | None = None
) -> ColumnElement[bool]:
    """A WHERE clause selecting exactly the cases ``actor`` may see (lists agree with get):
    every case of an organization where the user is an admin, attorney or viewer, and the
    cases assigned to them where they are a volunteer. The user's memberships are read first
    (once per unit of work), so the database filters on ``organization_id IN (...)`` through an
    index instead of running a correlated sub-query per row. ``organization`` replaces the
    column in that filter (the case list passes ``Case.organization_id + 0`` to steer SQLite's
    planner away from the index when it walks names)."""
    if isinstance(actor, Operator):
        return true()
    if not actor.is_active:
        return false()
    column = Case.organization_id.expression if organization is None else organization
    memberships = roles_of(session=session, user=actor).items()
    whole = sorted(org for org, role in memberships if role in _SEES_WHOLE_ORGANIZATION)
    assigned_only = sorted(org for org, role in memberships if role == "volunteer")
    clauses: list[ColumnElement[bool]] = []
    if whole:
        clauses.append(column.in_(whole))
    if assigned_only:
        assigned = select(CaseAssignment.case_id).where(CaseAssignment.user_id == actor.id)
        clauses.append(and_(column.in_(assigned_only), Case.id.in_(assigned)))
    return or_(*clauses) if clauses else false()


def may_create_in(*, session: Session, actor: Actor, organization_id: int) -> bool:
    """Admins, attorneys and volunteers may open cases in their organization; viewers may not."""
    if isinstance(actor, Operator):
        return True
    if not actor.is_active:
        return False
    return role_in(session=session, user=actor, organization_id=organization_id) in {
        "admin",
        "attorney",
        "volunteer",
    }


def actor_label(actor: Actor) -> str:
    return actor.label if isinstance(actor, Operator) else actor.email


def actor_id(actor: Actor) -> int | None:
    return None if isinstance(actor, Operator) else actor.id
