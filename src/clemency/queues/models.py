"""The decision taken on a case in the screening queue: dismissed (with a coded reason) or
snoozed until a date. One row per case holds the current decision; every decision and every
restore is in the audit trail too."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clemency.db.base import Base, enum_type, utcnow

DISMISS_REASONS: dict[str, str] = {
    "not_interested": "Not interested",
    "represented_elsewhere": "Represented elsewhere",
    "record_disputes_fact": "The record disputes a fact",
    "cannot_contact": "Cannot be reached",
    "deceased": "Deceased",
    "duplicate": "Duplicate of another case",
    "other": "Other (see note)",
}
"""Coded reasons for dismissing a person from the queue, with the words shown for each."""

QUEUE_STATES: tuple[str, ...] = ("dismissed", "snoozed")
NOTE_MAX = 1000


class QueueDecision(Base):
    __tablename__ = "queue_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), unique=True, index=True
    )
    state: Mapped[str] = mapped_column(enum_type("queue_state", QUEUE_STATES, 16))
    reason: Mapped[str | None] = mapped_column(
        enum_type("queue_dismiss_reason", tuple(DISMISS_REASONS), 32)
    )
    snoozed_until: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_by_label: Mapped[str] = mapped_column(String(254))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
