"""Encryption at rest: victim records' short text columns become Text (ciphertext is longer than
200 characters), and, when keys are configured, existing plaintext health notes, victim-record
text and stored files are encrypted under the active key (``clemency.crypto.rotate``).

Without keys the data stays as it is; ``clemency keys rotate`` encrypts it later.

Revision ID: sec_files
Revises: 0003
Create Date: 2026-12-04 15:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "sec_files"
down_revision: str | Sequence[str] | None = "ops"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WIDENED = ("full_name", "relation_detail", "notified_by")


def upgrade() -> None:
    with op.batch_alter_table("victim_records") as batch:
        for name in _WIDENED:
            batch.alter_column(
                name, existing_type=sa.String(length=200), type_=sa.Text(), existing_nullable=True
            )
    from clemency.config import get_settings
    from clemency.crypto import keys, rotate

    if keys.current() is None:
        return
    rotate.rotate_all(op.get_bind(), get_settings().data_dir)


def downgrade() -> None:
    # Encrypted values do not fit 200 characters: decrypt them first (not done here).
    with op.batch_alter_table("victim_records") as batch:
        for name in _WIDENED:
            batch.alter_column(
                name, existing_type=sa.Text(), type_=sa.String(length=200), existing_nullable=True
            )
