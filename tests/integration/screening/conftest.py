"""Shared rosters and the Spark session for the screening tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from clemency.screening.synthetic import write_roster

AS_OF = date(2024, 2, 29)
"""A leap day: waiting periods measured from it land on 28 February or 1 March."""
INITIATIVE_AS_OF = date(2016, 2, 29)
"""Inside the 2014 Clemency Initiative, whose rules fail outside 2014-04-23..2017-01-19."""
AGREEMENT_ROWS = 10_000


@pytest.fixture(scope="session")
def dirty_roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """10,000 generated rows as CSV: missing cells, invalid values, boundary and leap days."""
    path = tmp_path_factory.mktemp("rosters") / "roster.csv"
    return write_roster(path, AGREEMENT_ROWS, (AS_OF, INITIATIVE_AS_OF), dirty=True)


@pytest.fixture(scope="session")
def small_roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rosters") / "small.csv"
    return write_roster(path, 600, (AS_OF, INITIATIVE_AS_OF), dirty=True, seed=7)


def differences(left: Path, right: Path) -> list[tuple[Any, ...]]:
    """Rows in one result file and not the other (either way), read back with DuckDB."""
    a, b = f"'{left}'", f"'{right}'"
    # CSV cannot tell an empty text from a missing one: compare texts with NULL read as ''.
    texts = ("failed_rules", "unknown_rules", "missing_facts", "invalid_reason")
    rel = (
        "SELECT coalesce(CAST(person_id AS VARCHAR), '') AS person_id, outcome, "
        "CAST(eligible_on AS DATE) AS eligible_on, "
        + ", ".join(f"coalesce({t}, '') AS {t}" for t in texts)
        + " FROM "
    )
    reader = "read_parquet" if left.suffix == ".parquet" else "read_csv"
    reader_b = "read_parquet" if right.suffix == ".parquet" else "read_csv"
    a += ", all_varchar = true" if reader == "read_csv" else ""
    b += ", all_varchar = true" if reader_b == "read_csv" else ""
    con = duckdb.connect()
    query = (
        f"(({rel}{reader}({a})) EXCEPT ALL ({rel}{reader_b}({b}))) UNION ALL "
        f"(({rel}{reader_b}({b})) EXCEPT ALL ({rel}{reader}({a})))"
    )
    return con.sql(f"SELECT * FROM ({query}) LIMIT 20").fetchall()
