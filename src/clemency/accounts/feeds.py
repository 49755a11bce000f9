"""The private calendar-feed link of a user (``/deadlines/feed/<token>.ics``).

The link is the credential a calendar program holds, so it is treated like a password:

- a random 256-bit token, shown once when it is made; only its SHA-256 is stored;
- one live link per user: making a new one (renewing) revokes the old one;
- an expiry the user sees on the Deadlines page and renews (``CLEMENCY_CALENDAR_FEED_DAYS``);
- revoked on request, when the password changes (a new link is then shown once) and with the
  account (a disabled user's link stops working);
- every creation and revocation is audited; a request with an unknown, revoked or expired
  token gets 410 without saying which.

Links of the earlier scheme (a signature over part of the password hash) are not tokens of
this table and so no longer work.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from clemency.accounts.auth_models import CalendarFeed
from clemency.accounts.models import User
from clemency.accounts.tokens import aware as _aware
from clemency.accounts.tokens import hash_token as _hash
from clemency.audit import service as audit
from clemency.errors import LinkInvalid

FEED_PREFIX = "cf_"
DEFAULT_FEED_DAYS = 180
INVALID_FEED = "This calendar link is not valid any more; make a new one on the Deadlines page."


@dataclass(frozen=True)
class FeedStatus:
    """What the user is shown about their link (never the token: it was shown once)."""

    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None


def status(*, session: Session, user: User, now: datetime) -> FeedStatus | None:
    """The user's live link, or None (never made, revoked or expired)."""
    row = _live(session, user.id, now)
    if row is None:
        return None
    return FeedStatus(
        created_at=_aware(row.created_at) or now,
        expires_at=_aware(row.expires_at) or now,
        last_used_at=_aware(row.last_used_at),
    )


def _live(session: Session, user_id: int, now: datetime) -> CalendarFeed | None:
    rows = session.scalars(
        select(CalendarFeed)
        .where(CalendarFeed.user_id == user_id, CalendarFeed.revoked_at.is_(None))
        .order_by(CalendarFeed.id.desc())
    )
    for row in rows:
        expires = _aware(row.expires_at)
        if expires is not None and expires > now:
            return row
    return None


def issue(*, session: Session, user: User, now: datetime, days: int = DEFAULT_FEED_DAYS) -> str:
    """A new link for ``user`` (revoking any earlier one); returns the raw token, to be shown
    once."""
    if days < 1:
        days = DEFAULT_FEED_DAYS
    _revoke_all(session, user.id, now)
    raw = FEED_PREFIX + secrets.token_urlsafe(32)
    row = CalendarFeed(
        token_hash=_hash(raw), user_id=user.id, created_at=now, expires_at=now + timedelta(days)
    )
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        actor_user_id=user.id,
        actor_label=user.email,
        action="create",
        entity_type="calendar_feed",
        entity_id=row.id,
        detail=f"expires {row.expires_at.date().isoformat()}",
    )
    return raw


def _revoke_all(session: Session, user_id: int, now: datetime) -> int:
    result = session.execute(
        update(CalendarFeed)
        .where(CalendarFeed.user_id == user_id, CalendarFeed.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def revoke(
    *, session: Session, user: User, now: datetime, reason: str = "revoked by its owner"
) -> bool:
    """Revoke the user's link(s); True when there was one. Audited."""
    count = _revoke_all(session, user.id, now)
    if count:
        audit.record(
            session=session,
            actor_user_id=user.id,
            actor_label=user.email,
            action="delete",
            entity_type="calendar_feed",
            entity_id=user.id,
            detail=reason,
        )
    return count > 0


def rotate(
    *, session: Session, user: User, now: datetime, days: int = DEFAULT_FEED_DAYS
) -> str | None:
    """After a password change: a user who had a live link gets a new one (returned, to be
    shown once); every earlier link stops working either way."""
    had_live = _live(session, user.id, now) is not None
    revoke(session=session, user=user, now=now, reason="password changed")
    return issue(session=session, user=user, now=now, days=days) if had_live else None


def user_for_token(*, session: Session, raw: str, now: datetime) -> User:
    """The active user a token belongs to; :class:`LinkInvalid` (410) for an unknown, revoked
    or expired token or a disabled account, with the same message for each."""
    found = session.execute(
        select(CalendarFeed, User)
        .join(User, User.id == CalendarFeed.user_id)
        .where(CalendarFeed.token_hash == _hash(raw))
    ).first()
    if found is None:
        raise LinkInvalid(INVALID_FEED)
    row, user = found
    expires = _aware(row.expires_at)
    if row.revoked_at is not None or expires is None or expires <= now or not user.is_active:
        raise LinkInvalid(INVALID_FEED)
    last_used = _aware(row.last_used_at)
    if last_used is None or now - last_used >= timedelta(minutes=5):
        row.last_used_at = now
    return user
