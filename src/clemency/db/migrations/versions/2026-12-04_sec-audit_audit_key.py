"""Audit trail key: which key each audit row (and the chain head) was keyed with.

Rows written before this revision keep an empty ``key_id``: they are the key-less prefix of
the chain (plain SHA-256), which ``clemency audit verify`` accepts only before the first keyed
row.

Revision ID: sec_audit_key
Revises: 0003
Create Date: 2026-12-04 15:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "sec_audit_key"
down_revision: str | Sequence[str] | None = "sec_accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table copy): the append-only triggers on audit_events stay, and no
    # existing row is touched.
    op.add_column("audit_events", sa.Column("key_id", sa.String(length=16), nullable=True))
    op.add_column("audit_chain", sa.Column("key_id", sa.String(length=16), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN too: a batch table copy would lose audit_events' triggers.
    op.drop_column("audit_chain", "key_id")
    op.drop_column("audit_events", "key_id")
