"""Finding 4: a connection PostgreSQL dropped does not fail the next request, and a request
whose connection dies mid-write answers a retryable 503 with a code.

Connections are killed with ``pg_terminate_backend`` on this test's own database only.
Before the fix the first request on a dropped pooled connection answered 500 (a PATCH too).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from clemency.cases.demo.seed import DEMO_PASSWORD, demo_email
from tests.conftest import _worker_suffix, fresh_pg_database

from .web import seed, serve, signed_in

pytestmark = pytest.mark.postgres  # PostgreSQL only: make test-fast leaves it out


@pytest.fixture
def pg_url(pg_server_url: str) -> Iterator[str]:
    name = f"clemency_test_{_worker_suffix()}_conn"
    url = fresh_pg_database(pg_server_url, name)
    yield url
    admin = sa.create_engine(pg_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _terminate(admin: sa.Engine, database: str, where: str = "true") -> int:
    """End the backends of ``database`` (ours) other than the admin's own; how many."""
    with admin.connect() as connection:
        return len(
            connection.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    f"WHERE datname = :db AND pid <> pg_backend_pid() AND {where}"
                ),
                {"db": database},
            ).all()
        )


def _csrf(client: httpx.Client) -> str:
    found = re.search(r'name="csrf_token" value="([^"]*)"', client.get("/").text)
    assert found is not None
    return found.group(1)


def test_dropped_connections_are_replaced_and_a_lost_write_is_a_503(
    pg_url: str, tmp_path: Path
) -> None:
    database = sa.engine.make_url(pg_url).database or ""
    seed(pg_url, count=4)
    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with serve(pg_url, tmp_path / "data") as base:
        client = signed_in(base, demo_email("justice-clinic", "admin"), DEMO_PASSWORD)
        headers = {"x-csrf-token": _csrf(client)}
        case = client.get("/api/v1/cases").json()
        case_id = (case["items"] if isinstance(case, dict) else case)[0]["id"]

        assert _terminate(admin, database) >= 1
        assert client.get("/cases").status_code == 200
        assert client.get(f"/api/v1/cases/{case_id}").status_code == 200

        assert _terminate(admin, database) >= 1
        version = client.get(f"/api/v1/cases/{case_id}").json()["version"]
        _terminate(admin, database)
        patched = client.patch(
            f"/api/v1/cases/{case_id}",
            json={"expected_version": version, "changes": {"summary": "after a restart"}},
            headers=headers,
        )
        assert patched.status_code == 200, patched.text

        # Mid-write: the PATCH waits on a row lock we hold; its backend is killed while waiting.
        version = patched.json()["version"]
        holder = sa.create_engine(pg_url)
        with holder.connect() as locker:
            locker.execute(
                sa.text("SELECT id FROM cases WHERE id = :id FOR UPDATE"), {"id": case_id}
            )
            answer: list[httpx.Response] = []
            writer = threading.Thread(
                target=lambda: answer.append(
                    client.patch(
                        f"/api/v1/cases/{case_id}",
                        json={"expected_version": version, "changes": {"summary": "lost"}},
                        headers=headers,
                    )
                )
            )
            writer.start()
            killed = 0
            for _ in range(200):
                killed = _terminate(admin, database, "wait_event_type = 'Lock'")
                if killed:
                    break
                time.sleep(0.05)
            assert killed == 1
            locker.rollback()
        holder.dispose()
        writer.join(timeout=60)
        assert answer[0].status_code == 503, answer[0].text
        body = answer[0].json()
        assert body["code"] == "database_unavailable"
        assert answer[0].headers["Retry-After"] == "2"
        retried = client.patch(
            f"/api/v1/cases/{case_id}",
            json={"expected_version": version, "changes": {"summary": "retried"}},
            headers=headers,
        )
        assert retried.status_code == 200, retried.text
        assert client.get(f"/api/v1/cases/{case_id}").json()["summary"] == "retried"

        # Mid-read: a GET of the case list waits on a table lock we hold; its backend is
        # killed while waiting. The read is retried on a fresh connection and answers 200.
        holder = sa.create_engine(pg_url)
        with holder.connect() as locker:
            locker.execute(sa.text("LOCK TABLE cases IN ACCESS EXCLUSIVE MODE"))
            listed: list[httpx.Response] = []
            reader = threading.Thread(target=lambda: listed.append(client.get("/cases")))
            reader.start()
            killed = 0
            for _ in range(200):
                killed = _terminate(admin, database, "wait_event_type = 'Lock'")
                if killed:
                    break
                time.sleep(0.05)
            assert killed == 1
            locker.rollback()
        holder.dispose()
        reader.join(timeout=60)
        assert listed[0].status_code == 200, listed[0].text[:500]
        client.close()
    admin.dispose()
