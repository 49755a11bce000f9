"""Tables of the packets: what produced each generated packet (the data hash and the template
version) and the draft answers a packet is filled from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from clemency.db.base import Base, TimestampMixin, VersionedMixin, utcnow


class PacketRecord(Base):
    """One generated packet (append-only): enough to tell later which data and template made it."""

    __tablename__ = "packet_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    petition_id: Mapped[int | None] = mapped_column(ForeignKey("petitions.id", ondelete="SET NULL"))
    form_id: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(8))
    data_sha256: Mapped[str] = mapped_column(String(64))
    template_version: Mapped[str] = mapped_column(String(32))
    output_sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    is_draft: Mapped[bool] = mapped_column(Boolean)
    missing: Mapped[str | None] = mapped_column(Text)  # one item per line
    exhibit_count: Mapped[int] = mapped_column(Integer)
    generated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    generated_by: Mapped[str] = mapped_column(String(254))


class PetitionAnswer(TimestampMixin, VersionedMixin, Base):
    """A narrative answer or a form-only detail for the packet (``answers.reasons``,
    ``person.address``, ``facts.parole_eligibility_date``), one row per case and key."""

    __tablename__ = "petition_answers"
    __table_args__ = (UniqueConstraint("case_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
