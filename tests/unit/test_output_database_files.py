"""The output guard finds a SQLite database's files in its URL exactly as SQLAlchemy does,
without importing SQLAlchemy (a command writing a file should not pay for it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from clemency.outputs import SQLITE_COMPANIONS, sqlite_files

URLS = [
    "sqlite:///clemency.db",
    "sqlite:////srv/clemency/clemency.db",
    "sqlite+pysqlite:///relative/dir/x.db",
    "sqlite:///with%20space%25.db",
    "sqlite:///x.db?mode=ro&timeout=30",
    "sqlite://",
    "sqlite:///",
    "sqlite:///:memory:",
    "sqlite:///file:shared.db?mode=memory&uri=true",
    "sqlite://user:pw@host:1/remote.db",
    "sqlite://[::1]/v6.db",
    "postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
]


@pytest.mark.parametrize("url", URLS)
def test_the_database_files_are_those_sqlalchemy_names(url: str) -> None:
    database = make_url(url).database
    expected = (
        []
        if not url.startswith("sqlite")
        or not database
        or database == ":memory:"
        or database.startswith("file:")
        else [Path(database + suffix) for suffix in SQLITE_COMPANIONS]
    )
    assert sqlite_files(url) == expected


def test_checking_an_output_does_not_import_sqlalchemy(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from clemency.outputs import check_output\n"
        f"check_output(Path({str(tmp_path / 'out.csv')!r}), database_url='sqlite:///c.db')\n"
        "print('sqlalchemy' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
