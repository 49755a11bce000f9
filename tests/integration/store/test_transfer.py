"""Export and import of whole cases: lossless round trip, bad rows, audit."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clemency.audit.models import AuditEvent
from clemency.cases import service as cases
from clemency.cases import transfer
from clemency.cases.access import Operator
from clemency.cases.demo.seed import seed_demo
from clemency.cases.demo.states import state_demo_documents
from clemency.cases.models import Case
from clemency.errors import DataImportError
from clemency.search import listing

# The demo adds one synthetic case per state ruleset (issue #16) to every seed.
STATE_CASES = len(state_demo_documents("demo"))

OPERATOR = Operator("cli:test")


def _export(session: Session, fmt: str) -> str:
    out = io.StringIO()
    transfer.write_documents(transfer.export_cases(session=session, user=OPERATOR), out, fmt)
    return out.getvalue()


def _wipe_cases(session: Session) -> None:
    for case in session.scalars(select(Case)).all():
        cases.delete_case(
            session=session, user=OPERATOR, case_id=case.id, expected_version=case.version
        )


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_import_export_gives_identical_output(session: Session, fmt: str) -> None:
    seed_demo(session=session, seed=7, count=21, password=None)
    session.commit()
    first = _export(session, fmt)
    _wipe_cases(session)
    session.commit()
    assert session.scalar(select(func.count(Case.id))) == 0
    report = transfer.import_cases(
        session=session, user=OPERATOR, rows=transfer.read_documents(first, fmt)
    )
    session.commit()
    assert (len(report.imported), report.problems) == (22 + STATE_CASES, [])
    second = _export(session, fmt)
    assert second == first
    # The export really carries the parts (not an empty shell that trivially round-trips).
    alice = next(line for line in first.splitlines() if "AMJ-14873" in line)
    assert "FCI Aliceville" in alice
    assert "Arcala Washington-Adduci" in alice
    assert "Synthetic demo data (presentence" in first  # victim records travel too


def _three_rows(session: Session) -> list[dict[str, object]]:
    seed_demo(session=session, seed=3, count=2, password=None)
    session.commit()
    # Three cases (the demo also seeds one case per state): Alice and two synthetic ones.
    documents = [json.loads(line) for line in _export(session, "json").splitlines()][:3]
    _wipe_cases(session)
    session.commit()
    documents[1]["person"]["bop_register_number"] = "1234-5678"  # the bad row, in the middle
    return documents


def test_all_or_nothing_imports_nothing_when_a_row_is_bad(session: Session) -> None:
    documents = _three_rows(session)
    text = "".join(json.dumps(document) + "\n" for document in documents)
    with pytest.raises(DataImportError) as refused:
        transfer.import_cases(
            session=session,
            user=OPERATOR,
            rows=transfer.read_documents(text, "json"),
            mode="all_or_nothing",
        )
    session.rollback()  # what the unit of work does with the error
    assert refused.value.fields["problems"] == [
        f"line 2 (case {documents[1]['reference']}): BOP register number '1234-5678' is not "
        "in the form NNNNN-NNN (five digits, a hyphen, three digits, e.g. 14873-076)."
    ]
    assert session.scalar(select(func.count(Case.id))) == 0


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_skip_bad_imports_every_other_row_in_one_transaction(session: Session, fmt: str) -> None:
    documents = _three_rows(session)
    out = io.StringIO()
    transfer.write_documents(iter(documents), out, fmt)
    report = transfer.import_cases(
        session=session,
        user=OPERATOR,
        rows=transfer.read_documents(out.getvalue(), fmt),
        mode="skip_bad",
    )
    session.commit()
    bad_line = 2 if fmt == "json" else 3  # the CSV header is line 1
    assert [problem.line for problem in report.problems] == [bad_line]
    assert sorted(report.imported) == sorted(str(documents[index]["reference"]) for index in (0, 2))
    stored = set(session.scalars(select(Case.reference)))
    assert stored == set(report.imported)


def test_unparseable_lines_and_unknown_fields_are_reported_with_their_line(
    session: Session,
) -> None:
    documents = _three_rows(session)
    documents[1]["person"]["bop_register_number"] = None
    documents[2]["surprise"] = 1
    lines = [
        json.dumps(documents[0]),
        "{not json",
        json.dumps(documents[1]),
        json.dumps(documents[2]),
    ]
    report = transfer.import_cases(
        session=session,
        user=OPERATOR,
        rows=transfer.read_documents("\n".join(lines), "json"),
        mode="skip_bad",
    )
    assert [(p.line, p.message.split(" (")[0]) for p in report.problems] == [
        (2, "not valid JSON"),
        (4, "unknown field(s) surprise"),
    ]
    assert len(report.imported) == 2


def test_export_and_import_are_audited_per_case(session: Session) -> None:
    seed_demo(session=session, seed=5, count=3, password=None)
    session.commit()
    before = session.scalar(select(func.max(AuditEvent.id)))
    text = _export(session, "json")
    session.commit()
    exported = session.scalars(
        select(AuditEvent.case_id).where(AuditEvent.id > before, AuditEvent.action == "export")
    ).all()
    assert sorted(exported) == sorted(session.scalars(select(Case.id)))
    imports = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "import", AuditEvent.entity_type == "case")
    ).all()
    assert len(imports) == 4 + STATE_CASES  # the demo seed itself went through the import
    assert len(text.splitlines()) == 4 + STATE_CASES


def test_a_user_exports_only_what_they_may_see(session: Session) -> None:
    seed_demo(session=session, seed=5, count=6, password=None)
    session.commit()
    from clemency.accounts import service as accounts

    volunteer = accounts.get_user_by_email(
        session=session, email="volunteer@justice-clinic.example"
    )
    assert volunteer is not None
    out = io.StringIO()
    transfer.write_documents(transfer.export_cases(session=session, user=volunteer), out, "json")
    exported = {json.loads(line)["reference"] for line in out.getvalue().splitlines()}
    listed = listing.list_cases(session=session, user=volunteer, filters=listing.CaseFilters())
    visible = {row.reference for row in listed.rows}
    assert exported == visible
    assert "AMJ-14873" not in exported  # not assigned to the volunteer
