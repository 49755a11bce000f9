"""Organizations, users and memberships. Login, sessions and tokens are built on top of this
by the web layer; authorization attributes (organization, role) change only here."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clemency.accounts.models import ROLES, Membership, Organization, User
from clemency.accounts.passwords import hash_password
from clemency.audit import service as audit
from clemency.db.base import utcnow
from clemency.errors import BadInput, NotFound


def create_organization(*, session: Session, slug: str, name: str) -> Organization:
    """A new tenant; ``slug`` is its stable short name (used in exports)."""
    if session.scalar(select(Organization.id).where(Organization.slug == slug)) is not None:
        raise BadInput(f"An organization with slug {slug!r} already exists.", field="slug")
    organization = Organization(slug=slug, name=name)
    session.add(organization)
    session.flush()
    return organization


def get_organization_by_slug(*, session: Session, slug: str) -> Organization:
    organization = session.scalar(select(Organization).where(Organization.slug == slug))
    if organization is None:
        raise NotFound(f"No organization {slug!r}.", slug=slug)
    return organization


def create_user(
    *, session: Session, email: str, display_name: str, password: str | None = None
) -> User:
    """A user with an argon2id password hash (no password: cannot log in until one is set)."""
    normalized = email.strip().lower()
    if "@" not in normalized:
        raise BadInput(f"{email!r} is not an e-mail address.", field="email")
    if get_user_by_email(session=session, email=normalized) is not None:
        raise BadInput(f"A user with e-mail {normalized} already exists.", field="email")
    user = User(
        email=normalized,
        display_name=display_name,
        password_hash=hash_password(password) if password else None,
        is_active=True,
        failed_login_count=0,
    )
    session.add(user)
    session.flush()
    return user


def get_user_by_email(*, session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def set_password(*, session: Session, user: User, password: str) -> None:
    """Replace the password hash (the audit row never contains the password or the hash)."""
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    session.flush()
    audit.record(
        session=session,
        actor_user_id=user.id,
        actor_label=user.email,
        action="update",
        entity_type="user",
        entity_id=user.id,
        changed_fields=["password_hash"],
    )


def add_membership(
    *,
    session: Session,
    organization: Organization,
    user: User,
    role: str,
    granted_by: User | None = None,
) -> Membership:
    """Give ``user`` a role in ``organization`` (or change it); audited as a permission change."""
    if role not in ROLES:
        raise BadInput(f"Unknown role {role!r}; roles are: {', '.join(ROLES)}.", field="role")
    membership = session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.organization_id == organization.id
        )
    )
    if membership is None:
        membership = Membership(user_id=user.id, organization_id=organization.id, role=role)
        session.add(membership)
    else:
        membership.role = role
    session.flush()
    audit.record(
        session=session,
        actor_user_id=granted_by.id if granted_by else None,
        actor_label=granted_by.email if granted_by else "system",
        action="permission",
        entity_type="membership",
        entity_id=membership.id,
        organization_id=organization.id,
        changed_fields=["role"],
        detail=f"user {user.id} role {role}",
    )
    return membership


def memberships_of(*, session: Session, user: User) -> list[Membership]:
    return list(
        session.scalars(
            select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)
        )
    )
