"""The word index behind case search."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from clemency.db.base import Base

# Byte order on PostgreSQL so that the prefix range ``term >= 'ab' AND term < 'ab{'`` is exact.
TERM_TYPE = String(48).with_variant(String(48, collation="C"), "postgresql")


class CaseSearchTerm(Base):
    """One word of one case. Rebuilt from the case record whenever it changes."""

    __tablename__ = "case_search_terms"
    __table_args__ = (Index("ix_case_search_terms_term_case", "term", "case_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    term: Mapped[str] = mapped_column(TERM_TYPE)
