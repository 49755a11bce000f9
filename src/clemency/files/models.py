"""The stored file's row: what was uploaded, its hash and size, and the key its bytes live under."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from clemency.cases import vocab
from clemency.cases.models import case_fk, register_part
from clemency.db.base import Base, TimestampMixin, VersionedMixin, enum_type


class Document(TimestampMixin, VersionedMixin, Base):
    """A stored file: the bytes live under the storage key (never a user-chosen path)."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = case_fk()
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(100))
    doc_type: Mapped[str] = mapped_column(enum_type("document_type", vocab.DOCUMENT_TYPES))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    dated_on: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(200))


# Documents come before support letters, which point at them (see cases.models.PART_MODELS).
register_part("documents", Document)
