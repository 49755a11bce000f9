"""The summary is counted from the result file, whichever engine wrote it."""

from __future__ import annotations

from pathlib import Path

import duckdb

from clemency.screening.summary import RuleCount, summarize

ROWS = """
('A', 'ineligible', 'r.wait', '', ''),
('B', 'ineligible', 'r.wait;r.court', '', ''),
('C', 'ineligible', 'r.court', '', ''),
('D', 'needs_review', '', 'release_date;on_supervision', ''),
('E', 'needs_review', '', 'release_date', ''),
('F', 'eligible', '', '', ''),
('G', 'invalid', '', '', 'release_date="x" is not a date (YYYY-MM-DD); is_in_custody="2" is not true or false'),
('', 'invalid', '', '', 'person_id is empty')
"""


def write(path: Path) -> Path:
    duckdb.sql(
        "COPY (SELECT person_id, outcome, CAST(NULL AS DATE) AS eligible_on, failed_rules, "
        "'' AS unknown_rules, missing_facts, invalid_reason FROM (VALUES "
        + ROWS
        + ") AS v(person_id, outcome, failed_rules, missing_facts, invalid_reason)) "
        f"TO '{path}' ({'FORMAT parquet' if path.suffix == '.parquet' else 'FORMAT csv, HEADER true'})"
    )
    return path


def test_counts_rules_missing_facts_and_invalid_columns(tmp_path: Path) -> None:
    for name in ("r.parquet", "r.csv"):
        summary = summarize(write(tmp_path / name))
        assert summary.rows == 8
        assert summary.outcomes == {"ineligible": 3, "needs_review": 2, "eligible": 1, "invalid": 2}
        assert summary.top_failed_rules == [RuleCount("r.court", 2, 1), RuleCount("r.wait", 2, 1)]
        assert summary.top_missing_facts == [("release_date", 2), ("on_supervision", 1)]
        assert dict(summary.invalid_columns) == {
            "release_date": 1,
            "is_in_custody": 1,
            "person_id is empty": 1,
        }
        text = "\n".join(summary.lines())
        assert "r.court: 2; 1" in text
        assert "invalid                 2   25.0%" in text
