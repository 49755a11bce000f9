"""Tables of the petitions feature: the inferred lifecycle stage, draft answers, letter links.

The store's ``Petition.status`` is the latest *known* status (with its history and sources in
``PetitionEvent``); :class:`PetitionStage` holds the stage the lifecycle machine *infers*,
and the dated facts the deadlines need (adverse recommendation, execution notice, hearing).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from clemency.db.base import Base, TimestampMixin, VersionedMixin


def _case_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)


class PetitionStage(TimestampMixin, VersionedMixin, Base):
    """The inferred stage of one petition in its jurisdiction's lifecycle."""

    __tablename__ = "petition_stages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = _case_fk()
    petition_id: Mapped[int] = mapped_column(
        ForeignKey("petitions.id", ondelete="CASCADE"), unique=True
    )
    lifecycle: Mapped[str] = mapped_column(String(32))
    lifecycle_sha256: Mapped[str] = mapped_column(String(64))
    stage: Mapped[str] = mapped_column(String(32))
    stage_since: Mapped[date | None] = mapped_column(Date)
    carried_over: Mapped[bool] = mapped_column(Boolean, default=False)
    recommendation: Mapped[str | None] = mapped_column(String(16))  # favorable | unfavorable
    adverse_recommendation_on: Mapped[date | None] = mapped_column(Date)
    docketed_on: Mapped[date | None] = mapped_column(Date)
    execution_notice_on: Mapped[date | None] = mapped_column(Date)
    execution_on: Mapped[date | None] = mapped_column(Date)
    hearing_on: Mapped[date | None] = mapped_column(Date)
    votes_for: Mapped[int | None] = mapped_column(Integer)
    votes_against: Mapped[int | None] = mapped_column(Integer)


class PetitionAnswer(TimestampMixin, VersionedMixin, Base):
    """A narrative answer or a form-only detail for the packet (``answers.reasons``,
    ``person.address``, ``facts.parole_eligibility_date``), one row per case and key."""

    __tablename__ = "petition_answers"
    __table_args__ = (UniqueConstraint("case_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = _case_fk()
    key: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)


class LetterRequest(TimestampMixin, VersionedMixin, Base):
    """A private upload link sent to a supporter for one ``SupportLetter``.

    Only the SHA-256 of the link's token is stored. The link expires, is single-use
    (``used_at``), and can be revoked.
    """

    __tablename__ = "letter_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = _case_fk()
    support_letter_id: Mapped[int] = mapped_column(
        ForeignKey("support_letters.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    contact: Mapped[str | None] = mapped_column(String(254))
    message: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reminded_on: Mapped[date | None] = mapped_column(Date)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
