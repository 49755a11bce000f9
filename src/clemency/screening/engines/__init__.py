"""Screening engines: each turns one checked roster into one result file, the same way.

``duckdb`` (default) runs the compiled SQL and streams; ``python`` evaluates row by row with
the reference evaluator of ``clemency check``; ``spark`` runs the Spark SQL dialect through
PySpark (the ``clemency[spark]`` extra). What they share is in :mod:`clemency.screening.job`
and :mod:`clemency.screening.duckdb_connection`; no engine imports another or this package.
"""

from __future__ import annotations

from clemency.screening.job import ENGINES, Job, Progress, atomic_output, no_progress

__all__ = ["ENGINES", "Job", "Progress", "atomic_output", "no_progress", "run_engine"]


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
