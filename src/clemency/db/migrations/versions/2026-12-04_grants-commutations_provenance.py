"""The public record's provenance: each source's licence and description, and each grant's
place in its source and the outcome of its terms (commutations).

Revision ID: grants_commutations
Revises: 0003
Create Date: 2026-12-04 15:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "grants_commutations"
down_revision: str | Sequence[str] | None = "reliability"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("grant_sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("description", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("licence", sa.Text(), nullable=True))
    with op.batch_alter_table("grants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_location", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("terms_outcome", sa.String(length=20), nullable=True))
        batch_op.create_index(batch_op.f("ix_grants_kind"), ["kind"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("grants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grants_kind"))
        batch_op.drop_column("terms_outcome")
        batch_op.drop_column("source_location")
    with op.batch_alter_table("grant_sources", schema=None) as batch_op:
        batch_op.drop_column("licence")
        batch_op.drop_column("description")
