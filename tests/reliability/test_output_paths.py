"""Finding 1: no command writes its output onto the database, an input or a stored file.

Each spelling below names the database (or a companion, an input) another way; before the
guard, `export cases --out clemency.db` with the default URL exited 0 and the store was gone.
The database's bytes are compared before and after every attempt.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clemency.cases.demo.states import state_demo_documents
from clemency.cli.main import app
from clemency.config import get_settings
from clemency.crypto import keys as crypto_keys

from .conftest import Store

# The demo adds one synthetic case per state ruleset (issue #16) to every seed.
STATE_CASES = len(state_demo_documents("demo"))

runner = CliRunner()


def _digest(folder: Path) -> dict[str, str]:
    """sha256 of every file in ``folder`` (the database and its companions included)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture
def in_store(store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """The working directory is the store's folder and the database URL is the default."""
    monkeypatch.chdir(store.folder)
    monkeypatch.delenv("CLEMENCY_DATABASE_URL", raising=False)
    monkeypatch.setenv("CLEMENCY_DATA_DIR", str(store.folder / "clemency-data"))
    monkeypatch.setenv("CLEMENCY_KEY_FILE", str(store.key_file))
    monkeypatch.setenv("CLEMENCY_AUDIT_KEY_FILE", str(store.audit_key_file))
    # This process's keyring is read once; make it the store's for these in-process runs.
    monkeypatch.setattr(crypto_keys, "_current", crypto_keys.read(store.key_file))
    (store.folder / "sub").mkdir()
    (store.folder / "clemency-data" / "documents" / "ab").mkdir(parents=True)
    (store.folder / "clemency-data" / "documents" / "ab" / ("ab" + "0" * 30)).write_bytes(b"x")
    for suffix in ("-wal", "-shm", "-journal"):
        (store.folder / f"clemency.db{suffix}").write_bytes(b"")
    os.symlink(store.folder / "clemency.db", store.folder / "link.db")
    os.link(store.folder / "clemency.db", store.folder / "hard.db")
    os.symlink(store.folder, store.folder / "dirlink")
    (store.folder / "roster.csv").write_text("person_id\n1\n")
    get_settings.cache_clear()
    yield store
    get_settings.cache_clear()


SPELLINGS: list[tuple[str, Callable[[Path], str]]] = [
    ("plain name", lambda f: "clemency.db"),
    ("dot slash", lambda f: "./clemency.db"),
    ("absolute", lambda f: str(f / "clemency.db")),
    ("double slash", lambda f: f"{f}//clemency.db"),
    ("dot dot", lambda f: "sub/../clemency.db"),
    ("write-ahead log", lambda f: "clemency.db-wal"),
    ("shared memory", lambda f: "clemency.db-shm"),
    ("rollback journal", lambda f: "./sub/../clemency.db-journal"),
    ("symlink to the file", lambda f: "link.db"),
    ("hard link to the file", lambda f: "hard.db"),
    ("through a symlinked folder", lambda f: "dirlink/clemency.db"),
    ("a stored file", lambda f: "clemency-data/documents/ab/ab" + "0" * 30),
    ("a new name among the stored files", lambda f: "clemency-data/documents/new.pdf"),
    ("a folder", lambda f: "sub"),
    ("a missing folder", lambda f: "nowhere/out.csv"),
]

COMMANDS: list[tuple[str, Callable[[str], list[str]]]] = [
    ("export cases", lambda out: ["export", "cases", "--out", out]),
    ("export cases csv", lambda out: ["export", "cases", "--format", "csv", "--out", out]),
    (
        "petition packet",
        lambda out: ["petition", "packet", "1", "--form", "us-federal/commutation", "--out", out],
    ),
    (
        "screen",
        lambda out: [
            "screen",
            "roster.csv",
            "--ruleset",
            "us-federal/pardon",
            "--as-of",
            "2026-01-01",
            "--out",
            out,
        ],
    ),
]


@pytest.mark.parametrize("command", COMMANDS, ids=[c[0] for c in COMMANDS])
@pytest.mark.parametrize("spelling", SPELLINGS, ids=[s[0] for s in SPELLINGS])
def test_an_output_onto_the_database_or_a_read_file_is_refused(
    in_store: Store,
    command: tuple[str, Callable[[str], list[str]]],
    spelling: tuple[str, Callable[[Path], str]],
) -> None:
    before = _digest(in_store.folder)
    out = spelling[1](in_store.folder)
    result = runner.invoke(app, command[1](out))
    assert result.exit_code == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    assert _digest(in_store.folder) == before
    assert not list(in_store.folder.rglob("*.partial"))


@pytest.mark.parametrize(
    "spelling", ["roster.csv", "./roster.csv", "sub/../roster.csv", "dirlink/roster.csv"]
)
def test_screen_refuses_to_write_onto_its_roster(in_store: Store, spelling: str) -> None:
    os.link(in_store.folder / "roster.csv", in_store.folder / "sub" / "hard-roster.csv")
    before = _digest(in_store.folder)
    for out in (spelling, "sub/hard-roster.csv"):
        result = runner.invoke(
            app,
            [
                "screen",
                "roster.csv",
                "--ruleset",
                "us-federal/pardon",
                "--as-of",
                "2026-01-01",
                "--out",
                out,
            ],
        )
        assert result.exit_code == 1, result.stderr
        assert "roster.csv" in result.stderr
    assert _digest(in_store.folder) == before


def test_a_database_named_by_a_url_with_dots_is_still_protected(in_store: Store) -> None:
    before = _digest(in_store.folder)
    result = runner.invoke(
        app,
        ["export", "cases", "--database-url", "sqlite:///sub/../clemency.db", "--out", "hard.db"],
    )
    assert result.exit_code == 1
    assert "database" in result.stderr
    assert _digest(in_store.folder) == before


def test_a_good_output_replaces_the_old_file_whole_and_leaves_no_temporary(in_store: Store) -> None:
    target = in_store.folder / "sub" / "cases.jsonl"
    target.write_text("old contents\n")
    result = runner.invoke(app, ["export", "cases", "--out", str(target)])
    assert result.exit_code == 0, result.stderr
    lines = target.read_text().splitlines()
    assert len(lines) == 7 + STATE_CASES
    assert all(line.startswith("{") for line in lines)
    assert not list(in_store.folder.rglob("*.partial"))


def test_a_symlinked_output_elsewhere_is_replaced_not_written_through(in_store: Store) -> None:
    """A symlink to some other file: the link is replaced by the export, its target untouched."""
    elsewhere = in_store.folder / "sub" / "precious.txt"
    elsewhere.write_text("keep me\n")
    os.symlink(elsewhere, in_store.folder / "out.jsonl")
    result = runner.invoke(app, ["export", "cases", "--out", "out.jsonl"])
    assert result.exit_code == 0, result.stderr
    assert elsewhere.read_text() == "keep me\n"
    assert not (in_store.folder / "out.jsonl").is_symlink()
