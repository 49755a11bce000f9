"""Run a compiled ruleset over rows of facts on SQLite, DuckDB or PostgreSQL, and read it back.

Each backend loads the rows into a table typed from the fact vocabulary (DATE, BOOLEAN,
INTEGER, VARCHAR; on SQLite ISO text and 0/1), runs the one SELECT from ``compile_ruleset``
and returns the six result columns normalised for comparison (dates as ISO text).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import date
from types import MappingProxyType
from typing import Any, Protocol

from clemency.eligibility import FACTS, Ruleset, compile_ruleset
from clemency.eligibility.determination import ROW_COLUMNS

_SQL_TYPES = {
    "string": "VARCHAR",
    "enum": "VARCHAR",
    "date": "DATE",
    "bool": "BOOLEAN",
    "int": "INTEGER",
}


def normalise(row: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(row)
    value = out["eligible_on"]
    if isinstance(value, date):
        out["eligible_on"] = value.isoformat()
    return out


class Backend(Protocol):
    name: str

    def run(
        self, ruleset: Ruleset, rows: Sequence[Mapping[str, Any]], as_of: date
    ) -> list[dict[str, Any]]: ...


_COMPILED: dict[tuple[str, str, date, str], str] = {}


def compiled(ruleset: Ruleset, as_of: date, dialect: str) -> str:
    """compile_ruleset, memoised: Hypothesis reuses the same few as_of days."""
    key = (ruleset.id, ruleset.sha256, as_of, dialect)
    if key not in _COMPILED:
        _COMPILED[key] = compile_ruleset(ruleset, as_of, dialect)
    return _COMPILED[key]


def _columns(ruleset: Ruleset) -> list[str]:
    return ["person_id", *ruleset.facts_used()]


def _sqlite_cell(value: Any) -> Any:
    """SQLite stores dates as ISO text and booleans as 0/1."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


class _QmarkBackend:
    """SQLite and DuckDB share the DB-API ``?`` style; only types and cell values differ."""

    name = ""
    conn: Any
    types: Mapping[str, str] = _SQL_TYPES

    def cell(self, value: Any) -> Any:
        return value

    def run(
        self, ruleset: Ruleset, rows: Sequence[Mapping[str, Any]], as_of: date
    ) -> list[dict[str, Any]]:
        columns = _columns(ruleset)
        types = ["VARCHAR"] + [self.types[FACTS[c].type] for c in columns[1:]]
        self.conn.execute("DROP TABLE IF EXISTS roster")
        self.conn.execute(
            "CREATE TABLE roster ("
            + ", ".join(f'"{c}" {t}' for c, t in zip(columns, types, strict=True))
            + ")"
        )
        if rows:
            self.conn.executemany(
                f"INSERT INTO roster VALUES ({', '.join('?' for _ in columns)})",
                [[self.cell(row.get(c)) for c in columns] for row in rows],
            )
        result = self.conn.execute(compiled(ruleset, as_of, self.name))
        names = [d[0] for d in result.description]
        assert tuple(names) == ROW_COLUMNS
        return [normalise(dict(zip(names, r, strict=True))) for r in result.fetchall()]


class SqliteBackend(_QmarkBackend):
    name = "sqlite"
    types: Mapping[str, str] = MappingProxyType({**_SQL_TYPES, "date": "TEXT", "bool": "INTEGER"})

    def __init__(self) -> None:
        self.conn = sqlite3.connect(":memory:")

    def cell(self, value: Any) -> Any:
        return _sqlite_cell(value)


class DuckdbBackend(_QmarkBackend):
    name = "duckdb"

    def __init__(self) -> None:
        import duckdb

        self.conn = duckdb.connect(":memory:")


class PostgresBackend:
    name = "postgres"

    def __init__(self, url: str) -> None:
        import psycopg

        conninfo = url.replace("postgresql+psycopg://", "postgresql://")
        self.conn = psycopg.connect(conninfo, autocommit=True)

    def run(
        self, ruleset: Ruleset, rows: Sequence[Mapping[str, Any]], as_of: date
    ) -> list[dict[str, Any]]:
        columns = _columns(ruleset)
        with self.conn.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS pg_temp.roster")
            types = ["VARCHAR"] + [_SQL_TYPES[FACTS[c].type] for c in columns[1:]]
            cur.execute(
                "CREATE TEMP TABLE roster ("
                + ", ".join(f'"{c}" {t}' for c, t in zip(columns, types, strict=True))
                + ")"
            )
            if rows:
                cur.executemany(
                    f"INSERT INTO roster VALUES ({', '.join(f'%s::{t}' for t in types)})",
                    [[row.get(c) for c in columns] for row in rows],
                )
            cur.execute(compiled(ruleset, as_of, "postgres"))
            assert cur.description is not None
            names = [d.name for d in cur.description]
            assert tuple(names) == ROW_COLUMNS
            return [normalise(dict(zip(names, r, strict=True))) for r in cur.fetchall()]
