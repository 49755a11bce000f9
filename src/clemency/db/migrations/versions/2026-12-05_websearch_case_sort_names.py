"""Cases carry a copy of their person's family and given names (``sort_family_name``,
``sort_given_name``), so that a search sorted by name sorts its candidates on ``cases`` alone
(issue #18 item 9). Existing cases get the copy here; from now on ``search.service.reindex``
keeps it in step. Neither ``updated_at`` nor ``version`` of a case changes.

Revision ID: websearch_sort_names
Revises: ops_jobs_mail
Create Date: 2026-12-05 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "websearch_sort_names"
down_revision: str | Sequence[str] | None = "ops_jobs_mail"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("sort_family_name", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("sort_given_name", sa.String(length=100), nullable=True))
    # Correlated sub-queries: the same statement on SQLite and PostgreSQL.
    op.execute(
        "UPDATE cases SET"
        " sort_family_name = (SELECT people.family_name FROM people"
        " WHERE people.id = cases.person_id),"
        " sort_given_name = (SELECT people.given_name FROM people"
        " WHERE people.id = cases.person_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("sort_given_name")
        batch.drop_column("sort_family_name")
