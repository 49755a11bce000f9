"""Finding 6: hostile inputs get one clear line and exit status 1, never a traceback or a hang,
and nothing is written (every file of the store's folder and every row of its database are
the same afterwards).

Each command runs as a user runs it (its argv and environment, through the console script's
entry function, with a time limit; in the test process: tests/cli.py). `grants import` is
covered by the grants suite; a full disk by test_full_disk.py.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from .conftest import Store


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def _case_line(**sentence: object) -> str:
    return json.dumps(
        {
            "format": "clemency.case/1",
            "organization": "justice-clinic",
            "reference": "HOSTILE-1",
            "stage": "intake",
            "jurisdiction": "us-federal",
            "person": {"given_name": "A", "family_name": "B"},
            "convictions": [{"is_primary": True}],
            "sentences": [{"conviction": 1, **sentence}],
        }
    )


def _write(name: str, data: bytes | str) -> Callable[[Path], str]:
    def make(folder: Path) -> str:
        path = folder / "inputs" / name
        path.parent.mkdir(exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
        return str(path)

    return make


def _folder(folder: Path) -> str:
    (folder / "inputs" / "a-folder").mkdir(parents=True, exist_ok=True)
    return str(folder / "inputs" / "a-folder")


def _zero(_: Path) -> str:
    return "/dev/zero"


CHECK = ["check", "{}", "--ruleset", "us-federal/commutation"]
IMPORT = ["import", "cases", "{}"]
SCREEN = [
    "screen",
    "{}",
    "--ruleset",
    "us-federal/pardon",
    "--as-of",
    "2026-01-01",
    "--out",
    "{out}",
]
MANY = ",".join(f"c{i}" for i in range(60_000))

# (what, command, the input, words the one error line must contain)
HOSTILE: list[tuple[str, list[str], Callable[[Path], str], str]] = [
    ("check: not UTF-8", CHECK, _write("latin1.json", b'{"jurisdiction": "caf\xe9"}'), "not UTF-8"),
    ("check: a folder", CHECK, _folder, "is a folder"),
    ("check: /dev/zero", CHECK, _zero, "not a regular file"),
    ("check: JSON nested 100,000 deep", CHECK, _write("deep.json", _deep(100_000)), "nested"),
    ("check: 2 MB of facts", CHECK, _write("big.json", "{" + " " * 2_000_000 + "}"), "larger"),
    ("check: negative months", CHECK, _write("neg.json", '{"sentence_months": -5}'), "negative"),
    (
        "import: 10^30 months",
        IMPORT,
        _write("huge.jsonl", _case_line(prison_months=10**30)),
        "too large",
    ),
    (
        "import: 10^30 cents",
        IMPORT,
        _write("cents.jsonl", _case_line(fine_cents=10**30)),
        "too large",
    ),
    ("import: nested 100,000 deep", IMPORT, _write("deep.jsonl", _deep(100_000)), "nested"),
    (
        "import: not UTF-8",
        IMPORT,
        _write("latin1.jsonl", b'{"reference": "caf\xe9"}\n'),
        "not UTF-8",
    ),
    ("import: a folder", IMPORT, _folder, "is a folder"),
    ("import: /dev/zero", IMPORT, _zero, "not a regular file"),
    (
        "import: CSV of 60,000 columns",
        IMPORT,
        _write("wide.csv", MANY + "\n"),
        "not a Clemency case export",
    ),
    ("screen: 60,000 columns", SCREEN, _write("wide.csv", MANY + "\n1\n"), "at most 2,000"),
    ("screen: header past 1 MiB", SCREEN, _write("long.csv", "x" * 1_100_000), "longer than"),
    ("screen: not UTF-8 header", SCREEN, _write("latin1.csv", b"caf\xe9\n1\n"), "not UTF-8"),
]


def _digest(folder: Path) -> dict[str, object]:
    """Every file's sha256 but the database's, and every row of every table of the database
    (its bytes change when SQLite merely opens it in WAL mode)."""
    files: dict[str, object] = {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith("clemency.db")
    }
    engine = sa.create_engine(f"sqlite:///{folder / 'clemency.db'}")
    with engine.connect() as connection:
        for table in sa.inspect(engine).get_table_names():
            rows = connection.execute(sa.text(f'SELECT * FROM "{table}"')).all()
            files[f"table {table}"] = sorted(repr(tuple(r)) for r in rows)
    engine.dispose()
    return files


@pytest.mark.parametrize(("what", "command", "make", "words"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_input_is_one_line_and_exit_1(
    store: Store,
    what: str,
    command: list[str],
    make: Callable[[Path], str],
    words: str,
) -> None:
    source = make(store.folder)
    out = store.folder / "results.csv"
    before = _digest(store.folder)
    args = [a.replace("{}", source).replace("{out}", str(out)) for a in command]
    completed = store.run(*args)  # a hang fails on run_cli's time limit
    assert completed.returncode == 1, (what, completed.stderr[-2000:])
    assert "Traceback" not in completed.stderr, what
    errors = [line for line in completed.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, (what, completed.stderr[-2000:])
    assert words in errors[0], (what, errors[0])
    assert len(errors[0]) < 500, what
    assert _digest(store.folder) == before, what
    assert not out.exists()


def test_the_web_upload_refuses_a_roster_of_60000_columns_before_keeping_it(
    tmp_path: Path,
) -> None:
    import io

    from clemency.errors import UploadRejected
    from clemency.uploads.rosters import store_upload

    with pytest.raises(UploadRejected, match="60,000 columns; at most 2,000"):
        store_upload(
            data_dir=tmp_path,
            stream=io.BytesIO((MANY + "\n1\n").encode()),
            filename="wide.csv",
            max_bytes=10 * 1024 * 1024,
        )
    assert list(tmp_path.rglob("*")) == []
