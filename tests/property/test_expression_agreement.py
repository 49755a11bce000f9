"""Every operator and function of the condition language agrees between Python and SQL.

The shipped rulesets do not use every function in a compiled (required) rule, so Hypothesis
also writes random well-typed expressions over a few facts, with missing values, and checks
each value Python computes against the SQL the compiler emits for it, on every backend.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from clemency.eligibility import expr
from clemency.eligibility.sql import _Compiler
from clemency.errors import FactsError
from tests.property.profiles import EXAMPLES
from tests.property.sql_backends import Backend, _sqlite_cell

AS_OF = date(2020, 2, 29)
DATE_FACTS = ["release_date", "custody_start_date", "date_of_birth"]
INT_FACTS = ["sentence_months", "prior_convictions_count"]
BOOL_FACTS = ["is_in_custody", "on_supervision"]
COLUMNS = {
    **dict.fromkeys(DATE_FACTS, "DATE"),
    **dict.fromkeys(INT_FACTS, "INTEGER"),
    **dict.fromkeys(BOOL_FACTS, "BOOLEAN"),
    "offense_level": "VARCHAR",
}
DAYS = ["2000-02-29", "2019-01-31", "2020-02-29", "2021-02-28", "1996-10-31", "2018-06-06"]


def small_int(depth: int) -> st.SearchStrategy[str]:
    leaf = st.one_of(
        st.integers(-13, 40).map(str),
        st.sampled_from(["prior_convictions_count", "sentence_months"]),
    )
    if depth <= 0:
        return leaf
    return st.one_of(leaf, st.builds(lambda a, b: f"({a} - {b})", leaf, leaf))


def ints(depth: int) -> st.SearchStrategy[str]:
    leaf = small_int(0)
    if depth <= 0:
        return leaf
    d = dates(depth - 1)
    return st.one_of(
        leaf,
        st.builds(lambda a, b: f"years_between({a}, {b})", d, d),
        st.builds(lambda a, b: f"months_between({a}, {b})", d, d),
        st.builds(lambda a, b: f"days_between({a}, {b})", d, d),
        st.builds(lambda a, b: f"age_on({a}, {b})", d, d),
        st.builds(lambda a, b: f"({a} + {b})", ints(depth - 1), ints(depth - 1)),
        st.builds(lambda a, k: f"({a} * {k})", ints(depth - 1), st.integers(-3, 12)),
        st.builds(lambda a: f"-({a})", ints(depth - 1)),
        st.builds(lambda c, a, b: f"if({c}, {a}, {b})", bools(0), ints(depth - 1), ints(depth - 1)),
    )


def dates(depth: int) -> st.SearchStrategy[str]:
    leaf = st.one_of(
        st.sampled_from([*DATE_FACTS, "as_of"]), st.sampled_from(DAYS).map(lambda d: f"date('{d}')")
    )
    if depth <= 0:
        return leaf
    sub = dates(depth - 1)
    return st.one_of(
        leaf,
        st.builds(lambda d, n: f"add_years({d}, {n})", sub, small_int(1)),
        st.builds(lambda d, n: f"add_months({d}, {n})", sub, small_int(1)),
        st.builds(lambda d, n: f"add_days({d}, {n})", sub, small_int(1)),
        st.builds(lambda a, b: f"later({a}, {b})", sub, sub),
        st.builds(lambda c, a, b: f"if({c}, {a}, {b})", bools(0), sub, sub),
    )


def bools(depth: int) -> st.SearchStrategy[str]:
    leaf = st.one_of(
        st.sampled_from([*BOOL_FACTS, "true", "false"]),
        st.sampled_from(
            [
                "offense_level == 'felony'",
                "offense_level in ['misdemeanor']",
                "offense_level not in ['felony', 'misdemeanor']",
            ]
        ),
    )
    if depth <= 0:
        return leaf
    ops = st.sampled_from(["==", "!=", "<", "<=", ">", ">="])
    return st.one_of(
        leaf,
        st.builds(lambda a, op, b: f"{a} {op} {b}", ints(depth - 1), ops, ints(depth - 1)),
        st.builds(lambda a, op, b: f"{a} {op} {b}", dates(depth - 1), ops, dates(depth - 1)),
        st.builds(lambda a: f"not ({a})", bools(depth - 1)),
        st.builds(lambda a, b: f"({a} and {b})", bools(depth - 1), bools(depth - 1)),
        st.builds(lambda a, b: f"({a} or {b})", bools(depth - 1), bools(depth - 1)),
    )


def fact_rows() -> st.SearchStrategy[list[dict[str, Any]]]:
    some_date = st.one_of(
        st.none(),
        st.sampled_from([date.fromisoformat(d) for d in DAYS]),
        st.dates(date(1950, 1, 1), date(2030, 12, 31)),
    )
    row = st.fixed_dictionaries(
        {
            **dict.fromkeys(DATE_FACTS, some_date),
            **dict.fromkeys(INT_FACTS, st.one_of(st.none(), st.integers(-5, 400))),
            **dict.fromkeys(BOOL_FACTS, st.one_of(st.none(), st.booleans())),
            "offense_level": st.one_of(st.none(), st.sampled_from(["felony", "misdemeanor"])),
        }
    )
    return st.lists(row, min_size=1, max_size=5)


def normal(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "bool":
        return bool(value)
    if kind == "date":
        return value if isinstance(value, str) else value.isoformat()
    return int(value)


def sql_values(backend: Backend, source: str, rows: list[dict[str, Any]]) -> list[Any]:
    node = expr.parse(source)
    expr.check(node, {})
    dialect = backend.name
    select = f"SELECT {_Compiler(dialect, AS_OF).node(node, {}).sql(dialect=dialect)} AS v FROM roster ORDER BY rn"
    names = ["rn", *COLUMNS]
    conn: Any = backend.conn  # type: ignore[attr-defined]
    if dialect == "postgres":
        with conn.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS pg_temp.roster")
            cur.execute(
                "CREATE TEMP TABLE roster (rn INTEGER, "
                + ", ".join(f"{c} {t}" for c, t in COLUMNS.items())
                + ")"
            )
            cur.executemany(
                f"INSERT INTO roster VALUES (%s, {', '.join(f'%s::{t}' for t in COLUMNS.values())})",
                [[i, *(row[c] for c in COLUMNS)] for i, row in enumerate(rows)],
            )
            cur.execute(select)
            return [r[0] for r in cur.fetchall()]
    conn.execute("DROP TABLE IF EXISTS roster")
    sqlite_types = {"DATE": "TEXT", "BOOLEAN": "INTEGER", "INTEGER": "INTEGER", "VARCHAR": "TEXT"}
    types = {c: sqlite_types[t] for c, t in COLUMNS.items()} if dialect == "sqlite" else COLUMNS
    conn.execute(
        "CREATE TABLE roster (rn INTEGER, " + ", ".join(f"{c} {t}" for c, t in types.items()) + ")"
    )
    cell = _sqlite_cell if dialect == "sqlite" else (lambda v: v)
    conn.executemany(
        f"INSERT INTO roster VALUES ({', '.join('?' for _ in names)})",
        [[i, *(cell(row[c]) for c in COLUMNS)] for i, row in enumerate(rows)],
    )
    return [r[0] for r in conn.execute(select).fetchall()]


@settings(
    max_examples=5 * EXAMPLES,  # per backend: cheap examples, and every operator and function
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(source=st.one_of(bools(2), ints(2), dates(2)), rows=fact_rows())
def test_python_and_sql_compute_the_same_value(
    backend: Backend, source: str, rows: list[dict[str, Any]]
) -> None:
    node = expr.parse(source)
    kind = expr.check(node, {})
    try:
        want = [normal(expr.evaluate(node, row, {}, AS_OF), kind) for row in rows]
    except FactsError:  # date arithmetic outside years 1-9999: refused in Python, not compared
        assume(False)
    got = [normal(value, kind) for value in sql_values(backend, source, rows)]
    assert got == want, source
