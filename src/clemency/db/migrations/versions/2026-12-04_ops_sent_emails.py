"""The record of e-mail sent (``sent_emails``).

Revision ID: ops
Revises: 0003
Create Date: 2026-12-04 16:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ops"
down_revision: str | Sequence[str] | None = "work_queues"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sent_emails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("backend", sa.String(length=10), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "sent",
                "written",
                "skipped",
                "failed",
                name="sent_email_status",
                native_enum=False,
                create_constraint=True,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("message_id", sa.String(length=250), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_sent_emails_case_id_cases"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_emails")),
    )
    with op.batch_alter_table("sent_emails", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sent_emails_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sent_emails", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sent_emails_case_id"))
    op.drop_table("sent_emails")
