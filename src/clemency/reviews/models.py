"""Stored determinations of a case and reviewers' overrides of them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from clemency.db.base import Base, enum_type, utcnow

OUTCOMES: tuple[str, ...] = ("eligible", "ineligible", "needs_review")


class CaseScreening(Base):
    """The latest machine determination of one case under one ruleset (replaced on re-screen).

    ``determination_json`` is the product.md §5.2 document, which records the ruleset id, its
    hash, ``as_of`` and the rules, so the result can be reproduced. ``outcome`` is copied out
    so that the case list can filter on it through an index.
    """

    __tablename__ = "case_screenings"
    __table_args__ = (
        UniqueConstraint("case_id", "ruleset_id"),
        Index("ix_case_screenings_outcome_case", "outcome", "case_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    ruleset_id: Mapped[str] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(enum_type("screening_outcome", OUTCOMES, 16))
    as_of: Mapped[date] = mapped_column(Date)
    eligible_on: Mapped[date | None] = mapped_column(Date, index=True)
    """Copied out of the determination: the day only time stood in the way of (screening
    queues ask for "eligible within N days" through an index, without parsing JSON)."""
    determination_json: Mapped[str] = mapped_column(Text)
    screened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DeterminationOverride(Base):
    """A reviewer's decision on a machine result, with the reason; never edited, only added.

    ``machine_outcome`` and ``machine_json`` copy the determination the reviewer saw, so the
    record holds both even after the case is re-screened.
    """

    __tablename__ = "determination_overrides"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    ruleset_id: Mapped[str] = mapped_column(String(100))
    machine_outcome: Mapped[str] = mapped_column(enum_type("machine_outcome", OUTCOMES, 16))
    machine_json: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(enum_type("override_outcome", OUTCOMES, 16))
    reason: Mapped[str] = mapped_column(Text)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewer_label: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
