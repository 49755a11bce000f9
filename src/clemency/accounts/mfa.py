"""Two-factor sign-in: TOTP (RFC 6238, with ``pyotp``) and single-use recovery codes.

- **Enrolment** (:func:`start_enrolment`, :func:`confirm_enrolment`): a new base32 secret is
  shown once, as text and as an ``otpauth://`` URI for an authenticator app; it becomes the
  user's only after a code from the app is entered. Ten recovery codes are then shown once;
  only their SHA-256 is kept (each is an 80-bit random value, so a fast hash is enough).
- **Sign-in** (:func:`verify_second_factor`): after the right password, a 6-digit code (this
  30-second step or the one either side, for clock drift) or one unused recovery code. A code
  is accepted once: the step it matched is remembered and that step or an earlier one is refused
  afterwards (replay, CJ-2 / IA-2(8)). Five wrong codes in a row lock the account like five
  wrong passwords (``auth.LOCKOUT_DURATION``), so codes cannot be guessed at speed.
- **Reset** (:func:`reset_by_admin`, :func:`reset_by_operator`): clears the secret and the
  recovery codes and ends the user's sessions; the user enrols again at next sign-in. An admin
  may reset only an account that belongs to their organization alone.
- **Policy** (:func:`is_required`): per organization (``Organization.mfa_policy``); see
  ``accounts.models.MFA_POLICIES``.

Every step is written to the audit trail (entity ``mfa``; never a secret or code).
TOTP secrets are sealed with AES-GCM under a key derived from ``CLEMENCY_SECRET_KEY`` (HKDF),
bound to the user's id; changing that key means every user enrols again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import datetime

import pyotp
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from clemency.accounts.auth import LOCKOUT_DURATION, belongs_elsewhere, end_all_sessions
from clemency.accounts.auth_models import RecoveryCode
from clemency.accounts.models import MFA_POLICIES, PRIVILEGED_ROLES, Membership, Organization, User
from clemency.accounts.tokens import aware as _aware
from clemency.audit import service as audit
from clemency.digits import whole_number
from clemency.errors import BadInput, NotFound, PermissionDenied

ISSUER = "Clemency"
RECOVERY_CODE_COUNT = 10
MFA_FAILURE_THRESHOLD = 5
_STEP_SECONDS = 30
_SEAL_PREFIX = "v1:"


# --- sealing the secret ----------------------------------------------------------------


def _key(secret_key: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"clemency totp secrets v1"
    ).derive(secret_key.encode())


def seal(secret_key: str, user_id: int, value: str) -> str:
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_key(secret_key)).encrypt(nonce, value.encode(), f"user:{user_id}".encode())
    return _SEAL_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(secret_key: str, user_id: int, sealed: str) -> str | None:
    """The secret, or None when it cannot be opened (another key, another user, tampered)."""
    from cryptography.exceptions import InvalidTag

    if not sealed.startswith(_SEAL_PREFIX):
        return None
    try:
        raw = base64.urlsafe_b64decode(sealed[len(_SEAL_PREFIX) :])
        opened = AESGCM(_key(secret_key)).decrypt(raw[:12], raw[12:], f"user:{user_id}".encode())
    except (InvalidTag, ValueError):
        return None
    return opened.decode()


# --- policy -------------------------------------------------------------------------------


def is_required(memberships: Iterable[tuple[Organization, str]], *, environment: str) -> bool:
    """Whether a user with these (organization, role) memberships must use two-factor
    sign-in: some organization's policy asks it of their role there."""
    for organization, role in memberships:
        policy = organization.mfa_policy or "default"
        if policy == "everyone":
            return True
        if role in PRIVILEGED_ROLES and (
            policy == "privileged" or (policy == "default" and environment == "production")
        ):
            return True
    return False


