"""Spark SQL types roster cells exactly as Python does (the convention of columns.py)."""

from __future__ import annotations

from typing import Any

import pytest

from clemency.screening.sql_typing import typing_select
from tests.unit.screening.test_cell_typing import COLUMNS, TRICKY, python_rows


@pytest.mark.spark
def test_tricky_cells_are_typed_alike_in_python_and_spark(spark: Any) -> None:
    from pyspark.sql.types import StringType, StructField, StructType

    names = ("person_id", "d", "b", "n", "e", "s")
    schema = StructType([StructField(n, StringType()) for n in names])
    rows = [(f"p{i}", c, c, c, c, c) for i, c in enumerate(TRICKY)]
    spark.createDataFrame(rows, schema).createOrReplaceTempView("raw_cells")
    sql = typing_select(COLUMNS, dict.fromkeys(names, "string"), "raw_cells", "spark")
    got = [
        tuple(row)
        for row in spark.sql(
            f"SELECT * FROM ({sql}) ORDER BY CAST(substr(person_id, 2) AS INT)"
        ).collect()
    ]
    assert got == python_rows(TRICKY)
