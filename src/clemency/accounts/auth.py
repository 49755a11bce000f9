"""Signing in and staying signed in: passwords, lockout, server-side sessions and API tokens.

Rules (security.md CJ-4, CJ-6, AS-V3):

- five consecutive failed sign-ins lock the account for 15 minutes, whatever the address;
  while locked even the right password fails, and the message does not say which was wrong;
- a session is an opaque 256-bit token; only its SHA-256 is stored; it ends after
  ``idle_minutes`` without a request and after 12 hours in any case; signing out ends it;
- a disabled account's sessions and tokens stop working at once (checked on every request).

Failed attempts must be *committed* even though sign-in fails, so :func:`authenticate` returns
a result instead of raising.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from clemency.accounts.auth_models import ApiToken, WebSession
from clemency.accounts.models import Membership, Organization, User
from clemency.accounts.passwords import hash_password, needs_rehash, verify_password
from clemency.audit import service as audit
from clemency.errors import BadInput, NotFound

LOCKOUT_THRESHOLD = 5
LOCKOUT_DURATION = timedelta(minutes=15)
SESSION_ABSOLUTE_LIMIT = timedelta(hours=12)
LAST_SEEN_GRANULARITY = timedelta(seconds=30)  # do not write on every request
PASSWORD_MIN, PASSWORD_MAX = 12, 128
TOKEN_PREFIX = "clm_"  # noqa: S105 - a public prefix that marks Clemency tokens, not a secret
FAILED_SIGN_IN = "The e-mail address or password is not right, or the account is locked."

# Verified against when the e-mail is unknown, so both paths take the same time.
_DUMMY_HASH = hash_password("not-a-real-password-" + secrets.token_hex(8))


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def check_password_policy(password: str) -> None:
    """12 to 128 characters, anything allowed (ASVS 2.1.1, 2.1.2, 2.1.9)."""
    if len(password) < PASSWORD_MIN:
        raise BadInput(
            f"The password must be at least {PASSWORD_MIN} characters long.", field="password"
        )
    if len(password) > PASSWORD_MAX:
        raise BadInput(
            f"The password must be at most {PASSWORD_MAX} characters long.", field="password"
        )


@dataclass(frozen=True)
class SignIn:
    """The outcome of :func:`authenticate`: ``user`` is None when sign-in failed."""

    user: User | None
    reason: str = ""


def authenticate(*, session: Session, email: str, password: str, now: datetime) -> SignIn:
    """Check a password, count failures, lock after too many; audit every attempt."""
    normalized = email.strip().lower()
    user = session.scalar(select(User).where(func.lower(User.email) == normalized))
    if user is None:
        verify_password(_DUMMY_HASH, password)
        audit.record(
            session=session,
            actor_user_id=None,
            actor_label=normalized[:254] or "(empty)",
            action="login",
            entity_type="user",
            outcome="failure",
            detail="unknown account",
        )
        return SignIn(None, "unknown")
    locked_until = _aware(user.locked_until)
    if locked_until is not None and locked_until > now:
        verify_password(_DUMMY_HASH, password)
        _audit_login(session, user, "failure", "account locked")
        return SignIn(None, "locked")
    if not verify_password(user.password_hash, password) or not user.is_active:
        user.failed_login_count = (user.failed_login_count or 0) + 1
        detail = "wrong password" if user.is_active else "account disabled"
        if user.failed_login_count >= LOCKOUT_THRESHOLD:
            user.locked_until = now + LOCKOUT_DURATION
            user.failed_login_count = 0
            detail += "; account locked"
        _audit_login(session, user, "failure", detail)
        return SignIn(None, "failed")
    user.failed_login_count = 0
    user.locked_until = None
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    _audit_login(session, user, "success", None)
    return SignIn(user)


def _audit_login(session: Session, user: User, outcome: str, detail: str | None) -> None:
    audit.record(
        session=session,
        actor_user_id=user.id,
        actor_label=user.email,
        action="login",
        entity_type="user",
        entity_id=user.id,
        outcome=outcome,
        detail=detail,
    )
    session.flush()


def start_session(
    *, session: Session, user: User, now: datetime, source: str | None = None
) -> tuple[str, WebSession]:
    """A new session (never reusing one from before sign-in: no fixation). Returns the raw
    token for the cookie and the row."""
    raw = secrets.token_urlsafe(32)
    row = WebSession(
        token_hash=hash_token(raw),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        expires_at=now + SESSION_ABSOLUTE_LIMIT,
        source=(source or "")[:64] or None,
    )
    session.add(row)
    session.flush()
    return raw, row


def resolve_session(
    *, session: Session, raw: str, now: datetime, idle: timedelta
) -> tuple[WebSession, User] | None:
    """The live session and its active user for a cookie value, or None. Touches
    ``last_seen_at`` (at most every 30 seconds) so the idle clock restarts."""
    found = session.execute(
        select(WebSession, User)
        .join(User, User.id == WebSession.user_id)
        .where(WebSession.token_hash == hash_token(raw))
    ).first()
    if found is None:
        return None
    row, user = found
    if row.ended_at is not None:
        return None
    last_seen = _aware(row.last_seen_at) or now
    expires = _aware(row.expires_at) or now
    if now >= expires or now - last_seen > idle:
        row.ended_at = now
        return None
    if not user.is_active:
        return None
    if now - last_seen >= LAST_SEEN_GRANULARITY:
        row.last_seen_at = now
    return row, user


def end_session(*, session: Session, raw: str, now: datetime) -> None:
    """Sign out: the token stops working on the server, whatever the browser keeps."""
    session.execute(
        update(WebSession)
        .where(WebSession.token_hash == hash_token(raw), WebSession.ended_at.is_(None))
        .values(ended_at=now)
    )


def end_all_sessions(*, session: Session, user_id: int, now: datetime) -> None:
    session.execute(
        update(WebSession)
        .where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
        .values(ended_at=now)
    )


def create_api_token(
    *, session: Session, user: User, name: str, now: datetime, days: int | None = 365
) -> tuple[str, ApiToken]:
    """A new bearer token for a program acting as ``user``; the raw value is shown once."""
    if not name.strip():
        raise BadInput("Give the token a name, e.g. the program that will use it.", field="name")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        token_hash=hash_token(raw),
        prefix=raw[:10],
        user_id=user.id,
        name=name.strip()[:100],
        created_at=now,
        expires_at=None if days is None else now + timedelta(days=days),
    )
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        actor_user_id=user.id,
        actor_label=user.email,
        action="create",
        entity_type="api_token",
        entity_id=row.id,
    )
    return raw, row


def resolve_api_token(*, session: Session, raw: str, now: datetime) -> User | None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    if row is None or row.revoked_at is not None:
        return None
    expires = _aware(row.expires_at)
    if expires is not None and now >= expires:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    last_used = _aware(row.last_used_at)
    if last_used is None or now - last_used >= LAST_SEEN_GRANULARITY:
        row.last_used_at = now
    return user


def revoke_api_token(*, session: Session, user: User, token_id: int, now: datetime) -> None:
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise NotFound("No such token.", field="token_id")
    row.revoked_at = now
    audit.record(
        session=session,
        actor_user_id=user.id,
        actor_label=user.email,
        action="delete",
        entity_type="api_token",
        entity_id=row.id,
    )


def tokens_of(*, session: Session, user: User) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
        )
    )


# --- organizations and roles, for the admin pages ---------------------------------------


@dataclass(frozen=True)
class MemberRow:
    user_id: int
    email: str
    display_name: str
    role: str
    is_active: bool
    locked: bool


def memberships_of(*, session: Session, user: User) -> list[tuple[Organization, str]]:
    """The organizations the user belongs to, with the role in each, by name."""
    rows = session.execute(
        select(Organization, Membership.role)
        .join(Membership, Membership.organization_id == Organization.id)
        .where(Membership.user_id == user.id)
        .order_by(Organization.name)
    )
    return [(org, role) for org, role in rows]


def members(*, session: Session, organization_id: int, now: datetime) -> list[MemberRow]:
    rows = session.execute(
        select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organization_id == organization_id)
        .order_by(User.display_name, User.id)
    )
    out = []
    for user, role in rows:
        locked_until = _aware(user.locked_until)
        out.append(
            MemberRow(
                user.id,
                user.email,
                user.display_name,
                role,
                bool(user.is_active),
                locked_until is not None and locked_until > now,
            )
        )
    return out


def _membership(session: Session, organization_id: int, user_id: int) -> Membership:
    row = session.scalar(
        select(Membership).where(
            Membership.organization_id == organization_id, Membership.user_id == user_id
        )
    )
    if row is None:
        raise NotFound("That user is not a member of this organization.", field="user_id")
    return row


def change_member(
    *,
    session: Session,
    admin: User,
    organization_id: int,
    user_id: int,
    role: str | None = None,
    is_active: bool | None = None,
    unlock: bool = False,
    now: datetime,
) -> None:
    """Change a member's role, disable or enable them, or lift a lockout; audited as a
    permission change. Disabling ends every session of the user at once."""
    from clemency.accounts.models import ROLES

    membership = _membership(session, organization_id, user_id)
    user = session.get(User, user_id)
    assert user is not None  # the membership row has a foreign key to it
    changed: list[str] = []
    if role is not None and role != membership.role:
        if role not in ROLES:
            raise BadInput(
                f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.", field="role"
            )
        if user_id == admin.id:
            raise BadInput("You cannot change your own role.", field="role")
        membership.role = role
        changed.append("role")
    if is_active is not None and is_active != user.is_active:
        if user_id == admin.id:
            raise BadInput("You cannot disable your own account.", field="is_active")
        user.is_active = is_active
        changed.append("is_active")
        if not is_active:
            end_all_sessions(session=session, user_id=user_id, now=now)
    if unlock:
        user.locked_until = None
        user.failed_login_count = 0
        changed.append("locked_until")
    if changed:
        audit.record(
            session=session,
            actor_user_id=admin.id,
            actor_label=admin.email,
            action="permission",
            entity_type="user",
            entity_id=user_id,
            organization_id=organization_id,
            changed_fields=changed,
        )


def add_member(
    *,
    session: Session,
    admin: User,
    organization_id: int,
    email: str,
    display_name: str,
    role: str,
    password: str,
) -> User:
    """Create an account (or reuse one by e-mail) and give it a role in the organization."""
    from clemency.accounts.models import ROLES

    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise BadInput("Enter an e-mail address such as name@example.org.", field="email")
    if not display_name.strip():
        raise BadInput("Enter the person's name.", field="display_name")
    if role not in ROLES:
        raise BadInput(f"Choose one of {', '.join(ROLES)}.", field="role")
    user = session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None:
        check_password_policy(password)
        user = User(
            email=email,
            display_name=display_name.strip(),
            password_hash=hash_password(password),
            is_active=True,
            failed_login_count=0,
        )
        session.add(user)
        session.flush()
    elif session.scalar(
        select(Membership.id).where(
            Membership.organization_id == organization_id, Membership.user_id == user.id
        )
    ):
        raise BadInput("That person is already a member.", field="email")
    session.add(Membership(user_id=user.id, organization_id=organization_id, role=role))
    session.flush()
    audit.record(
        session=session,
        actor_user_id=admin.id,
        actor_label=admin.email,
        action="permission",
        entity_type="user",
        entity_id=user.id,
        organization_id=organization_id,
        changed_fields=["role"],
        detail="added to organization",
    )
    return user
