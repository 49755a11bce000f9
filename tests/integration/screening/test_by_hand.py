"""The benchmark's yardstick is a fair one: the hand-written DuckDB query of
``benchmarks/screening_by_hand.sql`` gives, row for row, what ``clemency screen`` gives.

benchmarks/screening.py compares the engine's CPU time with that query's; the comparison only
means something while both write the same result. The roster here is the benchmark's kind
(synthetic Parquet, native booleans and dates, text court) with some empty ids and bad or
padded court names mixed in, so the invalid path is compared too.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from clemency.screening import service
from clemency.screening.synthetic import write_roster
from tests.integration.screening.conftest import AS_OF, differences

BY_HAND = Path(__file__).resolve().parents[3] / "benchmarks" / "screening_by_hand.sql"

# Every 37th row loses its id (NULL or spaces); every 23rd court is misspelt, every 29th padded;
# one row in 13 is a capital case whose 30-day window closed the day before as_of, closes on
# it or the day after.
MIXED = """
SELECT * REPLACE (
    CASE WHEN hash(person_id) % 37 = 0 THEN NULL
         WHEN hash(person_id) % 37 = 1 THEN '  '
         ELSE person_id END AS person_id,
    CASE WHEN hash(person_id, 1) % 23 = 0 THEN 'Federal'
         WHEN hash(person_id, 1) % 29 = 0 THEN ' ' || conviction_court || ' '
         ELSE conviction_court END AS conviction_court,
    CASE WHEN hash(person_id, 2) % 13 = 0 THEN TRUE ELSE is_capital_case END AS is_capital_case,
    CASE WHEN hash(person_id, 2) % 13 = 0 THEN TRUE ELSE execution_date_set END
        AS execution_date_set,
    CASE WHEN hash(person_id, 2) % 13 = 0
         THEN DATE '2024-01-29' + CAST(hash(person_id, 3) % 3 AS INTEGER)
         ELSE execution_notice_date END AS execution_notice_date
) FROM read_parquet('{clean}')
"""


def test_the_hand_written_query_writes_what_the_engine_writes(tmp_path: Path) -> None:
    clean = write_roster(tmp_path / "clean.parquet", 4_000, AS_OF)
    roster = tmp_path / "roster.parquet"
    con = duckdb.connect()
    con.execute(f"COPY ({MIXED.format(clean=clean)}) TO '{roster}' (FORMAT parquet)")

    engine = service.screen(
        roster, service.load("us-federal/commutation"), AS_OF, tmp_path / "e.parquet"
    )
    by_hand = tmp_path / "h.parquet"
    con.execute(f"CREATE VIEW roster AS SELECT * FROM read_parquet('{roster}')")
    con.execute(f"COPY ({BY_HAND.read_text(encoding='utf-8')}) TO '{by_hand}' (FORMAT parquet)")

    assert differences(engine.out, by_hand) == []
    schema = "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))"
    assert (
        con.execute(schema, [str(by_hand)]).fetchall()
        == con.execute(schema, [str(engine.out)]).fetchall()
    )
    # the comparison covers every outcome, invalid rows of both kinds and missing facts
    assert set(engine.summary.outcomes) == {"eligible", "needs_review", "ineligible", "invalid"}
    assert {name for name, _ in engine.summary.invalid_columns} == {
        "person_id is empty",
        "conviction_court",
    }
    assert engine.summary.top_missing_facts
