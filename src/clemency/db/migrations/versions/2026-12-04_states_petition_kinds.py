"""The states' reliefs become petition kinds: `kind` of petitions and decisions widens from 16 to
32 characters and its CHECK constraint admits `conditional-pardon`, `restoration-of-rights`,
`firearm-authority` and `certificate-of-rehabilitation` (``clemency.cases.vocab``).

The kinds are written out here, not imported: a migration is a snapshot of the schema it makes.

Revision ID: states_petition_kinds
Revises: sec_files
Create Date: 2026-12-04 18:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "states_petition_kinds"
down_revision: str | Sequence[str] | None = "sec_files"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD = ("pardon", "commutation", "remission", "reprieve")
_NEW = (
    *_OLD,
    "conditional-pardon",
    "restoration-of-rights",
    "firearm-authority",
    "certificate-of-rehabilitation",
)
# table -> the enum's name (the CHECK constraint is ck_<table>_<enum name>)
_COLUMNS = {"petitions": "petition_kind", "decisions": "decision_kind"}


def _in(values: tuple[str, ...]) -> str:
    return "kind IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def _change(values: tuple[str, ...], old_length: int, new_length: int) -> None:
    for table, enum_name in _COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_{enum_name}"), type_="check")
            batch_op.alter_column(
                "kind",
                existing_type=sa.String(length=old_length),
                type_=sa.String(length=new_length),
                existing_nullable=False,
            )
            batch_op.create_check_constraint(op.f(f"ck_{table}_{enum_name}"), _in(values))


def upgrade() -> None:
    _change(_NEW, 16, 32)


def downgrade() -> None:
    # Rows of the new kinds cannot be kept in the narrower column: refuse rather than lose them.
    bind = op.get_bind()
    for table in _COLUMNS:
        count = bind.execute(
            sa.text(f"SELECT count(*) FROM {table} WHERE NOT ({_in(_OLD)})")  # noqa: S608
        ).scalar_one()
        if count:
            raise RuntimeError(
                f"{table}: {count} row(s) have a state relief kind ({', '.join(_NEW[4:])}); "
                "delete or change them before downgrading below states_petition_kinds."
            )
    _change(_OLD, 32, 16)
