"""Background jobs against real databases: a large roster upload becomes a job (the SQLite
thread backend, and PostgreSQL with a real `clemency worker` running procrastinate), a failing
job is retried then shown failed with its reason, and /readyz says 503 when the queue is down."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from clemency.config import Settings
from clemency.db import migrate
from clemency.db.session import make_engine, unit_of_work
from clemency.jobs import registry
from clemency.jobs import service as jobs
from clemency.jobs.models import Job
from clemency.jobs.thread import Runner
from clemency.screening.models import ScreeningRun
from clemency.testing import factories
from clemency.web.app import create_app
from tests.integration.web.conftest import _HASH, csrf_of, sign_in

HEADER = "person_id,conviction_court,offense_level,resides_in_us,is_deceased,on_supervision\n"
ROWS = 3000  # ~150 kB: above the 1 kB threshold set below, screened in a second


def _roster() -> bytes:
    lines = [
        f"r{i},{'federal_district' if i % 2 else 'state'},felony,true,false,false\n"
        for i in range(ROWS)
    ]
    return (HEADER + "".join(lines)).encode()


def _settings(url: str, tmp_path: Path, **extra: Any) -> Settings:
    return Settings(
        environment="test",
        database_url=url,
        data_dir=tmp_path / "data",
        jobs_screening_threshold_bytes=1024,
        jobs_retry_seconds=0,
        **extra,
    )


def _migrated_world(url: str) -> dict[str, str]:
    """Migrate ``url`` (procrastinate's schema too, on PostgreSQL) and add the test world;
    the e-mail of org a's admin and attorney (who can sign in with the test password)."""
    migrate.upgrade(url)
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        made = factories.make_world(session)
        for user in made.users.values():
            user.password_hash = _HASH
        emails = {role: made.users[("a", role)].email for role in ("admin", "attorney")}
    engine.dispose()
    return emails


@pytest.fixture
def world(database_url: str) -> tuple[str, dict[str, str]]:
    return database_url, _migrated_world(database_url)


def _upload(client: TestClient) -> str:
    token = csrf_of(client, "/screening")
    posted = client.post(
        "/screening",
        data={
            "csrf_token": token,
            "ruleset_id": "us-federal/pardon",
            "as_of": "2024-01-01",
            "allow_missing_columns": "true",
        },
        files={"roster": ("big-roster.csv", _roster(), "text/csv")},
    )
    assert posted.status_code == 303, posted.text[-500:]
    return str(posted.headers["location"]).rsplit("/", 1)[1]


def _wait_and_download(client: TestClient, run_id: str) -> None:
    deadline = time.monotonic() + 90
    state: dict[str, Any] = {}
    while time.monotonic() < deadline:
        state = client.get(f"/screening/runs/{run_id}/status").json()
        if state["status"] in ("done", "failed"):
            break
        time.sleep(0.2)
    assert state["status"] == "done", state
    page = client.get(f"/screening/runs/{run_id}")
    assert f"{ROWS}</div>" in page.text
    assert 'id="run-progress"' not in page.text
    download = client.get(f"/screening/runs/{run_id}/results.csv")
    assert download.status_code == 200
    lines = download.text.strip().splitlines()
    assert len(lines) == ROWS + 1


def _run_is_recorded(url: str, run_id: str) -> None:
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        job = session.scalar(select(Job).where(Job.public_id == run_id))
        assert job is not None
        assert job.status == "done"
        assert job.attempts == 1
        run = session.get(ScreeningRun, job.result["screening_run_id"])  # type: ignore[index]
        assert run is not None
        assert run.rows == ROWS
        assert run.ruleset_id == "us-federal/pardon"
        assert run.eligible + run.needs_review + run.ineligible + run.invalid == ROWS
    engine.dispose()


def test_large_roster_runs_in_the_server_thread_on_sqlite(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="clemency.jobs")
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    email = _migrated_world(url)["attorney"]
    app = create_app(_settings(url, tmp_path))
    # Without the lifespan no runner thread runs: the job waits, and the page says so.
    waiting = TestClient(app, follow_redirects=False)
    sign_in(waiting, email)
    run_id = _upload(waiting)
    page = waiting.get(f"/screening/runs/{run_id}")
    assert "Waiting to start" in page.text
    assert '<progress id="run-progress" max="1" value="0.0">' in page.text
    assert f'hx-get="/screening/runs/{run_id}" hx-trigger="every 2s"' in page.text
    assert waiting.get(f"/screening/runs/{run_id}/results.csv").status_code == 404
    assert waiting.get(f"/screening/runs/{run_id}/status").json()["status"] == "queued"
    # The server's thread (started with the lifespan) picks it up.
    with TestClient(app, follow_redirects=False) as client:
        assert client.get("/readyz").json()["job_queue"] == "thread"
        sign_in(client, email)
        _wait_and_download(client, run_id)
    _run_is_recorded(url, run_id)
    # The runner logs each job's start and end (kind and public id only, never the roster).
    lines = [r.getMessage() for r in caplog.records if r.name == "clemency.jobs.service"]
    assert any(re.fullmatch(r"job \S+ \(screen_roster\) attempt 1 started", m) for m in lines)
    assert any(
        re.fullmatch(r"job \S+ \(screen_roster\) attempt 1 done in \d+\.\d\d s", m) for m in lines
    ), lines


@pytest.mark.postgres
@pytest.mark.subprocess  # a worker process beside the app, stopped with SIGTERM
def test_large_roster_runs_on_procrastinate_with_a_real_worker(
    pg_server_url: str, tmp_path: Path
) -> None:
    from tests.conftest import fresh_pg_database

    url = fresh_pg_database(pg_server_url, f"clemency_jobs_{os.getpid()}")
    email = _migrated_world(url)["attorney"]
    settings = _settings(url, tmp_path)
    env = {
        **os.environ,
        "CLEMENCY_DATABASE_URL": url,
        "CLEMENCY_DATA_DIR": str(settings.data_dir),
        "CLEMENCY_ENVIRONMENT": "test",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "clemency.cli.main", "worker"], env=env, stderr=subprocess.PIPE
    )
    try:
        with TestClient(create_app(settings), follow_redirects=False) as client:
            assert client.get("/readyz").json()["job_queue"] == "procrastinate"
            sign_in(client, email)
            run_id = _upload(client)
            _wait_and_download(client, run_id)
    finally:
        worker.terminate()
        _out, err = worker.communicate(timeout=40)
    assert worker.returncode == 0, err.decode()[-2000:]
    _run_is_recorded(url, run_id)


