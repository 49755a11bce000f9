"""Backends for the Python-versus-SQL agreement tests: SQLite and DuckDB always, PostgreSQL
when CLEMENCY_TEST_PG_URL is set (skipped otherwise, failed in CI). Importing ``profiles`` loads
the Hypothesis profile of this run (dev, ci or nightly) before any test is collected."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import tests.property.profiles  # noqa: F401  (loads the Hypothesis profile)
from tests.property.sql_backends import Backend, DuckdbBackend, PostgresBackend, SqliteBackend


@pytest.fixture(
    scope="module",
    params=["sqlite", "duckdb", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    if request.param == "sqlite":
        yield SqliteBackend()
    elif request.param == "duckdb":
        yield DuckdbBackend()
    else:
        url = request.getfixturevalue("pg_server_url")
        try:
            pg = PostgresBackend(url)
        except Exception as error:  # the server named by the URL is down
            from tests.conftest import missing

            missing(f"PostgreSQL at {url} is not reachable: {error}")
            raise
        yield pg
        pg.conn.close()
