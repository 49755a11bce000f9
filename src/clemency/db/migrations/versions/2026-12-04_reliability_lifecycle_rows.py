"""Lifecycle rows for every petition: backfill ``petition_stages`` for petitions that have none.

Until now a petition's lifecycle row was created the first time a page showed it, so GETs
wrote (and two first views raced to insert the same row). Rows are now written when a petition
is inserted (a flush hook in ``clemency.petitions.models``); this backfills the petitions
created before, with the same values the hook writes (``initial_stage_values``: the known
status if the jurisdiction's lifecycle has that state, else its initial state). A petition
whose jurisdiction has no lifecycle file keeps no row, as before.

Revision ID: reliability
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from types import SimpleNamespace

import sqlalchemy as sa
from alembic import op

revision: str = "reliability"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

petitions = sa.table(
    "petitions",
    sa.column("id", sa.Integer),
    sa.column("case_id", sa.Integer),
    sa.column("jurisdiction", sa.String),
    sa.column("status", sa.String),
    sa.column("filed_on", sa.Date),
)
stages = sa.table(
    "petition_stages",
    sa.column("petition_id", sa.Integer),
    sa.column("case_id", sa.Integer),
    sa.column("lifecycle", sa.String),
    sa.column("lifecycle_sha256", sa.String),
    sa.column("stage", sa.String),
    sa.column("stage_since", sa.Date),
    sa.column("carried_over", sa.Boolean),
    sa.column("version", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    from clemency.errors import ClemencyError
    from clemency.petitions.models import initial_stage_values

    connection = op.get_bind()
    missing = connection.execute(
        sa.select(petitions)
        .where(~sa.exists().where(stages.c.petition_id == petitions.c.id))
        .order_by(petitions.c.id)
    ).all()
    now = datetime.now(UTC)
    rows = []
    for row in missing:
        try:
            values = initial_stage_values(SimpleNamespace(**row._mapping))
        except ClemencyError:  # no lifecycle for this jurisdiction: no row, as before
            continue
        values.update(version=1, created_at=now, updated_at=now)
        rows.append(values)
    for start in range(0, len(rows), 500):
        connection.execute(sa.insert(stages), rows[start : start + 500])


def downgrade() -> None:
    """The backfilled rows are indistinguishable from rows written by use; they stay."""
