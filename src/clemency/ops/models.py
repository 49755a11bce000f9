"""The record of e-mail Clemency sent (or tried to): what, to whom, when, and how it went.

Bodies are not kept: they hold private links, which are as good as passwords while valid.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clemency.db.base import Base, enum_type, utcnow

MAIL_STATUSES = ("sent", "written", "skipped", "failed")


class SentEmail(Base):
    __tablename__ = "sent_emails"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))  # e.g. "letter_link"
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    backend: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(enum_type("sent_email_status", MAIL_STATUSES, 10))
    error: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(250))
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="SET NULL"), index=True
    )


DEADLINE_MAIL = ("digest", "each", "off")
"""digest: one message a day listing every open task due soon; each: one message per task
due soon; off: none (the calendar feed and the Deadlines page still show them)."""


class MailPreference(Base):
    """A user's choice of deadline reminders by e-mail (no row: ``digest``)."""

    __tablename__ = "mail_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    deadlines: Mapped[str] = mapped_column(enum_type("deadline_mail", DEADLINE_MAIL, 8))