def set_policy(*, session: Session, admin: User, organization_id: int, policy: str) -> None:
    """An admin sets their organization's policy (the caller checked they administer it)."""

    if policy not in MFA_POLICIES:
        raise BadInput(f"Choose one of {', '.join(MFA_POLICIES)}.", field="mfa_policy")
    organization = session.get(Organization, organization_id)
    if organization is None:
        raise NotFound("No such organization.", field="org")
    if organization.mfa_policy == policy:
        return
    before = organization.mfa_policy
    organization.mfa_policy = policy
    session.flush()
    audit.record(
        session=session,
        actor_user_id=admin.id,
        actor_label=admin.email,
        action="permission",
        entity_type="organization",
        entity_id=organization_id,
        organization_id=organization_id,
        changed_fields=["mfa_policy"],
        detail=f"two-factor policy {before} -> {policy}",
    )


# --- enrolment ------------------------------------------------------------------------------


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def start_enrolment(*, session: Session, user: User, secret_key: str) -> str:
    """A new secret for ``user`` to add to an authenticator app (returned, shown once); it is
    pending until :func:`confirm_enrolment`. Replaces any earlier pending one."""
    secret = pyotp.random_base32()  # 32 base32 characters: 160 bits, as RFC 4226 recommends
    user.totp_pending_secret = seal(secret_key, user.id, secret)
    session.flush()
    _audit(session, user, "update", "enrolment started")
    return secret


def pending_secret(*, user: User, secret_key: str) -> str | None:
    if not user.totp_pending_secret:
        return None
    return unseal(secret_key, user.id, user.totp_pending_secret)


def confirm_enrolment(
    *, session: Session, user: User, secret_key: str, code: str, now: datetime
) -> list[str]:
    """Check a code from the app against the pending secret; on success the secret becomes
    the user's second factor and ten recovery codes are returned (shown once)."""
    secret = pending_secret(user=user, secret_key=secret_key)
    if secret is None:
        raise BadInput("Start the set-up again: no new secret is waiting.", field="code")
    step = _matching_step(secret, _digits(code), now, after=None)
    if step is None:
        _audit(session, user, "update", "enrolment code wrong", outcome="failure")
        raise BadInput(
            "That code does not match. Check the phone's clock and enter the code shown now.",
            field="code",
        )
    user.totp_secret = user.totp_pending_secret
    user.totp_pending_secret = None
    user.totp_last_step = step
    user.mfa_enrolled_at = now
    user.mfa_failed_count = 0
    session.flush()
    _audit(session, user, "update", "enrolled (TOTP)")
    return _new_recovery_codes(session, user, now)


def _new_recovery_codes(session: Session, user: User, now: datetime) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    session.add_all(
        RecoveryCode(user_id=user.id, code_hash=_hash_code(code), created_at=now) for code in codes
    )
    session.flush()
    _audit(session, user, "create", f"{RECOVERY_CODE_COUNT} recovery codes issued")
    return codes


def regenerate_recovery_codes(
    *, session: Session, user: User, secret_key: str, code: str, now: datetime
) -> list[str]:
    """New recovery codes (the old ones stop working), after a current TOTP code."""
    if not _check_totp(session, user, secret_key, code, now):
        _audit(session, user, "update", "recovery codes: wrong code", outcome="failure")
        raise BadInput("That code does not match; enter the code shown now.", field="code")
    return _new_recovery_codes(session, user, now)


def recovery_codes_left(*, session: Session, user: User) -> int:
    return len(
        list(
            session.scalars(
                select(RecoveryCode.id).where(
                    RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
                )
            )
        )
    )


