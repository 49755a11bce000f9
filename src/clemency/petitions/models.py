"""Tables of the petitions feature: petitions with their dated history, decisions, support
letters and their private upload links, and the inferred lifecycle stage.

The store's ``Petition.status`` is the latest *known* status (with its history and sources in
``PetitionEvent``); :class:`PetitionStage` holds the stage the lifecycle machine *infers*,
and the dated facts the deadlines need (adverse recommendation, execution notice, hearing).
"""

from __future__ import annotations

import re
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
    event,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, validates

from clemency.cases import vocab
from clemency.cases.models import Case, case_fk, register_part
from clemency.db.base import Base, TimestampMixin, VersionedMixin, enum_type, utcnow
from clemency.errors import BadInput, ClemencyError
from clemency.petitions import lifecycle

OPA_CASE_NUMBER_RE = re.compile(r"^[PC]\d{6}$")

_CASCADE = "all, delete-orphan"


class SupportLetter(TimestampMixin, VersionedMixin, Base):
    """A letter of support, tracked from request to acceptance."""

    __tablename__ = "support_letters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = case_fk()
    author_name: Mapped[str] = mapped_column(String(200))
    author_title: Mapped[str | None] = mapped_column(String(200))
    author_relationship: Mapped[str | None] = mapped_column(String(200))
    is_relative: Mapped[bool | None] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(enum_type("letter_status", vocab.LETTER_STATUSES, 16))
    requested_on: Mapped[date | None] = mapped_column(Date)
    received_on: Mapped[date | None] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)  # accepted or rejected
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))


class Petition(TimestampMixin, VersionedMixin, Base):
    """A petition to one authority. ``status`` is the latest *known* status; its history, with
    who knew it and from which source, is in :class:`PetitionEvent`."""

    __tablename__ = "petitions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = case_fk()
    jurisdiction: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(
        enum_type("petition_kind", vocab.PETITION_KINDS, vocab.PETITION_KIND_LENGTH)
    )
    case_number: Mapped[str | None] = mapped_column(String(32))
    filed_on: Mapped[date | None] = mapped_column(Date)
    channel: Mapped[str | None] = mapped_column(
        enum_type("petition_channel", vocab.PETITION_CHANNELS, 16)
    )
    status: Mapped[str] = mapped_column(
        enum_type("petition_status", vocab.PETITION_STATUSES), default="draft"
    )
    relief_requested: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="petitions")
    events: Mapped[list[PetitionEvent]] = relationship(
        cascade=_CASCADE, order_by="PetitionEvent.occurred_on, PetitionEvent.id"
    )

    @validates("case_number", "jurisdiction")
    def _check_case_number(self, key: str, value: str | None) -> str | None:
        """Federal OPA numbers are P or C plus six digits; state numbers are kept as given.
        Checked whichever of the two fields is set last."""
        if key == "case_number" and value == "":
            value = None
        jurisdiction = value if key == "jurisdiction" else self.jurisdiction
        number = value if key == "case_number" else self.case_number
        if jurisdiction == "us-federal" and number and not OPA_CASE_NUMBER_RE.match(number):
            raise BadInput(
                f"Federal case number {number!r} is not in the form C123456 or P123456 "
                "(C for commutation, P for pardon, then six digits).",
                field="case_number",
            )
        return value


class PetitionEvent(TimestampMixin, VersionedMixin, Base):
    """One dated status in a petition's history: who knew it, and from which source."""

    __tablename__ = "petition_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = case_fk()
    petition_id: Mapped[int] = mapped_column(
        ForeignKey("petitions.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(enum_type("event_status", vocab.PETITION_STATUSES))
    occurred_on: Mapped[date] = mapped_column(Date)
    occurred_on_precision: Mapped[str] = mapped_column(
        enum_type("event_date_precision", vocab.DATE_PRECISIONS, 8), default="day"
    )
    learned_on: Mapped[date | None] = mapped_column(Date)  # when we found out
    source: Mapped[str] = mapped_column(enum_type("event_source", vocab.EVENT_SOURCES, 16))
    source_detail: Mapped[str | None] = mapped_column(Text)  # URL, letter reference, …
    known_by: Mapped[str | None] = mapped_column(String(200))  # who knew: petitioner, OPA, …
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)


class Decision(TimestampMixin, VersionedMixin, Base):
    """A clemency decision. ``petition_id`` is empty for a grant made outside the process."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = case_fk()
    petition_id: Mapped[int | None] = mapped_column(
        ForeignKey("petitions.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(
        enum_type("decision_kind", vocab.PETITION_KINDS, vocab.PETITION_KIND_LENGTH)
    )
    outcome: Mapped[str] = mapped_column(enum_type("decision_outcome", vocab.DECISION_OUTCOMES))
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_on_precision: Mapped[str] = mapped_column(
        enum_type("decision_date_precision", vocab.DATE_PRECISIONS, 8), default="day"
    )
    decided_by: Mapped[str | None] = mapped_column(String(200))
    terms: Mapped[str | None] = mapped_column(Text)
    conditions: Mapped[str | None] = mapped_column(Text)
    source_detail: Mapped[str | None] = mapped_column(Text)


# This domain's parts of a case, in dependency order (export names; see cases.models.PART_MODELS).
register_part("support_letters", SupportLetter)
register_part("petitions", Petition)
register_part("petition_events", PetitionEvent)
register_part("decisions", Decision)


class PetitionStage(TimestampMixin, VersionedMixin, Base):
    """The inferred stage of one petition in its jurisdiction's lifecycle."""

    __tablename__ = "petition_stages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = case_fk()
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


class LetterRequest(TimestampMixin, VersionedMixin, Base):
    """A private upload link sent to a supporter for one ``SupportLetter``.

    Only the SHA-256 of the link's token is stored. The link expires, is single-use
    (``used_at``), and can be revoked.
    """

    __tablename__ = "letter_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = case_fk()
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

    new = [obj for obj in session.new if isinstance(obj, Petition)]
    if not new:
        return

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
