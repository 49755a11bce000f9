"""Finding 2: a `db upgrade` killed part-way leaves SQLite where it was, and upgrades again.

The upgrade runs in a real subprocess that sends itself SIGKILL just before its N-th SQL
statement (a listener on SQLAlchemy's engine events: the migration code itself is untouched).
Before the fix pysqlite committed each CREATE TABLE on its own, so the killed upgrade left
new tables under the old version stamp and every later upgrade failed with "already exists".
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from clemency.db.migrate import UpgradeFailed, current_heads, script_heads, upgrade
from clemency.db.models import Base
from clemency.db.session import make_engine
from tests.cli import run_cli
from tests.sweeps import sampled

KILLER = """
import os, signal, sys
from sqlalchemy import event
from sqlalchemy.engine import Engine
seen = [0]
stop = int(sys.argv[2])
@event.listens_for(Engine, "before_cursor_execute")
def _count(*args):
    seen[0] += 1
    if seen[0] == stop:
        os.kill(os.getpid(), signal.SIGKILL)
from clemency.db.migrate import upgrade
upgrade(sys.argv[1], sys.argv[3])
"""


def _killed_upgrade(url: str, at_statement: int, revision: str = "head") -> None:
    completed = subprocess.run(
        [sys.executable, "-c", KILLER, url, str(at_statement), revision],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert completed.returncode == -signal.SIGKILL, completed.stderr


def _tables(path: Path) -> set[str]:
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows}
    finally:
        connection.close()


def _schema_is_the_models(url: str) -> None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


@pytest.mark.subprocess  # SIGKILL part-way through a real upgrade
@pytest.mark.parametrize("at_statement", sampled([4, 20, 60, 100], loop=[20]))
def test_an_upgrade_of_a_new_database_killed_part_way_leaves_it_empty(
    tmp_path: Path, at_statement: int
) -> None:
    path = tmp_path / "new.db"
    url = f"sqlite:///{path}"
    _killed_upgrade(url, at_statement)
    assert _tables(path) <= {"alembic_version"}
    assert current_heads(url) == set()
    upgrade(url)
    assert current_heads(url) == script_heads(url)
    _schema_is_the_models(url)


@pytest.mark.subprocess  # SIGKILL part-way through a real upgrade
@pytest.mark.parametrize("at_statement", sampled([5, 8, 10], loop=[8]))
def test_an_upgrade_killed_in_the_last_migration_keeps_the_data_and_the_old_revision(
    tmp_path: Path, at_statement: int
) -> None:
    path = tmp_path / "old.db"
    url = f"sqlite:///{path}"
    upgrade(url, "0002")
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(
            "INSERT INTO organizations (slug, name, version, created_at, updated_at) "
            "VALUES ('kept', 'Kept', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        )
    connection.close()
    tables_before = _tables(path)
    _killed_upgrade(url, at_statement)
    assert current_heads(url) == {"0002"}
    assert _tables(path) == tables_before
    upgrade(url)
    assert current_heads(url) == script_heads(url)
    connection = sqlite3.connect(path)
    assert connection.execute("SELECT slug FROM organizations").fetchall() == [("kept",)]
    connection.close()
    _schema_is_the_models(url)
    copies = list(tmp_path.glob("old.db.before-upgrade-0002-*"))
    assert len(copies) >= 1
    copy = sqlite3.connect(copies[0])
    assert copy.execute("SELECT slug FROM organizations").fetchall() == [("kept",)]
    copy.close()


def test_a_failing_upgrade_says_what_happened_and_how_to_recover(tmp_path: Path) -> None:
    """A database half-migrated by an older Clemency: the table the next migration creates is
    already there. The upgrade fails, rolls back, and the message names the state and the copy."""
    path = tmp_path / "half.db"
    url = f"sqlite:///{path}"
    upgrade(url, "0002")
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("CREATE TABLE victim_records (id INTEGER PRIMARY KEY)")
    connection.close()
    with pytest.raises(UpgradeFailed) as caught:
        upgrade(url)
    message = caught.value.message
    assert "rolled back" in message
    assert "still at 0002" in message
    assert "half-migrated" in message
    assert "before-upgrade-0002" in message
    assert current_heads(url) == {"0002"}


def test_the_cli_reports_a_failed_upgrade_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "half.db"
    url = f"sqlite:///{path}"
    upgrade(url, "0002")
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("CREATE TABLE victim_records (id INTEGER PRIMARY KEY)")
    connection.close()
    completed = run_cli("db", "upgrade", "--database-url", url)
    assert completed.returncode == 1
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1, completed.stderr
    assert "rolled back" in lines[0]
