"""Finding 9 of issue #12: a roster cell beginning with ``=``, ``+``, ``-`` or ``@`` came back
unchanged in ``results.csv`` (spreadsheet formula injection). Every CSV Clemency writes now
neutralises free-text cells by one rule (``clemency.csvsafe``), and leaves typed cells alone."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clemency.csvsafe import FORMULA_STARTS, csv_cell, csv_text, csv_untext
from clemency.screening import service

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "'=quoted"]


@settings(max_examples=100)  # the property tests' profile sets another default
@given(st.text())
def test_the_rule_is_reversible_and_never_leaves_a_formula(value: str) -> None:
    written = csv_text(value)
    assert csv_untext(written) == value
    assert not written.startswith(FORMULA_STARTS)


def test_typed_values_are_left_alone() -> None:
    assert csv_cell(-5) == -5
    assert csv_cell(-2.5) == -2.5
    assert csv_cell(None) is None
    assert csv_cell(date(2020, 1, 1)) == date(2020, 1, 1)
    assert csv_cell("-5") == "'-5"  # but text that looks like a number is text


def _roster(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["person_id", "latest_release_date"])
        for number, hostile in enumerate(HOSTILE):
            writer.writerow([hostile, "2001-01-01"])  # the person_id cell is hostile
            writer.writerow([f"p{number}", hostile])  # an invalid date quoted in the reason
        writer.writerow(["-17", "2001-01-01"])
    return path


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_screening_results_csv_has_no_formulas(tmp_path: Path, engine: str) -> None:
    roster = _roster(tmp_path / "roster.csv")
    out = tmp_path / "results.csv"
    result = service.screen(
        roster,
        service.load("us-federal/pardon"),
        date(2024, 1, 1),
        out,
        engine=engine,
        allow_missing_columns=True,
    )
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == 2 * len(HOSTILE) + 1
    for row in rows:
        for name, cell in row.items():
            assert not cell.startswith(FORMULA_STARTS), (name, cell)
    ids = {row["person_id"] for row in rows}
    assert {csv_text(h) for h in HOSTILE} <= ids
    assert "'-17" in ids  # person_id is free text, even when it looks like a number
    reasons = " ".join(row["invalid_reason"] for row in rows)
    assert "HYPERLINK" in reasons  # the bad cell is still quoted, safely
    assert result.summary.rows == len(rows)  # Clemency reads its own file back


def test_the_case_export_neutralises_text_and_round_trips(tmp_path: Path) -> None:
    from clemency.cases.transfer import read_documents, write_documents

    document = {
        "format": "clemency-case/1",
        "organization": "=org",
        "person": {},
    }
    from clemency.cases.models import PART_MODELS, Person
    from clemency.cases.serialize import editable_columns
    from clemency.cases.transfer import CASE_FIELDS

    for name in CASE_FIELDS:
        document[name] = None
    document["reference"] = "@ref"
    for name in editable_columns(Person):
        document["person"][name] = None
    document["person"]["given_name"] = "=cmd|' /C calc'!A0"
    for kind in PART_MODELS:
        document[kind] = []
    buffer = io.StringIO()
    write_documents([document], buffer, "csv")
    text = buffer.getvalue()
    cells = next(iter(csv.DictReader(io.StringIO(text))))
    assert all(not cell.startswith(FORMULA_STARTS) for cell in cells.values())
    (_line, back), *_ = list(read_documents(text, "csv"))
    assert isinstance(back, dict)
    assert back["reference"] == "@ref"
    assert back["organization"] == "=org"
    assert back["person"]["given_name"] == "=cmd|' /C calc'!A0"


def test_the_statistics_csv_neutralises_text_not_numbers() -> None:
    from clemency.grants.stats import to_csv

    text = to_csv([{"president": "=Evil()", "count": -3, "flags": "+x"}])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["'=Evil()", "-3", "'+x"]
