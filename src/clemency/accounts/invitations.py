"""Joining an organization: an admin invites an e-mail address, the person accepts.

An admin never attaches an existing account to their organization by typing its e-mail: that
would let one organization's admin reach another organization's member. Instead:

- :func:`invite` makes an invitation (role, name, expiry) and returns a link token, shown once
  to the admin, who passes it on. The answer is the same whether or not an account with that
  e-mail exists, and costs the same (no account is looked up but this organization's members),
  so invitations cannot be used to learn which e-mails have accounts.
- The person opens the link. Signed in as the invited address, they accept (:func:`accept`).
  Without an account, they choose their password on the same page (:func:`register`); if the
  address already has an account nothing is created, and the page answers the same either way
  ("sign in to accept"), after the same password hashing.
- Pending invitations are listed for the admin (:func:`pending`) and can be revoked
  (:func:`revoke`); an invitation expires after ``CLEMENCY_INVITATION_DAYS``.

Only the SHA-256 of a link's token is stored. Every step is audited (entity ``invitation``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clemency.accounts.models import ROLES, Invitation, Membership, Organization, User
from clemency.accounts.passwords import check_password_policy, hash_password, verify_password
from clemency.accounts.tokens import aware as _aware
from clemency.accounts.tokens import hash_token as _hash
from clemency.audit import service as audit
from clemency.errors import BadInput, LinkInvalid, NotFound

DEFAULT_INVITATION_DAYS = 7
INVITATION_PREFIX = "inv_"
INVALID_INVITATION = (
    "This invitation link is not valid: it may have expired, been used or been withdrawn. "
    "Ask the organization's administrator for a new one."
)
REGISTERED = (
    "Thank you. If this e-mail address had no account, one has been made with the password you "
    "chose and you have joined the organization: sign in. If it already had an account, nothing "
    "was changed: sign in with that account's password and open this link again to accept."
)


def _normalise_email(email: str) -> str:
    email = email.strip().lower()
    if "@" not in email or len(email) > 254 or email.startswith("@") or email.endswith("@"):
        raise BadInput("Enter an e-mail address such as name@example.org.", field="email")
    return email


def invite(
    *,
    session: Session,
    admin: User,
    organization_id: int,
    email: str,
    display_name: str,
    role: str,
    now: datetime,
    days: int = DEFAULT_INVITATION_DAYS,
) -> str:
    """An invitation to ``email`` for ``role``; returns the raw link token (shown once). An
    earlier pending invitation of the same address to this organization is replaced."""
    email = _normalise_email(email)
    if not display_name.strip():
        raise BadInput("Enter the person's name.", field="display_name")
    if role not in ROLES:
        raise BadInput(f"Choose one of {', '.join(ROLES)}.", field="role")
    already = session.scalar(
        select(Membership.id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.organization_id == organization_id, func.lower(User.email) == email)
    )
    if already is not None:
        raise BadInput("That person is already a member of this organization.", field="email")
    for earlier in session.scalars(
        select(Invitation).where(
            Invitation.organization_id == organization_id,
            Invitation.email == email,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
    ):
        earlier.revoked_at = now
    raw = INVITATION_PREFIX + secrets.token_urlsafe(32)
    row = Invitation(
        organization_id=organization_id,
        email=email,
        display_name=display_name.strip()[:200],
        role=role,
        token_hash=_hash(raw),
        invited_by_id=admin.id,
        created_at=now,
        expires_at=now + timedelta(days=max(1, days)),
    )
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        actor_user_id=admin.id,
        actor_label=admin.email,
        action="permission",
        entity_type="invitation",
        entity_id=row.id,
        organization_id=organization_id,
        changed_fields=["role"],
        detail=f"invited as {role}",
    )
    return raw


@dataclass(frozen=True)
class PendingInvitation:
    id: int
    email: str
    display_name: str
    role: str
    created_at: datetime
    expires_at: datetime
    expired: bool


def pending(*, session: Session, organization_id: int, now: datetime) -> list[PendingInvitation]:
    """The organization's invitations not yet accepted or revoked (expired ones included,
    marked, so the admin can see why a person could not join)."""
    rows = session.scalars(
        select(Invitation)
        .where(
            Invitation.organization_id == organization_id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .order_by(Invitation.id.desc())
    )
    out = []
    for row in rows:
        expires = _aware(row.expires_at) or now
        out.append(
            PendingInvitation(
                row.id,
                row.email,
                row.display_name,
                row.role,
                _aware(row.created_at) or now,
                expires,
                expires <= now,
            )
        )
    return out


def revoke(
    *, session: Session, admin: User, organization_id: int, invitation_id: int, now: datetime
) -> None:
    row = session.get(Invitation, invitation_id)
    if row is None or row.organization_id != organization_id:
        raise NotFound("No such invitation.", field="invitation_id")
    if row.accepted_at is not None or row.revoked_at is not None:
        return
    row.revoked_at = now
    audit.record(
        session=session,
        actor_user_id=admin.id,
        actor_label=admin.email,
        action="permission",
        entity_type="invitation",
        entity_id=row.id,
        organization_id=organization_id,
        detail="invitation withdrawn",
    )


@dataclass(frozen=True)
class OpenInvitation:
    """What the acceptance page shows."""

    id: int
    organization_name: str
    role: str
    email: str
    display_name: str
    expires_at: datetime


def find(*, session: Session, raw: str, now: datetime) -> OpenInvitation:
    row = _usable(session, raw, now)
    organization = session.get(Organization, row.organization_id)
    assert organization is not None
    return OpenInvitation(
        row.id,
        organization.name,
        row.role,
        row.email,
        row.display_name,
        _aware(row.expires_at) or now,
    )


def _usable(session: Session, raw: str, now: datetime) -> Invitation:
    row = session.scalar(select(Invitation).where(Invitation.token_hash == _hash(raw)))
    if row is None or row.accepted_at is not None or row.revoked_at is not None:
        raise LinkInvalid(INVALID_INVITATION)
    expires = _aware(row.expires_at)
    if expires is None or expires <= now:
        raise LinkInvalid(INVALID_INVITATION)
    return row


def _join(session: Session, row: Invitation, user: User, now: datetime, how: str) -> None:
    exists = session.scalar(
        select(Membership.id).where(
            Membership.organization_id == row.organization_id, Membership.user_id == user.id
        )
    )
    if exists is None:
        session.add(Membership(user_id=user.id, organization_id=row.organization_id, role=row.role))
    row.accepted_at = now
    row.accepted_by_id = user.id
    session.flush()
    audit.record(
        session=session,
        actor_user_id=user.id,
        actor_label=user.email,
        action="permission",
        entity_type="invitation",
        entity_id=row.id,
        organization_id=row.organization_id,
        changed_fields=["role"],
        detail=f"invitation accepted ({how}); role {row.role}",
    )


def accept(*, session: Session, raw: str, user: User, now: datetime) -> int:
    """The signed-in ``user`` accepts; only the invited address may. Returns the
    organization's id."""
    row = _usable(session, raw, now)
    if user.email.strip().lower() != row.email:
        raise BadInput(
            "This invitation is for another e-mail address. Sign out, then sign in as the "
            "invited address (or open the link without signing in to create its account).",
            field="email",
        )
    _join(session, row, user, now, "signed in")
    return row.organization_id


