"""The migrations produce exactly the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, text

from clemency.db.migrate import current_heads, ours
from clemency.db.models import Base


def test_migrating_an_empty_database_gives_exactly_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": ours}
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def _script_heads(database_url: str) -> set[str]:
    from alembic.script import ScriptDirectory

    from clemency.db.migrate import alembic_config

    return set(ScriptDirectory.from_config(alembic_config(database_url)).get_heads())


def test_there_is_one_head_and_the_database_is_at_it(engine: Engine, database_url: str) -> None:
    heads = _script_heads(database_url)
    assert len(heads) == 1, f"several migration heads {heads}: chain them or add a merge"
    assert current_heads(database_url) == heads


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_events SET source = 'x'", "DELETE FROM audit_events"]
)
def test_the_database_refuses_to_change_audit_rows(engine: Engine, statement: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_events (occurred_at, actor_label, action, outcome, entity_type,"
                " source, prev_hash, row_hash) VALUES (CURRENT_TIMESTAMP, 'x', 'read', 'success',"
                " 'case', 'test', 'p', 'r')"
            )
        )
    with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
        connection.execute(text(statement))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT source FROM audit_events")).scalar_one() == "test"


def test_migrations_run_from_scratch_and_down_again(database_url: str) -> None:
    """The real upgrade on an empty database (the other tests use a copy of one), and back."""
    from alembic import command

    from clemency.db.migrate import alembic_config, upgrade

    upgrade(database_url)
    assert current_heads(database_url) == _script_heads(database_url)
    command.downgrade(alembic_config(database_url), "base")
    assert current_heads(database_url) == set()
