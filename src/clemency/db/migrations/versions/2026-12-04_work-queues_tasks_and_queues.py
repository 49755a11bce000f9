"""Tasks, screening-queue decisions, and the eligible-on date of stored determinations.

Revision ID: work_queues
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = "work_queues"
down_revision: str | Sequence[str] | None = "rules_engine_case_fact_period"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_REASONS = (
    "not_interested",
    "represented_elsewhere",
    "record_disputes_fact",
    "cannot_contact",
    "deceased",
    "duplicate",
    "other",
)


def _enum(name: str, values: tuple[str, ...], length: int) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=length)


def upgrade() -> None:
    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("cause", sa.String(length=128), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by_label", sa.String(length=254), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("done_by_label", sa.String(length=254), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_tasks_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["users.id"],
            name=op.f("fk_tasks_assignee_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_tasks_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["done_by_id"],
            ["users.id"],
            name=op.f("fk_tasks_done_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
        sa.UniqueConstraint("case_id", "cause", name=op.f("uq_tasks_case_id")),
    )
    op.create_index(op.f("ix_tasks_case_id"), "tasks", ["case_id"], unique=False)
    op.create_index(op.f("ix_tasks_assignee_id"), "tasks", ["assignee_id"], unique=False)

    op.create_table(
        "queue_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("state", _enum("queue_state", ("dismissed", "snoozed"), 16), nullable=False),
        sa.Column("reason", _enum("queue_dismiss_reason", _REASONS, 32), nullable=True),
        sa.Column("snoozed_until", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_label", sa.String(length=254), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_queue_decisions_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_queue_decisions_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queue_decisions")),
    )
    op.create_index(op.f("ix_queue_decisions_case_id"), "queue_decisions", ["case_id"], unique=True)

    op.add_column("case_screenings", sa.Column("eligible_on", sa.Date(), nullable=True))
    op.create_index(
        op.f("ix_case_screenings_eligible_on"), "case_screenings", ["eligible_on"], unique=False
    )
    screenings = sa.table(
        "case_screenings",
        sa.column("id", sa.Integer()),
        sa.column("eligible_on", sa.Date()),
        sa.column("determination_json", sa.Text()),
    )
    bind = op.get_bind()
    for row_id, text in bind.execute(sa.select(screenings.c.id, screenings.c.determination_json)):
        value = json.loads(text).get("eligible_on")
        if isinstance(value, str):
            bind.execute(
                screenings.update()
                .where(screenings.c.id == row_id)
                .values(eligible_on=date.fromisoformat(value))
            )


def downgrade() -> None:
    op.drop_index(op.f("ix_case_screenings_eligible_on"), table_name="case_screenings")
    with op.batch_alter_table("case_screenings") as batch:
        batch.drop_column("eligible_on")
    op.drop_index(op.f("ix_queue_decisions_case_id"), table_name="queue_decisions")
    op.drop_table("queue_decisions")
    op.drop_index(op.f("ix_tasks_assignee_id"), table_name="tasks")
    op.drop_index(op.f("ix_tasks_case_id"), table_name="tasks")
    op.drop_table("tasks")
