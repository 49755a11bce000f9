"""The store's commands, run the way users run them (Typer's runner, real database files)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from clemency.audit.models import AuditEvent
from clemency.cases.demo.seed import seed_accounts
from clemency.cases.demo.states import state_demo_documents
from clemency.cases.models import Case
from clemency.cli.main import app
from clemency.db.session import session_factory

# The demo adds one synthetic case per state ruleset (issue #16) to every seed.
STATE_CASES = len(state_demo_documents("demo"))

runner = CliRunner()


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_demo_seeds_once_and_prints_the_logins(tmp_path: Path) -> None:
    database = tmp_path / "clemency-demo.db"
    code, out, _ = _run("demo", "--no-serve", "--count", "14", "--database", str(database))
    assert code == 0, out
    assert f"{14 + 1 + STATE_CASES} cases (seed 2018)" in out
    assert "admin@justice-clinic.example" in out
    assert "viewer@pardon-project.example" in out
    assert "http://127.0.0.1:8000/" in out
    code, out, _ = _run("demo", "--no-serve", "--database", str(database))
    assert code == 0
    assert "Using the existing demo database" in out


def test_export_then_import_through_the_cli(
    tmp_path: Path, database_url: str, engine: Engine
) -> None:
    demo_db = tmp_path / "source.db"
    assert _run("demo", "--no-serve", "--count", "7", "--database", str(demo_db))[0] == 0
    exported = tmp_path / "cases.csv"
    code, _, err = _run(
        "export",
        "cases",
        "--format",
        "csv",
        "--out",
        str(exported),
        "--database-url",
        f"sqlite:///{demo_db}",
    )
    assert code == 0, err
    assert f"exported {8 + STATE_CASES} cases" in err
    with exported.open(newline="") as stream:
        rows = list(csv.reader(stream))
    rows[4][rows[0].index("stage")] = "nonsense"  # the fourth case, line 5 of the file
    broken = tmp_path / "broken.csv"
    with broken.open("w", newline="") as stream:
        csv.writer(stream, lineterminator="\n").writerows(rows)
    with session_factory(engine)() as session:  # the same organizations and users exist there
        seed_accounts(session=session, password=None)
        session.commit()
    code, _, err = _run("import", "cases", str(broken), "--database-url", database_url)
    assert code == 1
    assert "broken.csv line 5" in err
    assert "nothing was imported" in err
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count(Case.id))) == 0
    code, out, err = _run(
        "import",
        "cases",
        str(broken),
        "--skip-bad",
        "--create-organizations",
        "--database-url",
        database_url,
    )
    assert code == 0, err
    assert f"imported {7 + STATE_CASES} cases, skipped 1" in out
    assert "skipped: broken.csv line 5" in err
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count(Case.id))) == 7 + STATE_CASES
        actions = set(session.scalars(select(AuditEvent.action)))
    assert "import" in actions


def test_bad_usage_and_unknown_users_are_one_line_errors(tmp_path: Path) -> None:
    code, _, err = _run("export", "cases", "--format", "xml")
    assert code == 2
    assert err.startswith("error: unknown format")
    database = tmp_path / "demo.db"
    _run("demo", "--no-serve", "--count", "0", "--database", str(database))
    code, _, err = _run(
        "export", "cases", "--as", "nobody@example.org", "--database-url", f"sqlite:///{database}"
    )
    assert code == 1
    assert err.strip() == "error: no user 'nobody@example.org' in this database"


@pytest.mark.parametrize("as_user", ["volunteer@justice-clinic.example", None])
def test_export_as_a_user_applies_their_access(tmp_path: Path, as_user: str | None) -> None:
    database = tmp_path / "demo.db"
    _run("demo", "--no-serve", "--count", "14", "--database", str(database))
    args = ["export", "cases", "--database-url", f"sqlite:///{database}"]
    if as_user:
        args += ["--as", as_user]
    code, out, _ = _run(*args)
    assert code == 0
    references = {json.loads(line)["reference"] for line in out.splitlines()}
    assert ("AMJ-14873" in references) is (as_user is None)


def test_db_upgrade_reports_the_revision(tmp_path: Path) -> None:
    code, out, _ = _run("db", "upgrade", "--database-url", f"sqlite:///{tmp_path / 'x.db'}")
    assert code == 0
    assert "is at revision " in out


def test_audit_verify_reports_an_intact_then_a_tampered_trail(tmp_path: Path) -> None:
    import sqlite3

    database = tmp_path / "demo.db"
    _run("demo", "--no-serve", "--count", "3", "--database", str(database))
    url = f"sqlite:///{database}"
    code, out, _ = _run("audit", "verify", "--database-url", url)
    assert code == 0
    assert out.startswith("audit trail intact:")
    with sqlite3.connect(database) as connection:  # someone with file access edits history
        connection.execute("DROP TRIGGER audit_events_no_update")
        connection.execute("UPDATE audit_events SET actor_label = 'nobody' WHERE id = 3")
    code, _, err = _run("audit", "verify", "--database-url", url)
    assert code == 1
    assert err.startswith("error: audit trail broken at row 3: row content does not match")
