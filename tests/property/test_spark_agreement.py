"""Python and Spark SQL agree on every rule test case's facts (slow: starts a local Spark)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from clemency.eligibility import FACTS, compile_ruleset, evaluate, list_rulesets
from clemency.eligibility.registry import builtin_root
from clemency.eligibility.rule_tests import find_test_files, load_cases, ruleset_for
from tests.property.sql_backends import normalise

pytestmark = [pytest.mark.spark, pytest.mark.slow]

AS_OF_DAYS = [date(2016, 8, 1), date(2020, 2, 29), date(2023, 6, 6)]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    try:
        from pyspark.sql import SparkSession

        session = (
            SparkSession.builder.master("local[1]")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "1")
            .getOrCreate()
        )
    except Exception as error:  # no Java runtime or no PySpark
        from tests.conftest import missing

        missing(f"Spark is not available: {error}")
        raise
    yield session
    session.stop()


def test_python_and_spark_agree_on_the_rule_test_facts(spark: Any) -> None:
    from pyspark.sql import types as T

    spark_types = {
        "string": T.StringType(),
        "enum": T.StringType(),
        "date": T.DateType(),
        "bool": T.BooleanType(),
        "int": T.IntegerType(),
    }
    facts_by_ruleset: dict[str, list[dict[str, Any]]] = {}
    for path in find_test_files(builtin_root()):
        ruleset = ruleset_for(path)
        facts_by_ruleset.setdefault(ruleset.id, []).extend(case.facts for case in load_cases(path))
    for ruleset in list_rulesets():
        columns = ["person_id", *ruleset.facts_used()]
        schema = T.StructType([T.StructField(c, spark_types[FACTS[c].type]) for c in columns])
        rows = [
            {"person_id": f"p{i}", **facts} for i, facts in enumerate(facts_by_ruleset[ruleset.id])
        ]
        frame = spark.createDataFrame([[row.get(c) for c in columns] for row in rows], schema)
        frame.createOrReplaceTempView("roster")
        for as_of in AS_OF_DAYS:
            got = [
                normalise(r.asDict())
                for r in spark.sql(compile_ruleset(ruleset, as_of, "spark")).collect()
            ]
            want = [normalise(evaluate(ruleset, row, as_of).as_row()) for row in rows]
            assert sorted(got, key=lambda r: r["person_id"]) == sorted(
                want, key=lambda r: r["person_id"]
            ), (ruleset.id, as_of)
