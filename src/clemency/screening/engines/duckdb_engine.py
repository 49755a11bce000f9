"""The default engine: the ruleset compiled to DuckDB SQL, streamed from roster to result.

One ``COPY (SELECT …) TO …`` statement reads the roster, types it (invalid rows get their
reason), applies the compiled rules and writes the result, so DuckDB streams it in row groups
with a fixed memory limit: nothing is loaded whole, whatever the roster size.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

import duckdb

from clemency.errors import RosterError
from clemency.screening.columns import csv_result_select
from clemency.screening.compiled import compiled_sql
from clemency.screening.duckdb_connection import connect, copy_options
from clemency.screening.job import Job, atomic_output
from clemency.screening.roster import duckdb_source
from clemency.screening.sql_typing import mark_invalid, quote_text, typing_select

PROGRESS_POLL_SECONDS = 0.2


def result_query(job: Job) -> list[str]:
    """The statement defining the view ``roster`` (typed, with ``invalid_reason``) and the SELECT."""
    source = duckdb_source(job.roster.path, job.roster.format)
    typed = typing_select(job.columns, job.roster.present(job.columns), source, "duckdb")
    compiled = compiled_sql(
        job.ruleset, job.as_of, "duckdb", source="roster", passthrough=("invalid_reason",)
    )
    return [f"CREATE OR REPLACE TEMP VIEW roster AS {typed}", mark_invalid(compiled)]


def run(job: Job) -> None:
    with tempfile.TemporaryDirectory(prefix="clemency-duckdb-") as spill:
        con = connect(Path(spill))
        try:
            *views, select = result_query(job)
            if job.out_format == "csv":
                select = csv_result_select(select)
            for statement in views:
                con.execute(statement)
            with atomic_output(job.out) as partial:
                copy = f"COPY ({select}) TO {quote_text(str(partial))} ({copy_options(job.out_format)})"
                _execute_with_progress(con, copy, job)
        except duckdb.Error as error:
            raise RosterError(
                f"roster {job.roster.path} could not be screened, nothing was written: "
                f"{describe(error)}"
            ) from error
        finally:
            con.close()


def _execute_with_progress(con: duckdb.DuckDBPyConnection, sql: str, job: Job) -> None:
    """Run ``sql`` while a watcher thread reports DuckDB's own progress estimate."""
    done = threading.Event()

    def watch() -> None:
        while not done.wait(PROGRESS_POLL_SECONDS):
            try:
                fraction = con.query_progress()
            except duckdb.Error:
                return
            if fraction is not None and fraction >= 0:
                job.progress(min(float(fraction) / 100.0, 1.0))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        con.execute(sql)
    finally:
        done.set()
        watcher.join()
    job.progress(1.0)


def describe(error: BaseException, width: int = 100) -> str:
    """DuckDB's message on one line: what and where (e.g. the CSV line), without its hints.

    DuckDB appends "Possible fixes" about its own reader options, which a Clemency user
    cannot pass; the fix is to correct the row it names.
    """
    head = str(error).split("Possible fixes:")[0]
    lines = [line.strip() for line in head.splitlines() if line.strip()]
    if not lines:
        return type(error).__name__
    lines[0] = lines[0].removeprefix("Invalid Input Error: ")
    return "; ".join(line if len(line) <= width else line[: width - 1] + "…" for line in lines)
