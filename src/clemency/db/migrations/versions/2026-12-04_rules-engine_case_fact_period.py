"""Asserted case facts carry the period they hold for (valid_from, valid_until; empty means
open-ended, which is what every existing row keeps).

Revision ID: rules_engine_case_fact_period
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "rules_engine_case_fact_period"
down_revision: str | Sequence[str] | None = "sec_audit_key"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("case_facts") as batch:
        batch.add_column(sa.Column("valid_from", sa.Date(), nullable=True))
        batch.add_column(sa.Column("valid_until", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("case_facts") as batch:
        batch.drop_column("valid_until")
        batch.drop_column("valid_from")
