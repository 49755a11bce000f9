"""SQL that types a raw roster relation by the convention of :mod:`clemency.screening.columns`.

The result is one SELECT over a relation of raw columns, yielding ``person_id``, one typed
column per fact the ruleset uses, and ``invalid_reason`` ('' when the row is readable). The
same three-level shape is written for DuckDB and Spark SQL; only a few functions differ.
"""

from __future__ import annotations

from dataclasses import dataclass

from clemency.screening.columns import (
    FALSE_WORDS,
    ID_COLUMN,
    MAX_SHOWN_VALUE,
    TRUE_WORDS,
    FactColumn,
)

SQL_TYPES = {"string": "VARCHAR", "enum": "VARCHAR", "date": "DATE", "bool": "BOOLEAN"}
SQL_TYPES["int"] = "BIGINT"

DUCKDB_NATIVE = {
    "date": {"DATE"},
    "bool": {"BOOLEAN"},
    "int": {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"},
}
SPARK_NATIVE = {
    "date": {"date"},
    "bool": {"boolean"},
    "int": {"tinyint", "smallint", "int", "bigint", "byte", "short", "integer", "long"},
}


@dataclass(frozen=True)
class Dialect:
    name: str
    text_type: str
    native: dict[str, set[str]]

    def full_match(self, text: str, pattern: str) -> str:
        if self.name == "duckdb":
            return f"regexp_full_match({text}, '{pattern}')"
        return f"{text} RLIKE '^{pattern}$'"

    def to_date(self, text: str) -> str:
        if self.name == "duckdb":
            return f"TRY_CAST({text} AS DATE)"
        return f"try_cast({text} AS DATE)"

    def strip(self, text: str) -> str:
        """Remove surrounding ASCII spaces only (as Python's ``str.strip(" ")``), no other."""
        if self.name == "duckdb":
            return f"trim({text}, ' ')"
        return f"trim(BOTH ' ' FROM {text})"

    def sql_type(self, fact_type: str) -> str:
        if self.name == "spark" and SQL_TYPES[fact_type] == "VARCHAR":
            return "STRING"
        return SQL_TYPES[fact_type]


DUCKDB = Dialect("duckdb", "VARCHAR", DUCKDB_NATIVE)
SPARK = Dialect("spark", "STRING", SPARK_NATIVE)
DIALECTS = {"duckdb": DUCKDB, "spark": SPARK}


def quote_ident(name: str) -> str:
    """Quote a column name; fact names are snake_case, but a roster header may be anything."""
    return '"' + name.replace('"', '""') + '"'


def quote_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def typing_select(
    columns: tuple[FactColumn, ...],
    source_types: dict[str, str],
    source: str,
    dialect: str = "duckdb",
) -> str:
    """One SELECT typing ``source``; ``source_types`` maps present columns to their SQL type.

    Fact columns absent from ``source_types`` become typed NULLs (unknown for every row); the
    caller decides beforehand whether an absent column is allowed.
    """
    d = DIALECTS[dialect]
    q = quote_ident if dialect == "duckdb" else _backtick
    texts = [f"CAST({q(ID_COLUMN)} AS {d.text_type}) AS {q(ID_COLUMN)}"]
    typed = [f"coalesce({q(ID_COLUMN)}, '') AS {q(ID_COLUMN)}"]
    reasons = [
        f"CASE WHEN {d.strip(f'coalesce({q(ID_COLUMN)}, {chr(39) * 2})')} = '' "
        "THEN 'person_id is empty' END"
    ]
    finals = [q(ID_COLUMN)]
    for column in columns:
        name, t_name = q(column.name), q("t__" + column.name)
        source_type = source_types.get(column.name)
        if source_type is None:
            finals.append(f"CAST(NULL AS {d.sql_type(column.type)}) AS {name}")
            continue
        if source_type.upper() in {s.upper() for s in d.native.get(column.type, set())}:
            finals.append(f"CAST({name} AS {d.sql_type(column.type)}) AS {name}")
            texts.append(name)
            typed.append(name)
            continue
        texts.append(f"NULLIF({d.strip(f'CAST({name} AS {d.text_type})')}, '') AS {t_name}")
        typed.append(f"{_convert(column, t_name, d)} AS {name}")
        typed.append(t_name)
        reasons.append(
            f"CASE WHEN {t_name} IS NOT NULL AND {name} IS NULL THEN concat("
            f"{quote_text(column.name + '=' + chr(34))}, left({t_name}, {MAX_SHOWN_VALUE}), "
            f"{quote_text(chr(34) + ' ' + column.expectation())}) END"
        )
        finals.append(name)
    reason = "concat_ws('; ', " + ", ".join(reasons) + ")"
    return (
        f"SELECT {', '.join(finals)}, {reason} AS invalid_reason FROM ("
        f"SELECT {', '.join(typed)} FROM ("
        f"SELECT {', '.join(texts)} FROM {source}) AS roster_text) AS roster_typed"
    )


def _convert(column: FactColumn, text: str, d: Dialect) -> str:
    if column.type == "string":
        return text
    if column.type == "enum":
        values = ", ".join(quote_text(v) for v in column.values)
        return f"CASE WHEN {text} IN ({values}) THEN {text} END"
    if column.type == "bool":
        trues = ", ".join(quote_text(w) for w in TRUE_WORDS)
        falses = ", ".join(quote_text(w) for w in FALSE_WORDS)
        return (
            f"CASE WHEN lower({text}) IN ({trues}) THEN TRUE "
            f"WHEN lower({text}) IN ({falses}) THEN FALSE END"
        )
    if column.type == "int":
        return f"CASE WHEN {d.full_match(text, '[+-]?[0-9]{1,18}')} THEN CAST({text} AS BIGINT) END"
    date_like = d.full_match(text, "[0-9]{4}-[0-9]{2}-[0-9]{2}")
    return f"CASE WHEN {date_like} AND {text} NOT LIKE '0000%' THEN {d.to_date(text)} END"


def _backtick(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def mark_invalid(compiled: str) -> str:
    """The seven result columns from the compiled query, which carries ``invalid_reason``.

    The rules run over every row, valid or not (an invalid row's bad cells are NULL), so one
    pass over the roster writes both; a row with a reason is then marked ``invalid`` and its
    determination columns are blanked.
    """
    ok = "invalid_reason = ''"
    return (
        "SELECT person_id, "
        f"CASE WHEN {ok} THEN outcome ELSE 'invalid' END AS outcome, "
        f"CASE WHEN {ok} THEN CAST(eligible_on AS DATE) END AS eligible_on, "
        f"CASE WHEN {ok} THEN failed_rules ELSE '' END AS failed_rules, "
        f"CASE WHEN {ok} THEN unknown_rules ELSE '' END AS unknown_rules, "
        f"CASE WHEN {ok} THEN missing_facts ELSE '' END AS missing_facts, "
        f"invalid_reason FROM ({compiled}) AS screened"
    )
