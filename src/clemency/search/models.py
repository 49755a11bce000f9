"""The word index behind case search."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from clemency.cases.models import Case, Person
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


# Indexes the case list relies on, on the store's tables (declared here, beside the queries'
# owner; migrations pick them up from the metadata).
LIST_INDEXES = (
    Index("ix_cases_org_updated_id", Case.organization_id, Case.updated_at, Case.id),
    Index("ix_cases_org_stage_id", Case.organization_id, Case.stage, Case.id),
    Index("ix_cases_updated_id", Case.updated_at, Case.id),
    Index("ix_people_family_given", Person.family_name, Person.given_name),
)
