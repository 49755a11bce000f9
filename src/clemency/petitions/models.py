"""Tables of the petitions feature: the inferred lifecycle stage, draft answers, letter links.

The store's ``Petition.status`` is the latest *known* status (with its history and sources in
``PetitionEvent``); :class:`PetitionStage` holds the stage the lifecycle machine *infers*,
and the dated facts the deadlines need (adverse recommendation, execution notice, hearing).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from clemency.db.base import Base, TimestampMixin, VersionedMixin, utcnow


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


def initial_stage_values(petition: Any) -> dict[str, Any]:
    """The lifecycle row a petition starts with: its known status if the machine has that
    state, else the machine's initial state. One definition for the flush hook, the read-only
    view of a petition without a row, and the backfill migration."""
    from clemency.petitions import lifecycle

    machine = lifecycle.load(petition.jurisdiction)
    states = machine.spec.states
    return {
        "case_id": petition.case_id,
        "petition_id": petition.id,
        "lifecycle": machine.jurisdiction,
        "lifecycle_sha256": machine.sha256,
        "stage": petition.status if petition.status in states else machine.spec.initial,
        "stage_since": petition.filed_on,
        "carried_over": False,
    }


@event.listens_for(Session, "after_flush")
def _write_lifecycle_rows(session: Session, _context: Any) -> None:
    """Every petition gets its lifecycle row in the flush that inserts it, however it was
    created (the service, an import, the parts form, the demo), so no read has to write it."""
    from sqlalchemy import insert

    from clemency.cases.models import Petition

    new = [obj for obj in session.new if isinstance(obj, Petition)]
    if not new:
        return
    from clemency.errors import ClemencyError

    rows = []
    for petition in new:
        try:
            values = initial_stage_values(petition)
        except ClemencyError:  # no lifecycle for its jurisdiction: no row (as before)
            continue
        values.update(version=1, created_at=utcnow(), updated_at=utcnow())
        rows.append(values)
    if rows:
        session.connection().execute(insert(PetitionStage), rows)