def _recovery_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(10)).decode().lower()  # 16 characters, 80 bits
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _normalise(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _hash_code(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def _digits(code: str) -> str:
    return "".join(ch for ch in code if not ch.isspace())


# --- signing in -------------------------------------------------------------------------------


def _matching_step(secret: str, code: str, now: datetime, *, after: int | None) -> int | None:
    """The time step (this one, or one either side) whose code is ``code`` and which is later
    than ``after``; None when there is none."""
    if len(code) != 6 or whole_number(code) is None:
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // _STEP_SECONDS
    for step in (current, current - 1, current + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _check_totp(session: Session, user: User, secret_key: str, code: str, now: datetime) -> bool:
    secret = unseal(secret_key, user.id, user.totp_secret or "")
    if secret is None:
        return False
    step = _matching_step(secret, _digits(code), now, after=user.totp_last_step)
    if step is None:
        return False
    user.totp_last_step = step
    return True


def _use_recovery_code(session: Session, user: User, code: str, now: datetime) -> bool:
    normalised = _normalise(code)
    if len(normalised) != 16:
        return False
    used = session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash_code(normalised),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(used, "rowcount", 0) or 0) == 1


def verify_second_factor(
    *, session: Session, user: User, secret_key: str, code: str, now: datetime
) -> bool:
    """The code step of sign-in: a TOTP code or a recovery code. Counts failures and locks the
    account after :data:`MFA_FAILURE_THRESHOLD` in a row; audits every attempt."""

    locked_until = _aware(user.locked_until)
    if locked_until is not None and locked_until > now:
        _audit(session, user, "login", "second factor refused: account locked", outcome="failure")
        return False
    if _check_totp(session, user, secret_key, code, now):
        how = "TOTP code"
    elif _use_recovery_code(session, user, code, now):
        how = f"recovery code ({recovery_codes_left(session=session, user=user)} left)"
    else:
        user.mfa_failed_count = (user.mfa_failed_count or 0) + 1
        detail = "second factor wrong"
        if user.mfa_failed_count >= MFA_FAILURE_THRESHOLD:
            user.locked_until = now + LOCKOUT_DURATION
            user.mfa_failed_count = 0
            detail += "; account locked"
        session.flush()
        _audit(session, user, "login", detail, outcome="failure")
        return False
    user.mfa_failed_count = 0
    user.last_login_at = now
    session.flush()
    _audit(session, user, "login", f"second factor accepted: {how}")
    return True


# --- reset ----------------------------------------------------------------------------------


def _clear(session: Session, user: User, now: datetime) -> None:

    user.totp_secret = None
    user.totp_pending_secret = None
    user.totp_last_step = None
    user.mfa_enrolled_at = None
    user.mfa_failed_count = 0
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    end_all_sessions(session=session, user_id=user.id, now=now)
    session.flush()


def reset_by_admin(
    *, session: Session, admin: User, organization_id: int, user_id: int, now: datetime
) -> None:
    """An admin of the organization resets a member's second factor (lost phone and codes).
    Only for an account that belongs to this organization alone: an account shared with other
    organizations is reset by a system operator (``clemency accounts mfa-reset``)."""

    membership = session.scalar(
        select(Membership).where(
            Membership.organization_id == organization_id, Membership.user_id == user_id
        )
    )
    if membership is None:
        raise NotFound("That user is not a member of this organization.", field="user_id")
    user = session.get(User, user_id)
    assert user is not None
    if belongs_elsewhere(session=session, user_id=user_id, organization_id=organization_id):
        audit.record(
            session=session,
            actor_user_id=admin.id,
            actor_label=admin.email,
            action="update",
            entity_type="mfa",
            entity_id=user_id,
            organization_id=organization_id,
            outcome="failure",
            detail="reset refused: account shared with other organizations",
        )
        raise PermissionDenied(
            "This account is also used in other organizations, so only a system operator can "
            "reset its two-factor sign-in (clemency accounts mfa-reset EMAIL).",
            field="user_id",
        )
    _clear(session, user, now)
    audit.record(
        session=session,
        actor_user_id=admin.id,
        actor_label=admin.email,
        action="update",
        entity_type="mfa",
        entity_id=user_id,
        organization_id=organization_id,
        changed_fields=["totp_secret"],
        detail="reset by an organization admin",
    )


def reset_by_operator(*, session: Session, user: User, operator: str, now: datetime) -> None:
    _clear(session, user, now)
    audit.record(
        session=session,
        actor_user_id=None,
        actor_label=operator,
        action="update",
        entity_type="mfa",
        entity_id=user.id,
        changed_fields=["totp_secret"],
        detail="reset by a system operator",
    )


def _audit(
    session: Session, user: User, action: str, detail: str, outcome: str = "success"
) -> None:
    audit.record(
        session=session,
        actor_user_id=user.id,
        actor_label=user.email,
        action=action,
        entity_type="mfa",
        entity_id=user.id,
        detail=detail,
        outcome=outcome,
    )
