"""Reliability fixtures: a small seeded demo database (SQLite), copied fresh for each test.

Seeding takes a few seconds, so it is done once per test session into a template file; each
test gets its own copy in its own folder, which is also the working directory where a test
needs the default ``sqlite:///clemency.db`` URL to point at it.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cli import Ran, run_cli

_TEMPLATE: dict[str, Path] = {}


def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if "sqlite" not in _TEMPLATE:
        folder = tmp_path_factory.mktemp("demo-template")
        database = folder / "template.db"
        completed = run_cli("demo", "--no-serve", "--count", "6", "--database", str(database))
        assert completed.returncode == 0, completed.stderr
        # One self-contained file: fold the WAL back into the database.
        import sqlite3

        connection = sqlite3.connect(database)
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode=DELETE")
        connection.close()
        _TEMPLATE["sqlite"] = database
    return _TEMPLATE["sqlite"]


@dataclass
class Store:
    folder: Path
    database: Path

    @property
    def url(self) -> str:
        return f"sqlite:///{self.database}"

    @property
    def key_file(self) -> Path:
        """The encryption keys the demo made for this database (copied with it)."""
        return self.database.with_suffix(".keys")

    @property
    def audit_key_file(self) -> Path:
        """The audit trail's key the demo made for this database (copied with it)."""
        return self.database.with_name(self.database.name + ".audit-key")

    def env(self) -> dict[str, str]:
        """The settings a command on this store runs with."""
        return {
            "CLEMENCY_DATABASE_URL": self.url,
            "CLEMENCY_DATA_DIR": str(self.folder / "clemency-data"),
            "CLEMENCY_ENVIRONMENT": "test",
            "CLEMENCY_KEY_FILE": str(self.key_file),
            "CLEMENCY_AUDIT_KEY_FILE": str(self.audit_key_file),
        }

    def run(self, *args: str) -> Ran:
        """``clemency *args`` on this store, in its folder (in this process: tests/cli.py)."""
        return run_cli(*args, env=self.env(), cwd=self.folder)


@pytest.fixture
def store(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A seeded demo database named ``clemency.db`` in a fresh folder (the default URL's file)."""
    database = tmp_path / "clemency.db"
    template = seeded_template(tmp_path_factory)
    shutil.copyfile(template, database)
    store = Store(tmp_path, database)
    # The keys travel with the database, as an operator's backup would carry them.
    shutil.copyfile(template.with_suffix(".keys"), store.key_file)
    shutil.copyfile(template.with_name(template.name + ".audit-key"), store.audit_key_file)
    return store
