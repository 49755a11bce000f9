"""`clemency petition ...` run as a user runs it (its argv, its environment) against a database
file, in the test process (tests/cli.py)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from tests.cli import Ran, run_cli

from .builders import make_alice


@pytest.fixture
def cli_db(tmp_path: Path) -> dict[str, str]:
    import clemency.documents.models
    import clemency.petitions.models  # noqa: F401
    from clemency.db.migrate import upgrade
    from clemency.db.models import Base
    from clemency.db.session import make_engine, unit_of_work
    from clemency.petitions import service as petitions
    from clemency.testing.factories import make_organization, make_user

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(url)
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    with unit_of_work(engine) as session:
        org = make_organization(session, "cli-clinic")
        attorney = make_user(session, org, "attorney")
        case = make_alice(session, attorney, org)
        petitions.start(session=session, user=attorney, case_id=case.id, kind="commutation")
    engine.dispose()
    return {
        "CLEMENCY_DATABASE_URL": url,
        "CLEMENCY_DATA_DIR": str(tmp_path / "data"),
        "CLEMENCY_ENVIRONMENT": "test",
    }


def run(env: dict[str, str], *chunks: str) -> Ran:
    """Run ``clemency``: the first chunk and chunks starting with ``--`` are split on spaces;
    any other chunk is one argument (a path, a value with spaces)."""
    args = [
        w
        for i, c in enumerate(chunks)
        for w in (c.split() if i == 0 or c.startswith("--") else [c])
    ]
    return run_cli(*args, env=env)


def test_packet_command_writes_a_draft_pdf_and_lists_what_is_missing(
    cli_db: dict[str, str], tmp_path: Path
) -> None:
    from pypdf import PdfReader

    out = tmp_path / "alice.pdf"
    result = run(
        cli_db,
        "petition packet AMJ-1 --form us-federal/commutation --format pdf --out",
        str(out),
        "--as-of 2018-05-01",
    )
    assert result.returncode == 0, result.stderr
    assert "DRAFT" in result.stderr
    assert "Release plan" in result.stderr
    text = " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "14873-076" in text
    assert "Alice Marie Johnson" in text

    docx_out = tmp_path / "alice.docx"
    assert (
        run(
            cli_db, "petition packet 1 --form us-federal/pardon --format docx --out", str(docx_out)
        ).returncode
        == 0
    )
    assert docx_out.read_bytes()[:2] == b"PK"


def test_cli_errors_are_one_line(cli_db: dict[str, str], tmp_path: Path) -> None:
    result = run(
        cli_db, "petition packet AMJ-1 --form us-federal/remission --out", str(tmp_path / "x.pdf")
    )
    assert result.returncode == 1
    assert result.stderr.startswith(
        "error: There is no form 'us-federal/remission'. Forms for us-federal:"
    )
    assert "Traceback" not in result.stderr
    bad = run(cli_db, "petition packet AMJ-1 --form us-federal/pardon --format odt --out x")
    assert bad.returncode == 2
    illegal = run(
        cli_db, "petition advance AMJ-1 1 grant --on 2018-06-06 --set", "terms=time served"
    )
    assert illegal.returncode == 1
    assert "Allowed next steps: submit, withdraw" in illegal.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_deadlines_command(cli_db: dict[str, str]) -> None:
    ok = run(cli_db, "petition advance AMJ-1 1 withdraw --on", str(date(2016, 5, 1)))
    assert ok.returncode == 0, ok.stderr
    assert "Withdrawn; next: none" in ok.stdout
    ics = run(cli_db, "petition deadlines --format ics")
    assert ics.returncode == 0, ics.stderr
    assert ics.stdout_bytes.startswith(b"BEGIN:VCALENDAR\r\n")  # RFC 5545 line ends survive the CLI
    assert run(cli_db, "petition reminders --as-of 2016-05-01").returncode == 0
    shown = run(cli_db, "petition lifecycle us-ok")
    assert "advance_to_stage_2: merit_review -> hearing_scheduled" in shown.stdout
