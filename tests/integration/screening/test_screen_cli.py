"""`clemency screen` end to end: real roster files in, real result files read back."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from clemency.cli.main import app
from clemency.screening.columns import RESULT_COLUMNS
from clemency.screening.synthetic import write_roster
from tests.integration.screening.conftest import AS_OF, differences

runner = CliRunner()


def screen(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, ["screen", *map(str, args)])
    return result.exit_code, result.stdout, result.stderr


def rows(path: Path) -> list[tuple[object, ...]]:
    reader = "read_parquet" if path.suffix == ".parquet" else "read_csv_auto"
    return duckdb.sql(f"SELECT * FROM {reader}('{path}') ORDER BY person_id").fetchall()


def test_screen_writes_one_row_per_person_and_prints_a_summary(
    small_roster: Path, tmp_path: Path
) -> None:
    out = tmp_path / "results.parquet"
    code, stdout, _ = screen(
        small_roster, "--ruleset", "us-federal/pardon", "--as-of", AS_OF.isoformat(), "--out", out
    )
    assert code == 0, stdout
    relation = duckdb.sql(f"SELECT * FROM read_parquet('{out}')")
    assert tuple(relation.columns) == RESULT_COLUMNS
    assert len(relation.fetchall()) == 600
    assert "600 rows screened" in stdout
    assert "Rules that screen out the most people" in stdout
    assert "Most common missing facts" in stdout
    assert "Invalid values by column" in stdout


def test_csv_and_parquet_results_hold_the_same_rows(small_roster: Path, tmp_path: Path) -> None:
    args = ("--ruleset", "us-federal/commutation", "--as-of", AS_OF.isoformat())
    assert screen(small_roster, *args, "--out", tmp_path / "r.parquet")[0] == 0
    assert screen(small_roster, *args, "--out", tmp_path / "r.csv")[0] == 0
    assert differences(tmp_path / "r.parquet", tmp_path / "r.csv") == []


def test_unknown_ruleset_is_a_one_line_error_and_writes_nothing(
    small_roster: Path, tmp_path: Path
) -> None:
    out = tmp_path / "r.parquet"
    code, _stdout, stderr = screen(
        small_roster, "--ruleset", "us-federal/nope", "--as-of", "2024-01-01", "--out", out
    )
    assert code == 1
    assert stderr.startswith("error: ")
    assert stderr.count("\n") == 1
    assert "us-federal/nope" in stderr
    assert not out.exists()


def test_missing_required_column_is_refused_before_any_work(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("person_id,conviction_court\nA1,federal_district\n")
    out = tmp_path / "r.parquet"
    code, _, stderr = screen(
        roster, "--ruleset", "us-federal/pardon", "--as-of", "2024-01-01", "--out", out
    )
    assert code == 1
    assert stderr.count("\n") == 1
    assert "latest_release_date" in stderr
    assert "--allow-missing-columns" in stderr
    assert not out.exists()


def test_absent_columns_can_be_taken_as_unknown(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("person_id,conviction_court\nA1,federal_district\nA2,state\n")
    out = tmp_path / "r.csv"
    code, stdout, _ = screen(
        roster,
        "--ruleset",
        "us-federal/pardon",
        "--as-of",
        "2024-01-01",
        "--out",
        out,
        "--allow-missing-columns",
    )
    assert code == 0, stdout
    result = {r[0]: r for r in rows(out)}
    assert result["A1"][1] == "needs_review"
    missing = set(str(result["A1"][5]).split(";"))
    assert missing  # the absent columns are what would settle it
    assert missing <= {
        "is_in_custody",
        "sentence_type",
        "latest_release_date",
        "was_confined",
        "sentence_date",
        "on_supervision",
        "supervision_end_date",
        "resides_in_us",
        "is_deceased",
        "offense_level",
    }
    assert "Columns absent, unknown for everyone: is_deceased, is_in_custody" in stdout
    assert result["A2"][1] == "ineligible"
    assert result["A2"][3] == "us-federal.pardon.federal_conviction"


def test_a_roster_without_person_id_is_refused(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("id,conviction_court\nA1,federal_district\n")
    code, _, stderr = screen(
        roster,
        "--ruleset",
        "us-federal/pardon",
        "--as-of",
        "2024-01-01",
        "--out",
        tmp_path / "r.csv",
    )
    assert code == 1
    assert "person_id" in stderr


def test_bad_as_of_is_a_usage_error(small_roster: Path, tmp_path: Path) -> None:
    code, _, _ = screen(
        small_roster,
        "--ruleset",
        "us-federal/pardon",
        "--as-of",
        "2024-02-30",
        "--out",
        tmp_path / "r.csv",
    )
    assert code == 2


def test_unreadable_values_make_invalid_rows_with_the_reason(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    header = "person_id,conviction_court,is_in_custody,sentence_type,latest_release_date,sentence_date,on_supervision,resides_in_us,is_deceased,offense_level,was_confined,supervision_end_date"
    roster.write_text(
        header
        + "\nOK1,federal_district,false,prison,2010-05-01,2005-01-01,false,true,false,felony,,"
        + "\nBAD1,Federal,false,prison,2019-02-29,2005-01-01,false,true,false,felony,,"
        + "\nBAD2,federal_district,sometimes,prison,2010-05-01,2005-01-01,false,true,false,felony,,"
        + "\n,federal_district,false,prison,2010-05-01,2005-01-01,false,true,false,felony,,\n"
    )
    out = tmp_path / "r.parquet"
    # as of a day the pardon residence rule is vouched for (from 2024-05-31, basis: knowledge)
    code, stdout, _ = screen(
        roster, "--ruleset", "us-federal/pardon", "--as-of", "2024-06-03", "--out", out
    )
    assert code == 0, stdout
    by_id = {r[0]: r for r in rows(out)}
    assert by_id["OK1"][1] == "eligible"
    assert by_id["BAD1"][1] == "invalid"
    assert by_id["BAD1"][6] == (
        'conviction_court="Federal" is not one of federal_district, dc_superior, court_martial, '
        'state, territorial; latest_release_date="2019-02-29" is not a date (YYYY-MM-DD)'
    )
    assert by_id["BAD2"][6] == 'is_in_custody="sometimes" is not true or false'
    assert by_id[""][6] == "person_id is empty"
    assert re.search(r"invalid\s+3\s", stdout)


def test_a_failed_run_leaves_the_previous_result_untouched(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text('person_id,conviction_court\nA1,"federal_district\nA2,state\n')
    out = tmp_path / "r.csv"
    out.write_text("previous result\n")
    code, _, stderr = screen(
        roster,
        "--ruleset",
        "us-federal/pardon",
        "--as-of",
        "2024-01-01",
        "--out",
        out,
        "--allow-missing-columns",
    )
    assert code == 1
    assert stderr.startswith("error: ")
    assert stderr.count("\n") == 1
    assert "CSV Error on Line: 2" in stderr
    assert "unterminated quote" in stderr
    assert out.read_text() == "previous result\n"
    assert {p.name for p in tmp_path.iterdir()} == {"roster.csv", "r.csv"}


def test_typed_parquet_and_text_csv_rosters_give_the_same_results(tmp_path: Path) -> None:
    parquet = write_roster(tmp_path / "roster.parquet", 800, AS_OF, seed=3)
    csv = write_roster(tmp_path / "roster.csv", 800, AS_OF, seed=3)
    args = ("--ruleset", "us-federal/commutation", "--as-of", AS_OF.isoformat())
    assert screen(parquet, *args, "--out", tmp_path / "a.parquet")[0] == 0
    assert screen(csv, *args, "--out", tmp_path / "b.parquet")[0] == 0
    assert differences(tmp_path / "a.parquet", tmp_path / "b.parquet") == []


@pytest.mark.parametrize("engine", ["python", "duckdb"])
def test_engine_option_is_honoured(small_roster: Path, tmp_path: Path, engine: str) -> None:
    code, stdout, _ = screen(
        small_roster,
        "--ruleset",
        "us-ga/pardon",
        "--as-of",
        AS_OF.isoformat(),
        "--out",
        tmp_path / "r.parquet",
        "--engine",
        engine,
    )
    assert code == 0
    assert f"({engine})" in stdout


def test_unknown_engine_and_output_type_are_refused(small_roster: Path, tmp_path: Path) -> None:
    base = (small_roster, "--ruleset", "us-ga/pardon", "--as-of", "2024-01-01")
    assert screen(*base, "--out", tmp_path / "r.parquet", "--engine", "excel")[0] == 1
    code, _, stderr = screen(*base, "--out", tmp_path / "r.xlsx")
    assert code == 1
    assert ".csv or .parquet" in stderr


def test_duckdb_and_python_write_the_same_csv_lines(small_roster: Path, tmp_path: Path) -> None:
    """Same quoting too (an empty text is ""; a missing date is empty), only the order differs."""
    args = ("--ruleset", "us-federal/commutation", "--as-of", AS_OF.isoformat())
    assert screen(small_roster, *args, "--out", tmp_path / "d.csv")[0] == 0
    assert screen(small_roster, *args, "--out", tmp_path / "p.csv", "--engine", "python")[0] == 0
    duck = (tmp_path / "d.csv").read_text().splitlines()
    python = (tmp_path / "p.csv").read_text().splitlines()
    assert duck[0] == python[0] == ",".join(RESULT_COLUMNS)
    assert sorted(duck) == sorted(python)
    assert len(duck) == 601


def test_an_old_pardon_roster_screens_with_the_new_facts_unknown_for_everyone(
    tmp_path: Path,
) -> None:
    """Issue #11: a roster written before latest_release_date, was_confined and
    supervision_end_date existed stays usable; the summary names what was unknown for all."""
    roster = tmp_path / "old.csv"
    roster.write_text(
        "person_id,conviction_court,is_in_custody,sentence_type,release_date,sentence_date,"
        "on_supervision,resides_in_us,is_deceased,offense_level\n"
        "OLD1,federal_district,false,prison,2010-05-01,2005-01-01,false,true,false,felony\n"
    )
    out = tmp_path / "r.csv"
    code, stdout, _ = screen(
        roster, "--ruleset", "us-federal/pardon", "--as-of", "2025-01-02", "--out", out,
        "--allow-missing-columns",
    )  # fmt: skip
    assert code == 0, stdout
    assert (
        "Columns absent, unknown for everyone: latest_release_date, supervision_end_date, "
        "was_confined" in stdout
    )
    (row,) = rows(out)
    assert row[1] == "needs_review"
    assert "latest_release_date" in str(row[5])
