"""The DuckDB connection every DuckDB-backed step of screening uses, and its output options."""

from __future__ import annotations

from pathlib import Path

import duckdb

from clemency.screening.sql_typing import quote_text

MEMORY_LIMIT = "1GB"
THREADS = 2


def connect(temp_dir: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A connection tuned for streaming: bounded memory, no ordering, spill to ``temp_dir``."""
    con = duckdb.connect(config={"threads": THREADS, "memory_limit": MEMORY_LIMIT})
    con.execute("SET preserve_insertion_order = false")
    # Track progress (for query_progress) without DuckDB printing its own bar.
    con.execute("SET enable_progress_bar = true")
    con.execute("SET enable_progress_bar_print = false")
    con.execute("SET progress_bar_time = 0")
    if temp_dir is not None:
        con.execute(f"SET temp_directory = {quote_text(str(temp_dir))}")
    return con


def copy_options(fmt: str) -> str:
    if fmt == "parquet":
        return "FORMAT parquet, COMPRESSION zstd"
    return "FORMAT csv, HEADER true"
