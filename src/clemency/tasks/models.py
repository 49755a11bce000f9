"""A task on a case: what to do, by when, by whom, and whether it is done.

A task the system creates carries a ``cause`` (``letter:12``, ``deadline:<key>:<subject>``,
``petition_unfiled:3``); the pair ``(case_id, cause)`` is unique, so running the generator
twice, or two generators at once, never makes a second task for the same cause. Tasks people
create have no cause.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from clemency.db.base import Base, TimestampMixin

TITLE_MAX = 200


class Task(TimestampMixin, Base):
    __tablename__ = "tasks"
    __table_args__ = (UniqueConstraint("case_id", "cause"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    due_on: Mapped[date | None] = mapped_column(Date)
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    cause: Mapped[str | None] = mapped_column(String(128))
    """Why the system created it (None: created by a person)."""
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_label: Mapped[str] = mapped_column(String(254))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    done_by_label: Mapped[str | None] = mapped_column(String(254))

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def by_system(self) -> bool:
        return self.cause is not None
