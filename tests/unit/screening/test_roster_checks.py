"""The cheap checks made before any row is read: file types, headers, columns, output."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from clemency.errors import RosterError
from clemency.screening.columns import FactColumn
from clemency.screening.roster import check_columns, check_output, open_roster

COLUMNS = (FactColumn("release_date", "date"), FactColumn("is_in_custody", "bool"))


def test_csv_header_is_read_without_sniffing_types(tmp_path: Path) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text("\ufeffperson_id, release_date ,is_in_custody\n1,2020-01-01,true\n")
    assert open_roster(roster).column_types == {
        "person_id": "VARCHAR",
        "release_date": "VARCHAR",
        "is_in_custody": "VARCHAR",
    }


def test_parquet_native_types_are_kept(tmp_path: Path) -> None:
    roster = tmp_path / "r.parquet"
    duckdb.sql(
        f"COPY (SELECT 'a' AS person_id, DATE '2020-01-01' AS release_date, true AS is_in_custody) "
        f"TO '{roster}' (FORMAT parquet)"
    )
    types = open_roster(roster).column_types
    assert types == {"person_id": "VARCHAR", "release_date": "DATE", "is_in_custody": "BOOLEAN"}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("r.xlsx", "x", "unknown file type .xlsx"),
        ("r.csv", "", "is empty"),
        ("r.csv", "person_id,a,a\n", "duplicated column(s) a"),
        ("r.parquet", "not parquet", "not a readable Parquet file"),
    ],
)
def test_unusable_rosters_are_refused_with_the_reason(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    roster = tmp_path / name
    roster.write_text(content)
    with pytest.raises(RosterError, match=re.escape(message)):
        open_roster(roster)


def test_a_roster_that_does_not_exist_is_named(tmp_path: Path) -> None:
    with pytest.raises(RosterError, match=re.escape("nowhere.csv does not exist")):
        open_roster(tmp_path / "nowhere.csv")


def test_missing_columns_are_listed_or_allowed(tmp_path: Path) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text("person_id,is_in_custody\n")
    checked = open_roster(roster)
    with pytest.raises(RosterError, match="lacks column\\(s\\) release_date that ruleset X needs"):
        check_columns(checked, COLUMNS, "X", allow_missing=False)
    assert check_columns(checked, COLUMNS, "X", allow_missing=True) == ["release_date"]


def test_output_may_not_overwrite_the_roster_or_go_nowhere(tmp_path: Path) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text("person_id\n")
    with pytest.raises(RosterError, match="is the roster itself"):
        check_output(roster, roster)
    with pytest.raises(RosterError, match="does not exist; create it first"):
        check_output(tmp_path / "missing" / "out.csv", roster)
    assert check_output(tmp_path / "out.PARQUET", roster) == "parquet"
