"""One fact for one thing (issue #11): stored facts with a merged name take the kept name.

- ``supervision_discharge_date`` -> ``supervision_end_date`` (same value);
- ``convicted_since_sentence_completed`` -> ``law_abiding_since_completion`` (value negated:
  "convicted since" true is "law-abiding since" false).

Asserted case facts (``case_facts``) and form-only petition answers (``petition_answers`` keys
``facts.<name>``; no form asked the negated fact) are renamed. Where a case already holds the
kept name, the kept row wins and the old row is deleted. The downgrade leaves the rows as they
are: the kept names are facts the earlier code reads too, and renaming back could not tell a
merged row from one that always had the kept name.

Revision ID: rules_fact_renames
Revises: states_petition_kinds
Create Date: 2026-12-04
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "rules_fact_renames"
down_revision: str | Sequence[str] | None = "states_petition_kinds"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: old name -> (new name, negated); the same table as clemency.eligibility.facts.RENAMED,
#: frozen here because a migration must not change when the application code does.
RENAMES: dict[str, tuple[str, bool]] = {
    "supervision_discharge_date": ("supervision_end_date", False),
    "convicted_since_sentence_completed": ("law_abiding_since_completion", True),
}

case_facts = sa.table(
    "case_facts",
    sa.column("id", sa.Integer),
    sa.column("case_id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("value_json", sa.Text),
)
petition_answers = sa.table(
    "petition_answers",
    sa.column("id", sa.Integer),
    sa.column("case_id", sa.Integer),
    sa.column("key", sa.String),
)


def _negate(value_json: str) -> str:
    value = json.loads(value_json)
    return json.dumps(not value) if isinstance(value, bool) else value_json


def _rename(old: str, new: str, negated: bool) -> None:
    bind = op.get_bind()
    kept = {
        row.case_id
        for row in bind.execute(sa.select(case_facts.c.case_id).where(case_facts.c.name == new))
    }
    rows = bind.execute(
        sa.select(case_facts.c.id, case_facts.c.case_id, case_facts.c.value_json).where(
            case_facts.c.name == old
        )
    ).all()
    for row in rows:
        if row.case_id in kept:
            bind.execute(sa.delete(case_facts).where(case_facts.c.id == row.id))
            continue
        value = _negate(row.value_json) if negated else row.value_json
        bind.execute(
            sa.update(case_facts)
            .where(case_facts.c.id == row.id)
            .values(name=new, value_json=value)
        )
    if negated:
        return  # no form asked it, so no petition answer holds it
    old_key, new_key = f"facts.{old}", f"facts.{new}"
    answered = {
        row.case_id
        for row in bind.execute(
            sa.select(petition_answers.c.case_id).where(petition_answers.c.key == new_key)
        )
    }
    answers = bind.execute(
        sa.select(petition_answers.c.id, petition_answers.c.case_id).where(
            petition_answers.c.key == old_key
        )
    ).all()
    for answer in answers:
        if answer.case_id in answered:
            bind.execute(sa.delete(petition_answers).where(petition_answers.c.id == answer.id))
        else:
            bind.execute(
                sa.update(petition_answers)
                .where(petition_answers.c.id == answer.id)
                .values(key=new_key)
            )


def upgrade() -> None:
    for old, (new, negated) in RENAMES.items():
        _rename(old, new, negated)


def downgrade() -> None:
    """Nothing to undo (see the module docstring)."""