_CALLS: list[int] = []


@registry.job("test_always_fails", title="A job that always fails (tests)")
def _always_fails(context: registry.JobContext) -> dict[str, Any]:
    _CALLS.append(context.attempt)
    raise OSError("the archive server refused the connection")


def test_a_failing_job_is_retried_then_failed_with_its_reason(
    world: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    url, emails = world
    settings = _settings(url, tmp_path, jobs_backend="thread", jobs_max_attempts=3)
    engine = make_engine(url)
    _CALLS.clear()
    with unit_of_work(engine) as session:
        job = jobs.enqueue(session=session, settings=settings, kind="test_always_fails", payload={})
        public_id = job.public_id
    runner = Runner(engine, settings)
    for _ in range(3):
        runner.run_due()
    assert _CALLS == [1, 2, 3]
    with unit_of_work(engine) as session:
        row = session.scalar(select(Job).where(Job.public_id == public_id))
        assert row is not None
        assert (row.status, row.attempts) == ("failed", 3)
        assert row.error == "OSError: the archive server refused the connection"
        from clemency.audit.models import AuditEvent

        trail = [
            (e.outcome, e.detail)
            for e in session.scalars(
                select(AuditEvent).where(AuditEvent.entity_id == public_id).order_by(AuditEvent.id)
            )
        ]
    assert trail[0] == ("success", "test_always_fails queued")
    assert [o for o, _d in trail[1:]] == ["failure"] * 3
    assert "failed after 3 attempts" in str(trail[-1][1])
    runner.run_due()
    assert _CALLS == [1, 2, 3]  # failed for good: not run again
    engine.dispose()
    app = create_app(settings)
    with TestClient(app, follow_redirects=False, client=("127.0.0.1", 40000)) as client:
        sign_in(client, emails["admin"])
        page = client.get("/admin/jobs")
        assert page.status_code == 200
        assert "test_always_fails" in page.text
        assert "OSError: the archive server refused the connection" in page.text
        metrics = client.get("/metrics").text
        assert 'clemency_jobs_failed_now{kind="test_always_fails"} 1.0' in metrics
    with TestClient(app, follow_redirects=False) as other:
        sign_in(other, emails["attorney"])
        assert other.get("/admin/jobs").status_code in (403, 404)


def test_readyz_is_503_when_the_job_queue_is_down(
    world: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    url, _emails = world
    with TestClient(create_app(_settings(url, tmp_path))) as client:
        assert client.get("/readyz").status_code == 200
        runner = client.app.state.job_runner  # type: ignore[attr-defined]
        if runner is not None:  # thread backend: the runner thread stops
            runner.stop()
            reason = "job runner thread is not running"
        else:  # procrastinate: its tables cannot be reached
            with make_engine(url).begin() as connection:
                from sqlalchemy import text

                connection.execute(text("ALTER TABLE procrastinate_jobs RENAME TO gone"))
            reason = "job queue unreachable"
        down = client.get("/readyz")
        assert down.status_code == 503
        assert reason in down.json()["reason"]
