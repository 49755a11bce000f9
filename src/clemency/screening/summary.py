"""What a run found, read back from the result file (a cheap second pass, never a re-run).

Counting from the written file means the summary describes exactly what was stored, whichever
engine wrote it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from clemency.screening.columns import OUTCOMES, csv_result_read
from clemency.screening.sql_typing import quote_text

TOP = 10


@dataclass
class RuleCount:
    """How many people a rule screened out, and for how many it was the only failing rule."""

    rule: str
    people: int
    only_reason: int


@dataclass
class Summary:
    rows: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    top_failed_rules: list[RuleCount] = field(default_factory=list)
    top_missing_facts: list[tuple[str, int]] = field(default_factory=list)
    invalid_columns: list[tuple[str, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def lines(self) -> list[str]:
        """The summary as plain lines of text for the terminal."""
        out = [f"{self.rows:,} rows screened"]
        for outcome in OUTCOMES:
            count = self.outcomes.get(outcome, 0)
            share = f"{100 * count / self.rows:5.1f}%" if self.rows else "    -"
            out.append(f"  {outcome:<13}{count:>12,}  {share}")
        if self.top_failed_rules:
            out.append("Rules that screen out the most people (people; as the only failing rule):")
            out += [f"  {r.rule}: {r.people:,}; {r.only_reason:,}" for r in self.top_failed_rules]
        if self.top_missing_facts:
            out.append("Most common missing facts (people):")
            out += [f"  {name}: {count:,}" for name, count in self.top_missing_facts]
        if self.invalid_columns:
            out.append("Invalid values by column (rows):")
            out += [f"  {name}: {count:,}" for name, count in self.invalid_columns]
        return out


def result_relation(path: Path) -> str:
    """A DuckDB table function over a result file of either format."""
    if path.suffix.lower() in {".parquet", ".pq"}:
        return f"read_parquet({quote_text(str(path))})"
    return csv_result_read(
        f"read_csv({quote_text(str(path))}, header = true, all_varchar = true, "
        "delim = ',', quote = '\"', escape = '\"')"
    )


def summarize(path: Path, con: duckdb.DuckDBPyConnection | None = None) -> Summary:
    """Counts by outcome, the top screening-out rules, missing facts and invalid columns.

    The rows are grouped once by outcome, failed rules and missing facts (a few hundred
    groups), and the outcome, rule and fact counts are taken from those groups, weighted by
    their sizes; the invalid reasons, rare and all different, are counted apart.
    """
    con = con or duckdb.connect(config={"threads": 2, "memory_limit": "512MB"})
    rel = result_relation(path)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE summary_groups AS SELECT outcome, failed_rules, "
        f"missing_facts, count(*) AS n FROM {rel} GROUP BY ALL"
    )
    try:
        summary = _counts(con, "summary_groups")
    finally:
        con.execute("DROP TABLE summary_groups")
    summary.invalid_columns = _top(
        con,
        "SELECT regexp_extract(part, '^[^=]*') AS part, 1 AS n FROM ("
        f"SELECT unnest(string_split(invalid_reason, '; ')) AS part FROM {rel} "
        "WHERE coalesce(invalid_reason, '') <> '')",
    )
    return summary


def _counts(con: duckdb.DuckDBPyConnection, groups: str) -> Summary:
    summary = Summary()
    for outcome, count in con.sql(f"SELECT outcome, sum(n) FROM {groups} GROUP BY 1").fetchall():
        summary.outcomes[str(outcome)] = int(count)
    summary.rows = sum(summary.outcomes.values())
    summary.top_failed_rules = [
        RuleCount(str(rule), int(people), int(only))
        for rule, people, only in con.sql(
            "SELECT rule, sum(n), coalesce(sum(n) FILTER (WHERE k = 1), 0) FROM ("
            "SELECT unnest(string_split(failed_rules, ';')) AS rule, "
            "len(string_split(failed_rules, ';')) AS k, n "
            f"FROM {groups} WHERE coalesce(failed_rules, '') <> '') "
            f"GROUP BY rule ORDER BY 2 DESC, rule LIMIT {TOP}"
        ).fetchall()
    ]
    summary.top_missing_facts = _top(
        con,
        f"SELECT unnest(string_split(missing_facts, ';')) AS part, n FROM {groups} "
        "WHERE coalesce(missing_facts, '') <> ''",
    )
    return summary


def _top(con: duckdb.DuckDBPyConnection, parts: str) -> list[tuple[str, int]]:
    """The ``TOP`` most frequent ``part``s of ``parts`` (a relation of ``part`` and its
    weight ``n``)."""
    return [
        (str(name), int(count))
        for name, count in con.sql(
            f"SELECT part, sum(n) FROM ({parts}) GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {TOP}"
        ).fetchall()
    ]
