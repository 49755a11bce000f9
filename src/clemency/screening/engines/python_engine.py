"""The reference engine: every row evaluated by the same evaluator as ``clemency check``.

It is slow (one Python call per person) but it is the definition the SQL engines are held to.
The roster is streamed in batches with pyarrow and the result written batch by batch, so
memory stays bounded here too.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from clemency.errors import RosterError
from clemency.screening.columns import (
    ID_COLUMN,
    RESULT_COLUMNS,
    native_to_text,
    parse_row,
    person_id_reason,
)
from clemency.screening.job import Job, atomic_output, result_schema

BATCH_ROWS = 10_000
CSV_BLOCK_BYTES = 1 << 20

RESULT_SCHEMA = result_schema()


def batches(job: Job) -> Iterator[tuple[pa.RecordBatch, float]]:
    """The roster's needed columns, batch by batch (CSV cells all as text), with the
    fraction of the roster read so far (rows for Parquet, bytes for CSV)."""
    wanted = [c for c in job.roster.column_types if c in job.roster.present(job.columns)]
    path = job.roster.path
    try:
        if job.roster.format == "parquet":
            parquet = pq.ParquetFile(path)
            total, done = max(parquet.metadata.num_rows, 1), 0
            for batch in parquet.iter_batches(batch_size=BATCH_ROWS, columns=wanted):
                done += batch.num_rows
                yield batch, done / total
            return
        size = max(path.stat().st_size, 1)
        with path.open("rb") as handle:
            reader = pacsv.open_csv(
                handle,
                read_options=pacsv.ReadOptions(block_size=CSV_BLOCK_BYTES),
                parse_options=pacsv.ParseOptions(newlines_in_values=True),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(job.roster.column_types, pa.string()),
                    include_columns=wanted,
                    strings_can_be_null=False,
                ),
            )
            for batch in reader:
                yield batch, min(handle.tell() / size, 1.0)
    except (pa.ArrowInvalid, OSError) as error:
        raise RosterError(
            f"roster {path} could not be screened, nothing was written: {error}"
        ) from error


def screen_row(job: Job, cells: dict[str, Any]) -> dict[str, Any]:
    """One result row: ``invalid`` with the reason, else the reference determination."""
    from clemency.eligibility import evaluate

    raw_id = cells.get(ID_COLUMN)
    person_id = native_to_text(raw_id) or ""
    facts, fact_reasons = parse_row(job.columns, cells)
    reason = "; ".join(r for r in (person_id_reason(raw_id), fact_reasons) if r)
    if reason:
        return {
            "person_id": person_id,
            "outcome": "invalid",
            "eligible_on": None,
            "failed_rules": "",
            "unknown_rules": "",
            "missing_facts": "",
            "invalid_reason": reason,
        }
    facts[ID_COLUMN] = person_id
    row = dict(evaluate(job.ruleset, facts, job.as_of).as_row())
    row["person_id"] = person_id
    row["eligible_on"] = _as_date(row.get("eligible_on"))
    row["invalid_reason"] = ""
    return {name: row.get(name) for name in RESULT_COLUMNS}


def _as_date(value: object) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def run(job: Job) -> None:
    with atomic_output(job.out) as partial:
        parquet = partial if job.out_format == "parquet" else partial.with_suffix(".parquet")
        writer = pq.ParquetWriter(parquet, RESULT_SCHEMA, compression="zstd")
        try:
            for batch, fraction in batches(job):
                rows = [screen_row(job, cells) for cells in batch.to_pylist()]
                writer.write_batch(pa.RecordBatch.from_pylist(rows, schema=RESULT_SCHEMA))
                job.progress(fraction)
        finally:
            writer.close()
        if parquet != partial:
            _to_csv(parquet, partial)
    job.progress(1.0)


def _to_csv(parquet: Path, csv: Path) -> None:
    """Write CSV exactly as the DuckDB engine does (same quoting of empty texts)."""
    from clemency.screening.columns import csv_result_select
    from clemency.screening.duckdb_connection import connect, copy_options
    from clemency.screening.sql_typing import quote_text

    con = connect()
    try:
        select = csv_result_select(f"SELECT * FROM read_parquet({quote_text(str(parquet))})")
        con.execute(f"COPY ({select}) TO {quote_text(str(csv))} ({copy_options('csv')})")
    finally:
        con.close()
        parquet.unlink()
