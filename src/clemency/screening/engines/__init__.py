"""Screening engines: each turns one checked roster into one result file, the same way.

``duckdb`` (default) runs the compiled SQL and streams; ``python`` evaluates row by row with
the reference evaluator of ``clemency check``; ``spark`` runs the Spark SQL dialect through
PySpark (the ``clemency[spark]`` extra).
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


def run_engine(name: str, job: Job) -> None:
    """Run ``job`` on the named engine (imported lazily: Spark is an optional extra)."""
    if name == "duckdb":
        from clemency.screening.engines import duckdb_engine

        duckdb_engine.run(job)
    elif name == "python":
        from clemency.screening.engines import python_engine

        python_engine.run(job)
    elif name == "spark":
        from clemency.screening.engines import spark_engine

        spark_engine.run(job)
    else:
        from clemency.errors import BadInput

        raise BadInput(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
