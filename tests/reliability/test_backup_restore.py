"""Finding 7: `clemency backup` then `clemency restore` gives back the same store.

On each backend: a seeded demo database and a stored file are backed up while the database
is open, restored into a new empty database and folder, and the restored store exports the
same cases, passes `audit verify`, and holds the same stored file. A damaged backup and a
non-empty target are refused without writing anything.
"""

from __future__ import annotations

import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from clemency.cases.demo.states import state_demo_documents
from tests.cli import Ran, run_cli
from tests.conftest import _worker_suffix, fresh_pg_database

from .web import seed

# The demo adds one synthetic case per state ruleset (issue #16) to every seed.
STATE_CASES = len(state_demo_documents("demo"))


def _cli(*args: str, data_dir: Path) -> Ran:
    env = {
        "CLEMENCY_DATA_DIR": str(data_dir),
        "CLEMENCY_ENVIRONMENT": "test",
        "CLEMENCY_DATABASE_URL": None,  # every command names its database
    }
    return run_cli(*args, env=env, timeout=300)


@pytest.fixture
def second_database(
    database_url: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[str]:
    """An empty database on the same backend, to restore into."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    server = request.getfixturevalue("pg_server_url")
    name = f"clemency_test_{_worker_suffix()}_restored"
    yield fresh_pg_database(server, name)
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _export(url: str, out: Path, data_dir: Path) -> bytes:
    completed = _cli("export", "cases", "--out", str(out), "--database-url", url, data_dir=data_dir)
    assert completed.returncode == 0, completed.stderr
    return out.read_bytes()


@pytest.fixture
def keys_everywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One keyring for this process (which seeds) and the commands it runs (which read)."""
    from clemency.crypto import keys as crypto_keys

    key_file = tmp_path / "clemency.keys"
    crypto_keys.write(crypto_keys.generate(), key_file)
    monkeypatch.setenv("CLEMENCY_KEY_FILE", str(key_file))
    monkeypatch.setattr(crypto_keys, "_current", crypto_keys.read(key_file))


@pytest.mark.usefixtures("keys_everywhere")
def test_backup_and_restore_round_trip(
    database_url: str, second_database: str, tmp_path: Path
) -> None:
    seed(database_url, count=12)
    source_data = tmp_path / "data"
    stored = source_data / "documents" / "ab" / ("ab" + "1" * 30)
    stored.parent.mkdir(parents=True)
    stored.write_bytes(b"%PDF-1.4 a stored exhibit\n")
    archive = tmp_path / "backups" / "clemency.tar"
    archive.parent.mkdir()
    # The database stays open (a reader holds a connection) while the backup runs.
    holder = sa.create_engine(database_url)
    with holder.connect() as connection:
        connection.execute(sa.text("SELECT count(*) FROM cases")).scalar_one()
        made = _cli(
            "backup", "--out", str(archive), "--database-url", database_url, data_dir=source_data
        )
    holder.dispose()
    assert made.returncode == 0, made.stderr
    assert "1 stored files" in made.stdout
    with tarfile.open(archive) as opened:
        names = opened.getnames()
    assert names[0] == "manifest.json"
    assert "files/documents/ab/ab" + "1" * 30 in names

    target_data = tmp_path / "restored-data"
    restored = _cli(
        "restore", str(archive), "--database-url", second_database, data_dir=target_data
    )
    assert restored.returncode == 0, restored.stderr
    assert "audit trail intact" in restored.stdout

    verify = _cli("audit", "verify", "--database-url", second_database, data_dir=target_data)
    assert verify.returncode == 0, verify.stderr
    original = _export(database_url, tmp_path / "original.jsonl", source_data)
    copy = _export(second_database, tmp_path / "restored.jsonl", target_data)
    assert original == copy
    assert original.count(b"\n") == 13 + STATE_CASES
    assert (
        target_data / "documents" / "ab" / ("ab" + "1" * 30)
    ).read_bytes() == stored.read_bytes()

    # Restoring again into the now non-empty database is refused.
    again = _cli(
        "restore", str(archive), "--database-url", second_database, data_dir=tmp_path / "d3"
    )
    assert again.returncode == 1
    assert "restore into a new, empty database" in again.stderr


def test_a_damaged_backup_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'source.db'}"
    seed(url, count=3)
    archive = tmp_path / "b.tar"
    assert (
        _cli(
            "backup", "--out", str(archive), "--database-url", url, data_dir=tmp_path / "d"
        ).returncode
        == 0
    )
    data = bytearray(archive.read_bytes())
    marker = data.find(b"SQLite format 3")
    assert marker > 0
    data[marker + 5000] ^= 0xFF  # flip one byte inside the database member
    archive.write_bytes(bytes(data))
    target = tmp_path / "restored.db"
    refused = _cli(
        "restore", str(archive), "--database-url", f"sqlite:///{target}", data_dir=tmp_path / "d2"
    )
    assert refused.returncode == 1
    assert "does not match its sha256" in refused.stderr
    assert not target.exists()
    assert not (tmp_path / "d2").exists()


def test_backup_refuses_to_write_onto_the_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'source.db'}"
    seed(url, count=2)
    before = (tmp_path / "source.db").read_bytes()
    refused = _cli(
        "backup",
        "--out",
        str(tmp_path / "source.db"),
        "--database-url",
        url,
        data_dir=tmp_path / "d",
    )
    assert refused.returncode == 1
    assert "database" in refused.stderr
    assert (tmp_path / "source.db").read_bytes() == before
