"""Policy comparison: how many people change outcome between two screenings of one roster.

Rows are matched by ``person_id``. A ``person_id`` that is empty or appears more than once in
either result cannot be matched reliably, so such rows are counted apart, not guessed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from clemency.screening.summary import result_relation


@dataclass
class Comparison:
    """Outcome changes between a baseline (``before``) and an alternative (``after``)."""

    baseline: str
    alternative: str
    matched: int = 0
    changed: int = 0
    transitions: dict[str, int] = field(default_factory=dict)
    """``"eligible -> ineligible": 12`` for every pair of different outcomes that occurs."""
    eligible_on_changed: int = 0
    unmatched: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def lines(self) -> list[str]:
        out = [
            f"Comparison: {self.baseline} (baseline) versus {self.alternative}",
            f"  {self.changed:,} of {self.matched:,} people change outcome",
        ]
        out += [f"    {pair}: {count:,}" for pair, count in self.transitions.items()]
        out.append(f"  {self.eligible_on_changed:,} keep their outcome but get another eligible_on")
        if self.unmatched:
            out.append(
                f"  {self.unmatched:,} rows left out: empty or repeated person_id in the roster"
            )
        return out


def compare(baseline: Path, alternative: Path, labels: tuple[str, str]) -> Comparison:
    con = duckdb.connect(config={"threads": 2, "memory_limit": "1GB"})
    con.execute("SET preserve_insertion_order = false")
    a, b = result_relation(baseline), result_relation(alternative)
    con.execute(
        "CREATE TEMP VIEW a AS SELECT person_id, outcome, CAST(eligible_on AS DATE) AS eligible_on, "
        f"count(*) OVER (PARTITION BY person_id) AS n FROM {a}"
    )
    con.execute(
        "CREATE TEMP VIEW b AS SELECT person_id, outcome, CAST(eligible_on AS DATE) AS eligible_on, "
        f"count(*) OVER (PARTITION BY person_id) AS n FROM {b}"
    )
    result = Comparison(baseline=labels[0], alternative=labels[1])
    rows = con.sql(
        "SELECT a.outcome, b.outcome, count(*), "
        "count(*) FILTER (WHERE a.eligible_on IS DISTINCT FROM b.eligible_on) "
        "FROM a JOIN b USING (person_id) "
        "WHERE a.n = 1 AND b.n = 1 AND coalesce(person_id, '') <> '' "
        "GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2"
    ).fetchall()
    for before, after, count, dates_changed in rows:
        result.matched += int(count)
        if before == after:
            result.eligible_on_changed += int(dates_changed)
        else:
            result.changed += int(count)
            result.transitions[f"{before} -> {after}"] = int(count)
    ((total,),) = con.sql(f"SELECT count(*) FROM {a}").fetchall()
    result.unmatched = int(total) - result.matched
    con.close()
    return result
