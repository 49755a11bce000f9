"""Python and Spark SQL agree on every rule test case's facts (slow: starts a local Spark)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from clemency.eligibility import FACTS, compile_ruleset, evaluate, expr, list_rulesets
from clemency.eligibility.registry import builtin_root
from clemency.eligibility.rule_tests import find_test_files, load_cases, ruleset_for
from clemency.eligibility.sql import _Compiler
from clemency.errors import FactsError
from tests.property.profiles import EXAMPLES
from tests.property.sql_backends import normalise
from tests.property.test_expression_agreement import AS_OF as EXPR_AS_OF
from tests.property.test_expression_agreement import COLUMNS, bools, dates, fact_rows, ints, normal

pytestmark = [pytest.mark.spark, pytest.mark.slow]

AS_OF_DAYS = [date(2016, 8, 1), date(2020, 2, 29), date(2023, 6, 6)]


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


@settings(
    max_examples=max(40, EXAMPLES),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(source=st.one_of(bools(2), ints(2), dates(2)), rows=fact_rows())
def test_python_and_spark_compute_the_same_expression_values(
    spark: Any, source: str, rows: list[dict[str, Any]]
) -> None:
    from pyspark.sql import types as T

    node = expr.parse(source)
    kind = expr.check(node, {})
    try:
        want = [normal(expr.evaluate(node, row, {}, EXPR_AS_OF), kind) for row in rows]
    except FactsError:
        assume(False)
    spark_types = {
        "DATE": T.DateType(),
        "INTEGER": T.IntegerType(),
        "BOOLEAN": T.BooleanType(),
        "VARCHAR": T.StringType(),
    }
    schema = T.StructType(
        [
            T.StructField("rn", T.IntegerType()),
            *(T.StructField(c, spark_types[t]) for c, t in COLUMNS.items()),
        ]
    )
    spark.createDataFrame(
        [[i, *(row[c] for c in COLUMNS)] for i, row in enumerate(rows)], schema
    ).createOrReplaceTempView("roster")
    compiled = _Compiler("spark", EXPR_AS_OF).node(node, {}).sql(dialect="spark")
    got = [
        normal(r["v"], kind)
        for r in spark.sql(f"SELECT {compiled} AS v FROM roster ORDER BY rn").collect()
    ]
    assert got == want, source
