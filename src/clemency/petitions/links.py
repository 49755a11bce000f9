"""Private, expiring, single-use links for supporters who upload a letter without an account.

The link carries a random 256-bit token. Only its SHA-256 is stored, so a copy of the
database does not let anyone upload; looking a token up by its hash also makes the
comparison independent of how much of the token matches. A link is refused once it has
expired, been used for an upload, or been revoked — always with the same kind of error, and
a message that tells the supporter to ask for a new link.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from clemency.errors import BadInput, LinkInvalid

DEFAULT_VALID_DAYS = 30
MIN_VALID_DAYS = 1
MAX_VALID_DAYS = 90
TOKEN_BYTES = 32


@dataclass(frozen=True)
class NewLink:
    token: str  # shown once, in the URL sent to the supporter
    token_hash: str  # stored
    expires_at: datetime


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_link(now: datetime, valid_days: int = DEFAULT_VALID_DAYS) -> NewLink:
    """A fresh token, its hash and its expiry (``now`` + ``valid_days``)."""
    if not MIN_VALID_DAYS <= valid_days <= MAX_VALID_DAYS:
        raise BadInput(
            f"A letter link is valid for {MIN_VALID_DAYS} to {MAX_VALID_DAYS} days, not "
            f"{valid_days}; choose a number of days in that range.",
            field="valid_days",
        )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return NewLink(
        token=token, token_hash=hash_token(token), expires_at=now + timedelta(days=valid_days)
    )


def check_usable(
    *, now: datetime, expires_at: datetime, used_at: datetime | None, revoked_at: datetime | None
) -> None:
    """Raise LinkInvalid unless the link may still be used at ``now``."""
    ask = "Please ask the person who sent it for a new link."
    if revoked_at is not None:
        raise LinkInvalid(f"This link has been withdrawn. {ask}", reason="revoked")
    if used_at is not None:
        raise LinkInvalid(
            f"A letter has already been uploaded with this link, on {used_at:%B %-d, %Y}. {ask}",
            reason="used",
        )
    if now >= expires_at:
        raise LinkInvalid(f"This link expired on {expires_at:%B %-d, %Y}. {ask}", reason="expired")
