"""Screening runs on record: what was run, on what, by whom, what it found and whom it imported.

A run is stored so it can be reproduced years later (ruleset id, version and hash, as-of date,
hash of the roster file, engine) and so policy staff can cite its counts. Each eligible or
needs-review person considered for intake gets a :class:`ScreeningMatch` row saying whether a
case was opened, an existing person matched, or the match was ambiguous and needs a human.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clemency.db.base import Base, TimestampMixin

MATCH_STATUSES = ("created", "existing", "ambiguous", "unidentified", "refused")
"""created: a new case was opened; existing: the person is already stored (by register number,
else name and date of birth); ambiguous: several stored people match, listed for review;
unidentified: the roster row has neither a register number nor a name, so nothing was opened."""


class ScreeningRun(TimestampMixin, Base):
    __tablename__ = "screening_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ruleset_id: Mapped[str] = mapped_column(String(200))
    ruleset_version: Mapped[str] = mapped_column(String(200))
    ruleset_sha256: Mapped[str] = mapped_column(String(64))
    as_of: Mapped[date] = mapped_column(Date)
    engine: Mapped[str] = mapped_column(String(16))
    clemency_version: Mapped[str] = mapped_column(String(32))
    roster_path: Mapped[str] = mapped_column(Text)
    roster_sha256: Mapped[str] = mapped_column(String(64), index=True)
    output_path: Mapped[str] = mapped_column(Text)
    rows: Mapped[int] = mapped_column(Integer)
    eligible: Mapped[int] = mapped_column(Integer)
    needs_review: Mapped[int] = mapped_column(Integer)
    ineligible: Mapped[int] = mapped_column(Integer)
    invalid: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[float] = mapped_column(Float)
    run_by: Mapped[str] = mapped_column(String(200))
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The printed summary (top rules, missing facts, invalid columns) and any comparison."""

    matches: Mapped[list[ScreeningMatch]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="ScreeningMatch.id"
    )


class ScreeningMatch(TimestampMixin, Base):
    __tablename__ = "screening_matches"
    __table_args__ = (UniqueConstraint("run_id", "roster_person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("screening_runs.id", ondelete="CASCADE"), index=True
    )
    roster_person_id: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    matched_by: Mapped[str | None] = mapped_column(String(32))
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="SET NULL"), index=True
    )
    candidates: Mapped[str | None] = mapped_column(Text)
    """For an ambiguous match: the ids of the stored people it could be, comma-separated."""

    run: Mapped[ScreeningRun] = relationship(back_populates="matches")
