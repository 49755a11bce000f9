"""Roster and result files: which format, which columns, and the checks made before any work.

A roster is a CSV (header row, comma-separated, all text) or Parquet file whose columns are
facts (docs/facts.md); columns that are not facts are ignored. Everything here is cheap: it
reads the header or the Parquet schema, never the rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import duckdb

from clemency.errors import RosterError
from clemency.screening.columns import ID_COLUMN, FactColumn
from clemency.screening.sql_typing import quote_text

FileFormat = Literal["csv", "parquet"]

_SUFFIXES: dict[str, FileFormat] = {
    ".csv": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}


def file_format(path: Path, role: str) -> FileFormat:
    """The format named by the file's suffix; anything else is a user error."""
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise RosterError(
            f"{role} {path}: unknown file type {path.suffix or '(no suffix)'}; "
            "use a .csv or .parquet file",
            path=str(path),
        )
    return fmt


def duckdb_source(path: Path, fmt: FileFormat) -> str:
    """A DuckDB table function reading the roster; CSV cells all stay text."""
    if fmt == "parquet":
        return f"read_parquet({quote_text(str(path))})"
    return (
        f"read_csv({quote_text(str(path))}, header = true, all_varchar = true, "
        "delim = ',', quote = '\"', escape = '\"', auto_detect = false, "
        f"columns = {{{_csv_columns_spec(path)}}})"
    )


def _csv_columns_spec(path: Path) -> str:
    return ", ".join(f"{quote_text(name)}: 'VARCHAR'" for name in csv_header(path))


MAX_COLUMNS = 2_000
"""Columns a roster may have (the fact vocabulary has under a hundred; others are ignored)."""
HEADER_MAX_BYTES = 1024 * 1024
"""Bytes of a CSV roster's header line read before it is parsed."""


def csv_header(path: Path) -> list[str]:
    """The header row of a CSV file, read with Python's csv module (no type sniffing).

    At most :data:`HEADER_MAX_BYTES` are read and :data:`MAX_COLUMNS` columns accepted, so a
    hostile header (a million columns) is refused at once instead of taking minutes.
    """
    import csv
    import io

    with path.open("rb") as raw:
        head = raw.read(HEADER_MAX_BYTES + 1)
    end = head.find(b"\n")
    if end < 0 and len(head) > HEADER_MAX_BYTES:
        raise RosterError(
            f"roster {path}: the header line is longer than {HEADER_MAX_BYTES:,} bytes; "
            f"a roster has at most {MAX_COLUMNS:,} columns",
            path=str(path),
        )
    line = head if end < 0 else head[: end + 1]
    try:
        text = line.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RosterError(
            f"roster {path}: cannot read the header row (not UTF-8 at byte {error.start}); "
            "save it as CSV UTF-8"
        ) from error
    try:
        header = next(csv.reader(io.StringIO(text, newline="")))
    except StopIteration:
        raise RosterError(
            f"roster {path} is empty; it needs a header row", path=str(path)
        ) from None
    except csv.Error as error:
        raise RosterError(f"roster {path}: cannot read the header row ({error})") from error
    _check_column_count(path, len(header))
    return [name.strip() for name in header]


def _check_column_count(path: Path, count: int) -> None:
    if count > MAX_COLUMNS:
        raise RosterError(
            f"roster {path} has {count:,} columns; at most {MAX_COLUMNS:,} are allowed "
            "(keep the fact columns, see docs/facts.md)",
            path=str(path),
        )


@dataclass(frozen=True)
class Roster:
    """A checked roster: its path, format and the SQL type of each column present."""

    path: Path
    format: FileFormat
    column_types: dict[str, str]

    def present(self, columns: Iterable[FactColumn]) -> dict[str, str]:
        wanted = {c.name for c in columns} | {ID_COLUMN}
        return {k: v for k, v in self.column_types.items() if k in wanted}


def open_roster(path: Path) -> Roster:
    """Check that the roster exists and has a readable header; learn its column types."""
    if not path.is_file():
        raise RosterError(f"roster {path} does not exist or is not a file", path=str(path))
    fmt = file_format(path, "roster")
    if fmt == "csv":
        names = csv_header(path)
        types = dict.fromkeys(names, "VARCHAR")
    else:
        try:
            rows = duckdb.connect().sql(f"DESCRIBE SELECT * FROM {duckdb_source(path, fmt)}")
            types = {str(name): str(kind) for name, kind, *_ in rows.fetchall()}
        except duckdb.Error as error:
            raise RosterError(
                f"roster {path} is not a readable Parquet file: {_first_line(error)}"
            ) from error
        names = list(types)
        _check_column_count(path, len(names))
    from collections import Counter

    duplicated = sorted(name for name, seen in Counter(names).items() if seen > 1)
    if duplicated:
        raise RosterError(
            f"roster {path} has duplicated column(s) {', '.join(duplicated)}; rename or drop them"
        )
    return Roster(path, fmt, types)


def check_columns(
    roster: Roster, columns: tuple[FactColumn, ...], ruleset_id: str, allow_missing: bool
) -> list[str]:
    """Refuse a roster lacking a column the ruleset needs; return the absent ones (if allowed)."""
    if ID_COLUMN not in roster.column_types:
        raise RosterError(
            f"roster {roster.path} has no {ID_COLUMN} column; add one identifying each row",
            missing=[ID_COLUMN],
        )
    absent = [c.name for c in columns if c.name not in roster.column_types]
    if absent and not allow_missing:
        raise RosterError(
            f"roster {roster.path} lacks column(s) {', '.join(absent)} that ruleset "
            f"{ruleset_id} needs; add them (empty cells mean unknown) or pass "
            "--allow-missing-columns to treat them as unknown for everyone",
            missing=absent,
        )
    return absent


def check_output(path: Path, roster: Path) -> FileFormat:
    """The result format, refusing to overwrite the roster itself or write into nowhere."""
    fmt = file_format(path, "output")
    if path.resolve() == roster.resolve():
        raise RosterError(f"output {path} is the roster itself; choose another file name")
    if not path.parent.is_dir():
        raise RosterError(f"output folder {path.parent} does not exist; create it first")
    return fmt


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
