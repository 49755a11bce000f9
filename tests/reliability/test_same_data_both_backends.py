"""Finding 5: the backends accept the same data, because the service layer checks it first.

One file, imported with --skip-bad into SQLite and into PostgreSQL, gives the same report on
both: the same lines refused with the same reasons, the same cases stored. Before the checks,
SQLite stored NUL bytes, overlong references and integers past 2^31 that PostgreSQL refused
(and PostgreSQL's refusal was reported as "run `clemency db upgrade`", with no line).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from clemency.cli.main import app
from clemency.db.migrate import upgrade

runner = CliRunner()

GOOD: dict[str, Any] = {
    "format": "clemency.case/1",
    "organization": "imported",
    "reference": "GOOD-1",
    "stage": "intake",
    "jurisdiction": "us-federal",
    "summary": "Tab\tand\nnewline are fine.",
    "person": {"given_name": "Ann", "family_name": "Example"},
    "convictions": [
        {"is_primary": True, "court_kind": "federal_district", "offense_level": "felony"}
    ],
    "sentences": [{"conviction": 1, "prison_months": 120, "fine_cents": 2**40}],
    "notes": [{"text": "x" * 5000}],
}


def _variant(reference: str, change: Any) -> dict[str, Any]:
    document = copy.deepcopy(GOOD)
    document["reference"] = reference
    change(document)
    return document


def _set(path: tuple[Any, ...], value: Any) -> Any:
    def change(document: dict[str, Any]) -> None:
        target: Any = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


# (what, document, the words the refusal must contain)
BAD: list[tuple[str, dict[str, Any], str]] = [
    ("NUL byte in the reference", _variant("BAD-\x00-1", lambda d: None), "NUL byte"),
    ("overlong reference", _variant("R" * 100_000, lambda d: None), "at most 64"),
    ("NUL byte in a name", _variant("BAD-3", _set(("person", "given_name"), "A\x00n")), "NUL"),
    ("bell character", _variant("BAD-4", _set(("person", "family_name"), "Ex\x07")), "control"),
    (
        "months past 2^31",
        _variant("BAD-5", _set(("sentences", 0, "prison_months"), 2**31)),
        "too large",
    ),
    ("negative months", _variant("BAD-6", _set(("sentences", 0, "prison_months"), -5)), "negative"),
    ("10^30 cents", _variant("BAD-7", _set(("sentences", 0, "fine_cents"), 10**30)), "too large"),
    (
        "overlong note",
        _variant("BAD-8", _set(("notes", 0, "text"), "x" * 100_001)),
        "at most 100,000",
    ),
    ("lone surrogate", _variant("BAD-9", _set(("summary",), "\ud800")), "not valid text"),
    ("overlong name", _variant("BAD-10", _set(("person", "given_name"), "N" * 101)), "at most 100"),
]


@pytest.fixture
def import_file(tmp_path: Path) -> Path:
    lines = [json.dumps(GOOD)] + [json.dumps(document) for _, document, _ in BAD]
    lines.append(json.dumps(_variant("GOOD-2", lambda d: None)))
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_one_file_imports_the_same_way_into_each_backend(
    database_url: str, import_file: Path
) -> None:
    upgrade(database_url)
    result = runner.invoke(
        app,
        [
            "import",
            "cases",
            str(import_file),
            "--skip-bad",
            "--create-organizations",
            "--database-url",
            database_url,
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert "imported 2 cases, skipped 10" in result.stdout
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped:")]
    assert len(skipped) == len(BAD)
    for index, (what, _, words) in enumerate(BAD):
        line = index + 2
        assert skipped[index].startswith(f"skipped: cases.jsonl line {line}"), (
            what,
            skipped[index],
        )
        assert words in skipped[index], (what, skipped[index])
        assert len(skipped[index]) < 400, what
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        references = connection.execute(
            sa.text("SELECT reference FROM cases ORDER BY reference")
        ).all()
        months = connection.execute(
            sa.text("SELECT prison_months, fine_cents FROM sentences")
        ).all()
    engine.dispose()
    assert [r[0] for r in references] == ["GOOD-1", "GOOD-2"]
    assert sorted(tuple(m) for m in months) == [(120, 2**40), (120, 2**40)]


def test_all_or_nothing_names_every_bad_line_and_stores_nothing(
    database_url: str, import_file: Path
) -> None:
    upgrade(database_url)
    result = runner.invoke(
        app,
        [
            "import",
            "cases",
            str(import_file),
            "--create-organizations",
            "--database-url",
            database_url,
        ],
    )
    assert result.exit_code == 1
    assert "10 bad row(s)" in result.stderr
    assert "db upgrade" not in result.stderr
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM cases")).scalar_one() == 0
    engine.dispose()


@pytest.mark.parametrize(
    ("facts", "words"),
    [
        ({"sentence_months": -5}, "negative"),
        ({"sentence_months": 10**30}, "too large"),
        ({"prior_convictions_count": -1}, "negative"),
    ],
)
def test_check_refuses_negative_and_huge_numbers(
    tmp_path: Path, facts: dict[str, int], words: str
) -> None:
    path = tmp_path / "facts.json"
    path.write_text(
        json.dumps({"conviction_court": "federal_district", "sentence_type": "prison", **facts})
    )
    result = runner.invoke(app, ["check", str(path), "--ruleset", "us-federal/commutation"])
    assert result.exit_code == 1
    assert words in result.stderr
    assert "eligible" not in result.stdout
