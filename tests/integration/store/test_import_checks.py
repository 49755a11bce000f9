"""Issue #14: ``clemency import cases`` applies the entry checks (the same ones as the forms and
the API), reports each violation on its own line with the file's line number, exits 1 and
leaves nothing half-written."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from clemency.audit.models import AuditEvent
from clemency.cases.demo.seed import seed_accounts
from clemency.cases.models import Case, Person
from clemency.cli.main import app
from clemency.db.session import session_factory

TOMORROW = (date.today() + timedelta(days=1)).isoformat()


def _case(reference: str, **changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "format": "clemency.case/1",
        "organization": "justice-clinic",
        "reference": reference,
        "stage": "intake",
        "jurisdiction": "us-federal",
        "person": {
            "given_name": "Imported",
            "family_name": reference,
            "date_of_birth": "1970-03-04",
        },
    }
    for key, value in changes.items():
        if key == "person":
            document["person"].update(value)
        else:
            document[key] = value
    return document


def test_a_bad_file_reports_every_violation_by_line_and_imports_nothing(
    tmp_path: Path, database_url: str, engine: Engine
) -> None:
    with session_factory(engine)() as session:
        seed_accounts(session=session, password=None)
        session.commit()
    rows = [
        _case("IMP-1"),
        _case(
            "IMP-2",
            jurisdiction="Federal",
            person={"date_of_birth": TOMORROW, "given_name": "N" * 5000},
        ),
        _case(
            "IMP-3",
            convictions=[
                {"convicted_on": "2001-05-02", "sentenced_on": "2001-05-01"},
                {"convicted_on": "1999-01-01"},
            ],
            sentences=[{"conviction": 2, "prison_months": -5}],
            custody=[
                {"facility": "FCI X", "started_on": "2002-01-01", "released_on": "2001-12-31"}
            ],
        ),
        _case("IMP-4"),
        _case("IMP-5", convictions=[{"convicted_on": "1975-01-01"}]),
    ]
    source = tmp_path / "cases.jsonl"
    source.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    result = CliRunner().invoke(
        app, ["import", "cases", str(source), "--database-url", database_url]
    )
    assert result.exit_code == 1, result.stdout
    err = result.stderr
    expected = [
        "cases.jsonl line 2 (case IMP-2): Jurisdiction 'Federal' is not a jurisdiction",
        f"cases.jsonl line 2 (case IMP-2): Date of birth {TOMORROW} is in the future",
        "cases.jsonl line 2 (case IMP-2): Given name is 5,000 characters long; at most 100",
        "cases.jsonl line 3 (case IMP-3): convictions[1]: Sentenced on 2001-05-01 is before the "
        "convicted on (2001-05-02)",
        "cases.jsonl line 3 (case IMP-3): sentences[1]: Prison months -5 is negative",
        "cases.jsonl line 3 (case IMP-3): custody[1]: Released on 2001-12-31 is before the "
        "started on (2002-01-01)",
        "cases.jsonl line 5 (case IMP-5): Conviction on 1975-01-01 would make the person 4 "
        "years old",
    ]
    lines = err.splitlines()
    for text in expected:
        assert any(text in line for line in lines), (text, err)
    assert "nothing was imported" in err
    assert "Traceback" not in err
    assert "invalid literal" not in err
    with session_factory(engine)() as session:  # nothing half-written
        assert session.scalar(select(func.count(Case.id))) == 0
        assert session.scalar(select(func.count(Person.id))) == 0
        assert not session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "import")
        )
