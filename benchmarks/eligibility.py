"""Rules engine throughput: compiled SQL on DuckDB versus the per-row Python evaluator.

Prints rows per second for each shipped ruleset: the compiled query over an in-memory roster,
a plain copy of the same roster (the engine's own limit), and on a sample the Python fast path
(``screen_row``) and the full explained ``evaluate``, with the ratios. Not a test: run it to see the figures.

    .venv/bin/python benchmarks/eligibility.py --rows 1000000
"""

from __future__ import annotations

import argparse
import time
from datetime import date

import duckdb

from clemency.eligibility import FACTS, compile_ruleset, evaluate, list_rulesets, screen_row

AS_OF = date(2019, 1, 1)


def column(name: str) -> str:
    """A synthetic column with every seventh/eleventh value missing and varied dates."""
    spec = FACTS[name]
    if spec.type == "date":
        return (
            "CASE WHEN i % 7 = 0 THEN NULL ELSE DATE '1990-01-01' + CAST(i % 12000 AS INTEGER) END"
        )
    if spec.type == "bool":
        return "CASE WHEN i % 11 = 0 THEN NULL ELSE (i % 3 = 0) END"
    if spec.type == "int":
        return "CAST(i % 200 AS INTEGER)"
    if spec.type == "enum":
        values = "', '".join(spec.values or ())
        return f"['{values}'][1 + CAST(i % {len(spec.values or ())} AS INTEGER)]"
    return "['us-federal', 'us-ny', 'us-ga', 'us-ok'][1 + CAST(i % 4 AS INTEGER)]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000, help="rows for the Python evaluator")
    args = parser.parse_args()
    con = duckdb.connect()
    print(
        f"{'ruleset':<38} {'sql rows/s':>12} {'copy rows/s':>12} {'python rows/s':>14} {'copy/sql':>9} {'sql/python':>11}"
    )
    for ruleset in list_rulesets():
        facts = ruleset.facts_used()
        select = ", ".join(f"{column(name)} AS {name}" for name in facts)
        con.execute(
            f"CREATE OR REPLACE TABLE roster AS SELECT CAST(i AS VARCHAR) AS person_id, {select} "
            f"FROM range({args.rows}) t(i)"
        )
        query = compile_ruleset(ruleset, AS_OF, "duckdb")
        start = time.perf_counter()
        con.execute(f"CREATE OR REPLACE TABLE result AS {query}")
        sql_rate = args.rows / (time.perf_counter() - start)
        start = time.perf_counter()
        con.execute("CREATE OR REPLACE TABLE copied AS SELECT * FROM roster")
        copy_rate = args.rows / (time.perf_counter() - start)
        cursor = con.execute(f"SELECT * FROM roster LIMIT {args.sample}")
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
        start = time.perf_counter()
        for row in rows:
            evaluate(ruleset, row, AS_OF)
        explained_rate = len(rows) / (time.perf_counter() - start)
        start = time.perf_counter()
        for row in rows:
            screen_row(ruleset, row, AS_OF)
        python_rate = len(rows) / (time.perf_counter() - start)
        print(
            f"{ruleset.id:<38} {sql_rate:>12,.0f} {copy_rate:>12,.0f} {python_rate:>14,.0f} "
            f"{explained_rate:>12,.0f} "
            f"{copy_rate / sql_rate:>8.1f}x {sql_rate / python_rate:>10.0f}x"
        )


if __name__ == "__main__":
    main()
