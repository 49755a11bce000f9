"""Tables of the public record: the pages imported, their grants and each grant's convictions.

A page is identified by the SHA-256 of its bytes (``grant_sources.sha256`` is unique), which
is what makes an import idempotent. Each grant keeps the columns that statistics and
precedents query, and the whole parsed record in ``data`` so that it can be read back as
the :class:`clemency.grants.schemas.Grant` it was, flags and unparsed text included.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clemency.db.base import Base, TimestampMixin


class GrantSource(TimestampMixin, Base):
    __tablename__ = "grant_sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    file_name: Mapped[str] = mapped_column(String(255), nullable=False)
    source_url: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)  # what the source is
    licence: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    president: Mapped[str] = mapped_column(String(200), nullable=False)
    term: Mapped[str | None] = mapped_column(String(40))
    grant_count: Mapped[int] = mapped_column(Integer, nullable=False)
    warnings: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)

    grants: Mapped[list[GrantRecord]] = relationship(
        back_populates="source", cascade="all, delete-orphan", order_by="GrantRecord.entry_index"
    )


class GrantRecord(TimestampMixin, Base):
    __tablename__ = "grants"
    __table_args__ = (UniqueConstraint("source_id", "entry_index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(
        ForeignKey("grant_sources.id", ondelete="CASCADE"), nullable=False, index=True
    )
    entry_index: Mapped[int] = mapped_column(Integer, nullable=False)
    president: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    grant_date: Mapped[date | None] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    name_text: Mapped[str] = mapped_column(Text, nullable=False)
    aliases: Mapped[list[dict[str, str]]] = mapped_column(JSON, nullable=False, default=list)
    section_heading: Mapped[str] = mapped_column(Text, nullable=False)
    layout: Mapped[str] = mapped_column(String(40), nullable=False)
    category: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    category_rule: Mapped[str] = mapped_column(String(120), nullable=False)
    terms_text: Mapped[str | None] = mapped_column(Text)
    warrant_url: Mapped[str | None] = mapped_column(Text)
    record_url: Mapped[str | None] = mapped_column(Text)
    flags: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    # where in the source the grant stands ("lines 2-6", "table 3, row 12, column-table")
    source_location: Mapped[str | None] = mapped_column(String(120))
    # what a commutation's terms made of the sentence: term, expiry_date, time_served, …
    terms_outcome: Mapped[str | None] = mapped_column(String(20))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)

    source: Mapped[GrantSource] = relationship(back_populates="grants")
    convictions: Mapped[list[GrantConviction]] = relationship(
        back_populates="grant", cascade="all, delete-orphan", order_by="GrantConviction.position"
    )


class GrantConviction(Base):
    __tablename__ = "grant_convictions"
    __table_args__ = (UniqueConstraint("grant_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    grant_id: Mapped[int] = mapped_column(
        ForeignKey("grants.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    number: Mapped[int | None] = mapped_column(Integer)
    court_text: Mapped[str | None] = mapped_column(Text)
    court_id: Mapped[str | None] = mapped_column(String(40), index=True)
    court_type: Mapped[str | None] = mapped_column(String(40))
    military_branch: Mapped[str | None] = mapped_column(String(40))
    sentenced_text: Mapped[str | None] = mapped_column(Text)
    sentenced_year: Mapped[int | None] = mapped_column(Integer)
    sentenced_on: Mapped[date | None] = mapped_column(Date)
    offense_text: Mapped[str | None] = mapped_column(Text)
    offense_description: Mapped[str | None] = mapped_column(Text)
    statutes: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    sentence_text: Mapped[str | None] = mapped_column(Text)
    prison_months: Mapped[float | None] = mapped_column(Float)
    is_life: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    probation_months: Mapped[float | None] = mapped_column(Float)
    supervised_release_months: Mapped[float | None] = mapped_column(Float)
    fine_usd: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    restitution_usd: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    time_served: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    suspended: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    category: Mapped[str] = mapped_column(String(20), nullable=False)
    category_rule: Mapped[str] = mapped_column(String(120), nullable=False)

    grant: Mapped[GrantRecord] = relationship(back_populates="convictions")


TABLES = (GrantSource.__table__, GrantRecord.__table__, GrantConviction.__table__)
