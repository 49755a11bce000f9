"""Signing in and staying signed in: passwords, lockout, server-side sessions and API tokens.

Rules (security.md CJ-4, CJ-6, AS-V3):

- five consecutive failed sign-ins lock the account for 15 minutes, whatever the address;
  while locked even the right password fails, and the message does not say which was wrong;
- a session is an opaque 256-bit token; only its SHA-256 is stored; it ends after
  ``idle_minutes`` without a request and after 12 hours in any case; signing out ends it;
- a disabled account's sessions and tokens stop working at once (checked on every request);
- with two-factor sign-in the password opens a short-lived ``mfa``-stage session that opens
  only the code page (``accounts.mfa``); the code turns it into a new full session;
- at most ``max_sessions`` full sessions per user (CJ-7): a new one ends the oldest;
- an organization's admin acts within that organization only: an account that also belongs to
  other organizations is disabled, enabled or unlocked by a system operator
  (``operator_set_active``, ``operator_unlock``; the ``clemency accounts`` commands), and
  people join an organization by accepting an invitation (``accounts.invitations``).

Failed attempts must be *committed* even though sign-in fails, so :func:`authenticate` returns
a result instead of raising.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from clemency.accounts import feeds, passwords
from clemency.accounts.auth_models import ApiToken, WebSession
from clemency.accounts.models import ROLES, Membership, Organization, User
from clemency.accounts.passwords import hash_password, needs_rehash, verify_password
from clemency.accounts.service import get_user_by_email
from clemency.accounts.tokens import aware as _aware
from clemency.accounts.tokens import hash_token
from clemency.audit import service as audit
from clemency.errors import BadInput, NotFound, PermissionDenied

LOCKOUT_THRESHOLD = 5
LOCKOUT_DURATION = timedelta(minutes=15)
SESSION_ABSOLUTE_LIMIT = timedelta(hours=12)
LAST_SEEN_GRANULARITY = timedelta(seconds=30)  # do not write on every request
TOKEN_PREFIX = "clm_"  # noqa: S105 - a public prefix that marks Clemency tokens, not a secret
FAILED_SIGN_IN = "The e-mail address or password is not right, or the account is locked."

# Verified against when the e-mail is unknown, so both paths take the same time.
_DUMMY_HASH = hash_password("not-a-real-password-" + secrets.token_hex(8))


def check_password_policy(password: str, *, email: str = "", display_name: str = "") -> None:
    """See :func:`clemency.accounts.passwords.check_password_policy`."""
    passwords.check_password_policy(password, email=email, display_name=display_name)


@dataclass(frozen=True)
class SignIn:
    """The outcome of :func:`authenticate`: ``user`` is None when sign-in failed.
    ``must_change_password``: the right password no longer passes the policy (the common-password
    list was refreshed, or it predates the policy): the user is asked to change it at once
    (security.md CJ-3(c): re-checked at the next sign-in, since stored hashes cannot be)."""

    user: User | None
    reason: str = ""
    must_change_password: bool = False


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
    awaiting = user.mfa_enrolled_at is not None and bool(user.totp_secret)
    _audit_login(
        session, user, "success", "password accepted; second factor awaited" if awaiting else None
    )
    try:
        check_password_policy(password, email=user.email, display_name=user.display_name)
    except BadInput:
        return SignIn(user, must_change_password=True)
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


MFA_STEP_LIMIT = timedelta(minutes=5)  # a session waiting for its code lives this long
DEFAULT_MAX_SESSIONS = 3


def start_session(
    *,
    session: Session,
    user: User,
    now: datetime,
    source: str | None = None,
    stage: str = "full",
    max_sessions: int | None = None,
) -> tuple[str, WebSession]:
    """A new session (never reusing one from before sign-in: no fixation). Returns the raw
    token for the cookie and the row.

    ``stage="mfa"``: the password was right and the code is awaited; such a session opens only
    the code page and ends after :data:`MFA_STEP_LIMIT`. A full session beyond ``max_sessions``
    live ones of the user ends the oldest (security.md CJ-7), audited."""
    raw = secrets.token_urlsafe(32)
    row = WebSession(
        token_hash=hash_token(raw),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        expires_at=now + (MFA_STEP_LIMIT if stage == "mfa" else SESSION_ABSOLUTE_LIMIT),
        source=(source or "")[:64] or None,
        stage=stage,
    )
    if stage == "full" and max_sessions is not None and max_sessions >= 1:
        _end_sessions_beyond(session, user, now, keep=max_sessions - 1)
    session.add(row)
    session.flush()
    return raw, row


def _end_sessions_beyond(session: Session, user: User, now: datetime, *, keep: int) -> None:
    live = list(
        session.scalars(
            select(WebSession)
            .where(
                WebSession.user_id == user.id,
                WebSession.ended_at.is_(None),
                WebSession.stage == "full",
                WebSession.expires_at > now,
            )
            .order_by(WebSession.last_seen_at.desc(), WebSession.id.desc())
        )
    )
    ended = live[keep:]
    for old in ended:
        old.ended_at = now
    if ended:
        audit.record(
            session=session,
            actor_user_id=user.id,
            actor_label=user.email,
            action="login",
            entity_type="user",
            entity_id=user.id,
            detail=f"ended {len(ended)} older session(s): limit of {keep + 1} per user",
        )


def upgrade_session(
    *,
    session: Session,
    pending: WebSession,
    user: User,
    now: datetime,
    max_sessions: int | None = None,
) -> tuple[str, WebSession]:
    """After the second factor: end the waiting session and start a full one (a new id)."""
    pending.ended_at = now
    return start_session(
        session=session, user=user, now=now, source=pending.source, max_sessions=max_sessions
    )


def resolve_session(
    *, session: Session, raw: str, now: datetime, idle: timedelta, stage: str = "full"
) -> tuple[WebSession, User] | None:
    """The live session of ``stage`` and its active user for a cookie value, or None. Touches
    ``last_seen_at`` (at most every 30 seconds) so the idle clock restarts."""
    found = session.execute(
        select(WebSession, User)
        .join(User, User.id == WebSession.user_id)
        .where(WebSession.token_hash == hash_token(raw))
    ).first()
    if found is None:
        return None
    row, user = found
    if row.ended_at is not None or row.stage != stage:
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


def end_all_sessions(
    *, session: Session, user_id: int, now: datetime, except_id: int | None = None
) -> None:
    """End every session of the user (but ``except_id``, the one asking, when given)."""
    statement = update(WebSession).where(
        WebSession.user_id == user_id, WebSession.ended_at.is_(None)
    )
    if except_id is not None:
        statement = statement.where(WebSession.id != except_id)
    session.execute(statement.values(ended_at=now).execution_options(synchronize_session=False))


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
    mfa_enrolled: bool = False


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
                user.mfa_enrolled_at is not None,
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


def belongs_elsewhere(*, session: Session, user_id: int, organization_id: int) -> bool:
    """Whether the account is also a member of an organization other than this one (then it
    is not this organization's admin's to disable, unlock or reset)."""
    return (
        session.scalar(
            select(Membership.id)
            .where(Membership.user_id == user_id, Membership.organization_id != organization_id)
            .limit(1)
        )
        is not None
    )


SHARED_ACCOUNT = (
    "This account is also used in other organizations, so only a system operator can {what} "
    "it (clemency accounts {command} EMAIL). You can remove it from this organization."
)


def _refuse_shared(
    session: Session, admin: User, organization_id: int, user_id: int, what: str, command: str
) -> None:
    audit.record(
        session=session,
        actor_user_id=admin.id,
        actor_label=admin.email,
        action="permission",
        entity_type="user",
        entity_id=user_id,
        organization_id=organization_id,
        outcome="failure",
        detail=f"{command} refused: account shared with other organizations",
    )
    raise PermissionDenied(SHARED_ACCOUNT.format(what=what, command=command), field="user_id")


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
) -> str:
    """Change a member's role, disable or enable them, or lift a lockout; audited as a
    permission change; returns what was done, for the page.

    An admin acts within their organization only. Disabling an account that also belongs to
    other organizations removes it from this one instead (its owner keeps their other
    memberships); enabling or unlocking such an account is refused (a system operator does it:
    ``clemency accounts enable/unlock``). Disabling ends every session of the user at once."""

    membership = _membership(session, organization_id, user_id)
    user = session.get(User, user_id)
    assert user is not None  # the membership row has a foreign key to it
    shared = belongs_elsewhere(session=session, user_id=user_id, organization_id=organization_id)
    if shared and unlock:  # refused before anything changes, so the refusal's audit row stands
        _refuse_shared(session, admin, organization_id, user_id, "unlock", "unlock")
    if shared and is_active and not user.is_active:
        _refuse_shared(session, admin, organization_id, user_id, "enable", "enable")
    changed: list[str] = []
    done = "Saved."
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
        if shared and not is_active:
            remove_member(
                session=session,
                admin=admin,
                organization_id=organization_id,
                user_id=user_id,
                reason="disable asked; account shared with other organizations",
            )
            return (
                "This account is also used in other organizations, so it was removed from this "
                "organization instead of being disabled."
            )
        user.is_active = is_active
        changed.append("is_active")
        if not is_active:
            end_all_sessions(session=session, user_id=user_id, now=now)
    if unlock:
        user.locked_until = None
        user.failed_login_count = 0
        user.mfa_failed_count = 0
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
    return done


def remove_member(
    *, session: Session, admin: User, organization_id: int, user_id: int, reason: str = ""
) -> None:
    """Take a member out of the organization (the account itself is untouched)."""
    membership = _membership(session, organization_id, user_id)
    if user_id == admin.id:
        raise BadInput("You cannot remove yourself.", field="user_id")
    session.delete(membership)
    session.flush()
    audit.record(
        session=session,
        actor_user_id=admin.id,
        actor_label=admin.email,
        action="permission",
        entity_type="user",
        entity_id=user_id,
        organization_id=organization_id,
        changed_fields=["role"],
        detail="removed from organization" + (f" ({reason})" if reason else ""),
    )


# --- the user's own account ---------------------------------------------------------------


@dataclass(frozen=True)
class PasswordChanged:
    """``new_feed_token``: the new calendar-feed link's token when the user had a live link
    (shown once), else None."""

    new_feed_token: str | None


def change_password(
    *,
    session: Session,
    user: User,
    current: str,
    new: str,
    confirm: str,
    keep_session_id: int | None,
    now: datetime,
    feed_days: int = 180,
) -> PasswordChanged:
    """The user changes their own password: the current one is required (a wrong one counts
    towards the lockout), the new one passes the policy. Every other session of the user ends
    and the calendar-feed link is replaced. Success and failure are audited (CJ-9)."""

    def refuse(message: str, field: str, detail: str) -> BadInput:
        audit.record(
            session=session,
            actor_user_id=user.id,
            actor_label=user.email,
            action="update",
            entity_type="user",
            entity_id=user.id,
            changed_fields=["password_hash"],
            outcome="failure",
            detail=detail,
        )
        session.flush()
        return BadInput(message, field=field)

    if not verify_password(user.password_hash, current):
        user.failed_login_count = (user.failed_login_count or 0) + 1
        if user.failed_login_count >= LOCKOUT_THRESHOLD:
            user.locked_until = now + LOCKOUT_DURATION
            user.failed_login_count = 0
        raise refuse("The current password is not right.", "current", "current password wrong")
    if new != confirm:
        raise refuse("The two new passwords differ.", "confirm", "confirmation differs")
    if new == current:
        raise refuse("Choose a password you have not been using.", "password", "unchanged")
    try:
        check_password_policy(new, email=user.email, display_name=user.display_name)
    except BadInput as error:
        raise refuse(error.message, "password", "refused by the password policy") from error
    user.password_hash = hash_password(new)
    user.password_changed_at = now
    user.failed_login_count = 0
    end_all_sessions(session=session, user_id=user.id, now=now, except_id=keep_session_id)
    session.flush()
    audit.record(
        session=session,
        actor_user_id=user.id,
        actor_label=user.email,
        action="update",
        entity_type="user",
        entity_id=user.id,
        changed_fields=["password_hash"],
        detail="password changed; other sessions ended",
    )
    token = feeds.rotate(session=session, user=user, now=now, days=feed_days)
    return PasswordChanged(new_feed_token=token)


# --- a system operator's commands (clemency accounts ...) ---------------------------------


def operator_set_active(
    *, session: Session, email: str, active: bool, operator: str, now: datetime
) -> User:
    """Disable (ending every session and calendar link) or enable a whole account, in every
    organization: for a system operator, never an organization's admin."""

    user = get_user_by_email(session=session, email=email)
    if user is None:
        raise NotFound(f"No account with e-mail {email.strip().lower()}.", field="email")
    user.is_active = active
    if not active:
        end_all_sessions(session=session, user_id=user.id, now=now)
        feeds.revoke(session=session, user=user, now=now, reason="account disabled")
    session.flush()
    audit.record(
        session=session,
        actor_user_id=None,
        actor_label=operator,
        action="permission",
        entity_type="user",
        entity_id=user.id,
        changed_fields=["is_active"],
        detail=f"account {'enabled' if active else 'disabled'} by a system operator",
    )
    return user


def operator_unlock(*, session: Session, email: str, operator: str) -> User:

    user = get_user_by_email(session=session, email=email)
    if user is None:
        raise NotFound(f"No account with e-mail {email.strip().lower()}.", field="email")
    user.locked_until = None
    user.failed_login_count = 0
    user.mfa_failed_count = 0
    session.flush()
    audit.record(
        session=session,
        actor_user_id=None,
        actor_label=operator,
        action="permission",
        entity_type="user",
        entity_id=user.id,
        changed_fields=["locked_until"],
        detail="unlocked by a system operator",
    )
    return user
