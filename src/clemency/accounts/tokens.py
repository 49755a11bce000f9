"""Small helpers shared by sign-in, sessions, tokens and calendar feeds."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def hash_token(raw: str) -> str:
    """What is stored of a secret token: its SHA-256, never the token."""
    return hashlib.sha256(raw.encode()).hexdigest()
