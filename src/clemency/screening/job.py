"""What every screening engine shares: the job it is given and how it writes its result.

The engines (:mod:`clemency.screening.engines`) import this module and never each other or
their package, so the package can pick an engine without an import cycle.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from clemency.screening.columns import FactColumn
from clemency.screening.roster import FileFormat, Roster

if TYPE_CHECKING:
    import pyarrow as pa

    from clemency.eligibility import Ruleset

ENGINES = ("duckdb", "python", "spark")

Progress = Callable[[float], None]
"""Called with the fraction done (0..1) now and then during a run."""


def no_progress(fraction: float) -> None:
    del fraction


@dataclass(frozen=True)
class Job:
    """Everything an engine needs: a checked roster, the ruleset and where to write."""

    roster: Roster
    columns: tuple[FactColumn, ...]
    ruleset: Ruleset
    as_of: date
    out: Path
    out_format: FileFormat
    progress: Progress = field(default=no_progress)


@contextmanager
def atomic_output(out: Path) -> Iterator[Path]:
    """A temporary path beside ``out``, renamed onto it only if the block succeeds.

    A run that fails half-way leaves any previous result untouched and no partial file.
    """
    partial = out.with_name(f".{out.name}.partial")
    try:
        yield partial
        if partial.is_file():
            from clemency.outputs import fsync_file

            fsync_file(partial)
        os.replace(partial, out)
    finally:
        if partial.exists():
            if partial.is_dir():
                import shutil

                shutil.rmtree(partial)
            else:
                partial.unlink()


def result_schema() -> pa.Schema:
    """The Arrow schema of a result file (RESULT_COLUMNS with their types)."""
    import pyarrow as pa

    return pa.schema(
        [
            pa.field("person_id", pa.string()),
            pa.field("outcome", pa.string()),
            pa.field("eligible_on", pa.date32()),
            pa.field("failed_rules", pa.string()),
            pa.field("unknown_rules", pa.string()),
            pa.field("missing_facts", pa.string()),
            pa.field("invalid_reason", pa.string()),
        ]
    )
