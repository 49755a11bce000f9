"""The roster cell convention is the same in Python and in the SQL of every dialect.

The Python parser (used by the reference engine) and the DuckDB typing SELECT must accept and
refuse exactly the same cells with exactly the same reasons, or the engines would disagree on
which rows are ``invalid``.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clemency.eligibility import FACTS, Ruleset, compile_ruleset, load_ruleset
from clemency.screening.columns import FactColumn, parse_row
from clemency.screening.sql_typing import SQL_TYPES, mark_invalid, typing_select

COLUMNS = (
    FactColumn("d", "date"),
    FactColumn("b", "bool"),
    FactColumn("n", "int"),
    FactColumn("e", "enum", ("felony", "misdemeanor")),
    FactColumn("s", "string"),
)

TRICKY = [
    None,
    "",
    "  ",
    " 2020-02-29 ",
    "2021-02-29",
    "2020-2-3",
    "20200203",
    "0000-01-01",
    "9999-12-31",
    "true",
    "TRUE",
    " False",
    "yes",
    "Y",
    "0",
    "1",
    "2",
    "maybe",
    "12",
    "+12",
    "-3",
    "12.5",
    "1_000",
    "٣",
    "999999999999999999",
    "9999999999999999999",
    "felony",
    "Felony",
    " misdemeanor ",
    "x" * 60,
    "2020-02-30",
    "2020-W01-1",
    "\ttrue",
    "\xa0",
    "\xa0true",
    "\u2003",
    " 7 ",
    "😀" * 45,
]


def sql_rows(cells: list[str | None]) -> list[tuple[object, ...]]:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE raw (person_id VARCHAR, d VARCHAR, b VARCHAR, n VARCHAR, e VARCHAR, s VARCHAR)"
    )
    con.executemany(
        "INSERT INTO raw VALUES (?, ?, ?, ?, ?, ?)",
        [[f"p{i}", c, c, c, c, c] for i, c in enumerate(cells)],
    )
    types = {name: "VARCHAR" for name in ("person_id", "d", "b", "n", "e", "s")}
    sql = typing_select(COLUMNS, types, "raw", "duckdb")
    return con.sql(
        f"SELECT * FROM ({sql}) ORDER BY CAST(substr(person_id, 2) AS INTEGER)"
    ).fetchall()


def python_rows(cells: list[str | None]) -> list[tuple[object, ...]]:
    out = []
    for i, cell in enumerate(cells):
        facts, reason = parse_row(COLUMNS, {c.name: cell for c in COLUMNS})
        out.append((f"p{i}", *(facts.get(c.name) for c in COLUMNS), reason))
    return out


def test_tricky_cells_are_typed_alike_in_python_and_duckdb() -> None:
    assert sql_rows(TRICKY) == python_rows(TRICKY)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.text(max_size=12), st.sampled_from(TRICKY)), min_size=1, max_size=30
    )
)
def test_any_cells_are_typed_alike_in_python_and_duckdb(cells: list[str | None]) -> None:
    cells = [c.replace("\x00", "") if c else c for c in cells]
    assert sql_rows(cells) == python_rows(cells)


def test_a_leap_day_is_a_date_only_in_a_leap_year() -> None:
    column = FactColumn("release_date", "date")
    assert column.parse("2020-02-29") == (date(2020, 2, 29), None)
    assert column.parse("2021-02-29") == (
        None,
        'release_date="2021-02-29" is not a date (YYYY-MM-DD)',
    )


@pytest.mark.parametrize(("text", "expected"), [("", None), ("  ", None), (None, None)])
def test_empty_cells_are_unknown_not_invalid(text: str | None, expected: object) -> None:
    assert FactColumn("is_in_custody", "bool").parse(text) == (expected, None)


def test_reason_names_column_value_and_expected_values() -> None:
    _, reason = parse_row(COLUMNS, {"e": "Felony", "n": "12.5"})
    assert reason == (
        'n="12.5" is not a whole number; e="Felony" is not one of felony, misdemeanor'
    )


@pytest.fixture(scope="module")
def federal() -> Ruleset:
    return load_ruleset("us-federal/commutation")


@pytest.mark.parametrize("person_id", ["P1", "", "a:b:c", "12:x", "😀:", "x" * 300, "3:abc"])
def test_the_reason_travels_beside_person_id_through_the_compiled_rules(
    person_id: str, federal: Ruleset
) -> None:
    """Whatever the id and the reason hold, both come out exactly; a reason makes the row invalid."""
    con = duckdb.connect()
    facts = ", ".join(
        f"{name} {SQL_TYPES[FACTS[name].type]}" for name in sorted(FACTS) if name != "person_id"
    )
    con.execute(f"CREATE TABLE roster (person_id VARCHAR, {facts}, invalid_reason VARCHAR)")
    reasons = ["", 'd="2021-02-29" is not a date (YYYY-MM-DD)', "😀:9:", "person_id is empty"]
    con.executemany(
        "INSERT INTO roster (person_id, invalid_reason) VALUES (?, ?)",
        [[person_id, r] for r in reasons],
    )
    compiled = compile_ruleset(
        federal, date(2024, 2, 29), "duckdb", source="roster", passthrough=("invalid_reason",)
    )
    got = con.sql(
        f"SELECT person_id, outcome, failed_rules, invalid_reason FROM ({mark_invalid(compiled)})"
    ).fetchall()
    # every fact unknown: the valid row needs review, the others are invalid with no rule listed
    assert sorted(got, key=lambda r: r[3]) == sorted(
        [(person_id, "needs_review" if r == "" else "invalid", "", r) for r in reasons],
        key=lambda r: r[3],
    )
