"""The scale-out engine: the Spark SQL dialect of the ruleset, run through PySpark.

Needs the ``clemency[spark]`` extra and a Java runtime. By default Spark runs in local mode
on this machine; set ``CLEMENCY_SPARK_MASTER`` (e.g. ``spark://host:7077``) to use a cluster.
The typing of roster cells and the rules are the same SQL as on DuckDB, in Spark's dialect.
The result is written as one file (Spark writes a folder of parts; the single part is moved
into place), so that every engine produces the same kind of output.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from clemency.errors import ClemencyError, RosterError
from clemency.screening.job import Job, atomic_output, result_schema
from clemency.screening.sql_typing import mark_invalid, typing_select

MASTER_ENV = "CLEMENCY_SPARK_MASTER"


class SparkUnavailable(ClemencyError):
    """PySpark or Java is missing: say how to install them."""


def session() -> Any:
    """The active SparkSession, or a new one (local mode unless CLEMENCY_SPARK_MASTER is set)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SparkUnavailable(
            "the spark engine needs PySpark: pip install 'clemency[spark]' (and a Java 17 runtime)"
        ) from None
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    return (
        SparkSession.builder.master(os.environ.get(MASTER_ENV, "local[2]"))
        .appName("clemency-screen")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )


def _read(spark: Any, job: Job) -> Any:
    path = str(job.roster.path)
    if job.roster.format == "parquet":
        return spark.read.parquet(path)
    from pyspark.sql.types import StringType, StructField, StructType

    schema = StructType([StructField(name, StringType()) for name in job.roster.column_types])
    return (
        spark.read.option("header", True)
        .option("multiLine", True)
        .option("escape", '"')
        .option("mode", "FAILFAST")
        .schema(schema)
        .csv(path)
    )


def result_sql(job: Job, source_types: dict[str, str]) -> tuple[str, str]:
    """SQL of the view ``roster`` (typed, over ``roster_raw``) and of the result."""
    from clemency.eligibility import compile_ruleset

    typed = typing_select(job.columns, source_types, "roster_raw", "spark")
    compiled = compile_ruleset(
        job.ruleset, job.as_of, "spark", source="roster", passthrough=("invalid_reason",)
    )
    return typed, mark_invalid(compiled)


def run(job: Job) -> None:
    spark = session()
    try:
        raw = _read(spark, job)
        wanted = job.roster.present(job.columns)
        source_types = {name: kind for name, kind in raw.dtypes if name in wanted}
        raw.createOrReplaceTempView("roster_raw")
        typed, final = result_sql(job, source_types)
        spark.sql(typed).createOrReplaceTempView("roster")
        if job.out_format == "csv":
            from clemency.screening.columns import csv_result_select

            final = csv_result_select(final)
        result = spark.sql(final)
        job.progress(0.1)
        with tempfile.TemporaryDirectory(prefix="clemency-spark-", dir=job.out.parent) as tmp:
            folder = Path(tmp) / "out"
            writer = result.coalesce(1).write.mode("overwrite")
            if job.out_format == "parquet":
                writer.option("compression", "zstd").parquet(str(folder))
            else:
                writer.option("header", True).option("escape", '"').csv(str(folder))
            parts = sorted(p for p in folder.iterdir() if p.name.startswith("part-"))
            with atomic_output(job.out) as partial:
                _single_file(parts, partial, job.out_format)
    except ClemencyError:
        raise
    except Exception as error:  # Spark raises many kinds (AnalysisException, Py4JJavaError)
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise RosterError(
            f"roster {job.roster.path} could not be screened on Spark: {first}"
        ) from error
    job.progress(1.0)


def _single_file(parts: list[Path], partial: Path, out_format: str) -> None:
    """Move the one part Spark wrote to ``partial`` (an empty result still gets a header)."""
    if len(parts) == 1:
        shutil.move(str(parts[0]), partial)
        return
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    empty = pa.Table.from_pylist([], schema=result_schema())
    if out_format == "parquet":
        pq.write_table(empty, partial)
    else:
        pacsv.write_csv(empty, partial)