def register(
    *, session: Session, raw: str, display_name: str, password: str, now: datetime
) -> None:
    """Create the invited address's account with the chosen password and join, when the
    address has no account; otherwise change nothing. The caller shows :data:`REGISTERED`
    either way; both ways hash the password once, so the time does not tell them apart."""
    row = _usable(session, raw, now)
    name = display_name.strip()[:200] or row.display_name
    check_password_policy(password, email=row.email, display_name=name)
    existing = session.scalar(select(User).where(func.lower(User.email) == row.email))
    if existing is not None:
        verify_password(hash_password(password), password)  # the same work as below
        audit.record(
            session=session,
            actor_user_id=None,
            actor_label=row.email,
            action="permission",
            entity_type="invitation",
            entity_id=row.id,
            organization_id=row.organization_id,
            outcome="failure",
            detail="account creation refused: the address has an account (sign in to accept)",
        )
        return
    user = User(
        email=row.email,
        display_name=name,
        password_hash=hash_password(password),
        password_changed_at=now,
        is_active=True,
        failed_login_count=0,
    )
    session.add(user)
    session.flush()
    verify_password(user.password_hash, password)
    audit.record(
        session=session,
        actor_user_id=user.id,
        actor_label=user.email,
        action="create",
        entity_type="user",
        entity_id=user.id,
        organization_id=row.organization_id,
        detail="account created from an invitation",
    )
    _join(session, row, user, now, "new account")
