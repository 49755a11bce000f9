"""The audit trail: one append-only row per read or change of a record.

Rows carry field *names* only, never values, so sensitive content cannot leak into the trail.
Each row is chained to the previous one: ``row_hash = HMAC-SHA256(key, prev_hash + canonical
row)`` with a key kept outside the database (``audit.keys``), or plain ``sha256`` for rows
written before a key was configured (``key_id`` empty: a key-less prefix, which can only come
first). The database refuses UPDATE and DELETE on the table with a trigger (SQLite and
PostgreSQL).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, DateTime, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from clemency.db.base import Base, enum_type, utcnow

AUDIT_ACTIONS: tuple[str, ...] = (
    "read",
    "create",
    "update",
    "delete",
    "export",
    "import",
    "login",
    "permission",
)
AUDIT_OUTCOMES: tuple[str, ...] = ("success", "failure")


class AuditEvent(Base):
    """Who did what to which record, when, from where, and with what outcome."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor_user_id: Mapped[int | None] = mapped_column(Integer, index=True)  # no FK: outlives users
    actor_label: Mapped[str] = mapped_column(String(254))  # e-mail or "cli:<os user>"
    organization_id: Mapped[int | None] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(enum_type("audit_action", AUDIT_ACTIONS, 16))
    outcome: Mapped[str] = mapped_column(
        enum_type("audit_outcome", AUDIT_OUTCOMES, 8), default="success"
    )
    entity_type: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    source: Mapped[str] = mapped_column(String(64))  # client IP, or "cli"
    request_id: Mapped[str | None] = mapped_column(String(64))
    changed_fields: Mapped[str | None] = mapped_column(Text)  # comma-separated names, no values
    detail: Mapped[str | None] = mapped_column(Text)  # counts, file names; never record content
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64), unique=True)
    key_id: Mapped[str | None] = mapped_column(String(16))  # None: unkeyed sha256 (legacy)


class AuditChain(Base):
    """The head of the hash chain, one row (id 1). Writers lock it (UPDATE) before reading it, so
    two transactions can never chain to the same previous row, on SQLite or PostgreSQL."""

    __tablename__ = "audit_chain"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    head_hash: Mapped[str] = mapped_column(String(64))
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    key_id: Mapped[str | None] = mapped_column(String(16))  # the key of the head row


_SQLITE_GUARDS = (
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
    "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
)
_POSTGRES_GUARDS = (
    "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_events is append-only'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
    "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()",
)


def append_only_statements(dialect: str) -> tuple[str, ...]:
    """The trigger DDL that makes the audit table append-only on ``dialect``."""
    if dialect == "sqlite":
        return _SQLITE_GUARDS
    if dialect == "postgresql":
        return _POSTGRES_GUARDS
    return ()


for _dialect in ("sqlite", "postgresql"):
    for _statement in append_only_statements(_dialect):
        event.listen(
            AuditEvent.__table__,
            "after_create",
            DDL(_statement).execute_if(dialect=_dialect),  # type: ignore[no-untyped-call]
        )
