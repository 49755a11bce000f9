"""Packets and grant imports as background jobs, against the real runners: the SQLite server
thread, and PostgreSQL with a real `clemency worker` (procrastinate). The packet is read back
from the stored document with pypdf; a grant page imported twice through the queue adds its
rows once."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import func, select
from typer.testing import CliRunner

from clemency.audit.models import AuditEvent
from clemency.cli.main import app as cli_app
from clemency.config import Settings
from clemency.db import migrate
from clemency.db.session import make_engine, unit_of_work
from clemency.documents import service as documents
from clemency.documents.models import PacketRecord
from clemency.files.models import Document
from clemency.grants.models import GrantRecord, GrantSource
from clemency.jobs import registry
from clemency.jobs.models import Job
from clemency.jobs.thread import Runner
from clemency.testing import factories
from clemency.web.app import create_app
from tests.conftest import DOJ_PAGES
from tests.integration.web.conftest import _HASH, create_schema, csrf_of, sign_in

GWB = DOJ_PAGES / "George_W_Bush_2001-2009.html"
GWB_GRANTS = 189  # George W. Bush's pardons and commutations on the Justice Department's page
REASONS = "She has tutored forty women toward their high school equivalency."


def _settings(url: str, tmp_path: Path, **extra: Any) -> Settings:
    return Settings(
        environment="test",
        database_url=url,
        data_dir=tmp_path / "data",
        jobs_retry_seconds=0,
        **extra,
    )


def _world(url: str) -> dict[str, Any]:
    """The schema (SQLite: created from the models, fast; PostgreSQL: migrated, with
    procrastinate's tables) and the test world; a reason for clemency on case ``a_assigned``."""
    if url.startswith("sqlite"):
        create_schema(url).dispose()
    else:
        migrate.upgrade(url)
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        made = factories.make_world(session)
        for user in made.users.values():
            user.password_hash = _HASH
        case = made.cases["a_assigned"]
        documents.set_answers(
            session=session,
            user=made.users[("a", "attorney")],
            case_id=case.id,
            answers={"answers.reasons": REASONS},
        )
        out = {
            "emails": {role: made.users[("a", role)].email for role in ("admin", "attorney")},
            "viewer": made.users[("a", "viewer")].email,
            "outsider": made.users[("b", "admin")].email,
            "case_id": case.id,
            "name": case.person.full_name,
        }
    engine.dispose()
    return out


def _queue_packet(client: TestClient, case_id: int) -> str:
    token = csrf_of(client, f"/cases/{case_id}/petitions")
    posted = client.post(
        f"/cases/{case_id}/packet",
        data={"csrf_token": token, "form": "us-federal/commutation", "format": "pdf"},
    )
    assert posted.status_code == 303, posted.text[-500:]
    location = str(posted.headers["location"])
    assert location.startswith(f"/cases/{case_id}/packet/job?id=")
    return location.rsplit("=", 1)[1]


def _wait(client: TestClient, case_id: int, job_id: str, seconds: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    state: dict[str, Any] = {}
    while time.monotonic() < deadline:
        state = client.get(f"/cases/{case_id}/packet/status", params={"id": job_id}).json()
        if state["status"] in ("done", "failed"):
            return state
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish: {state}")


def _pdf_text(data: bytes) -> str:
    return " ".join(
        " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(data)).pages).split()
    )


def _download_and_read(client: TestClient, world: dict[str, Any], job_id: str) -> int:
    case_id = world["case_id"]
    page = client.get(f"/cases/{case_id}/packet/job", params={"id": job_id})
    assert "Packet ready" in page.text
    assert "hx-trigger" not in page.text  # done: the page stops polling
    link = re.search(r'id="packet-download" href="([^"]+)"', page.text)
    assert link is not None, page.text[-1500:]
    download = client.get(link.group(1).replace("&amp;", "&"))
    assert download.status_code == 200
    assert download.content.startswith(b"%PDF-")
    text = _pdf_text(download.content)
    assert world["name"] in text
    assert REASONS in text
    assert "DRAFT" in text  # a minimal case lacks most of the form: a draft, never "ready"
    document_id = int(link.group(1).rsplit("=", 1)[1])
    return document_id


def _stored_once(url: str, world: dict[str, Any], job_id: str, document_id: int) -> None:
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        job = session.scalar(select(Job).where(Job.public_id == job_id))
        assert job is not None
        assert (job.kind, job.status, job.attempts) == ("generate_packet", "done", 1)
        document = session.get(Document, document_id)
        assert document is not None
        assert (document.case_id, document.doc_type) == (world["case_id"], "petition")
        assert document.source == f"generated packet (job {job_id})"
        assert document.filename.endswith("-us-federal-commutation-DRAFT.pdf")
        records = session.scalars(
            select(PacketRecord).where(PacketRecord.case_id == world["case_id"])
        ).all()
        assert [(r.form_id, r.format, r.is_draft) for r in records] == [
            ("us-federal/commutation", "pdf", True)
        ]
        trail = [
            (e.action, e.entity_type, e.detail or "")
            for e in session.scalars(
                select(AuditEvent).where(AuditEvent.case_id == world["case_id"])
            )
        ]
        assert ("export", "packet", "us-federal/commutation pdf requested (background job)") in (
            trail
        )
        assert any(a == "create" and t == "document" and job_id in d for a, t, d in trail)
        assert any(a == "read" and t == "document" for a, t, _d in trail)  # the download
    engine.dispose()


def test_packet_job_runs_in_the_server_thread_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    world = _world(url)
    case_id, email = world["case_id"], world["emails"]["attorney"]
    app = create_app(_settings(url, tmp_path))
    # Without the lifespan no runner thread runs: the job waits, and the page says so.
    waiting = TestClient(app, follow_redirects=False)
    sign_in(waiting, email)
    job_id = _queue_packet(waiting, case_id)
    assert _queue_packet(waiting, case_id) == job_id  # a second click: the same job
    page = waiting.get(f"/cases/{case_id}/packet/job", params={"id": job_id})
    assert "Waiting to start" in page.text
    assert f'hx-get="/cases/{case_id}/packet/job?id={job_id}" hx-trigger="every 2s"' in page.text
    assert waiting.get(f"/cases/{case_id}/packet/status", params={"id": job_id}).json() == {
        "status": "queued",
        "progress": 0.0,
        "error": None,
        "document_id": None,
        "download": None,
    }
    # Someone else, even an admin of the same organization, does not see this job.
    with TestClient(app, follow_redirects=False) as other:
        sign_in(other, world["emails"]["admin"])
        assert other.get(f"/cases/{case_id}/packet/job", params={"id": job_id}).status_code == 404
    # The server's thread (started with the lifespan) picks it up.
    with TestClient(app, follow_redirects=False) as client:
        sign_in(client, email)
        assert _wait(client, case_id, job_id)["status"] == "done"
        document_id = _download_and_read(client, world, job_id)
    _stored_once(url, world, job_id, document_id)

    # Run again (a worker that died before recording "done"): the stored packet is returned.
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        job = session.scalar(select(Job).where(Job.public_id == job_id))
        assert job is not None
        again = registry.kind("generate_packet").function(
            registry.JobContext(
                session=session,
                settings=_settings(url, tmp_path),
                public_id=job_id,
                payload=dict(job.payload),
                user_id=job.user_id,
                attempt=2,
                progress=lambda _f: None,
            )
        )
        assert again["document_id"] == document_id
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 1
        assert session.scalar(select(func.count()).select_from(PacketRecord)) == 1
    engine.dispose()


def test_a_failed_packet_job_shows_its_reason_and_a_viewer_cannot_queue(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    world = _world(url)
    case_id = world["case_id"]
    settings = _settings(url, tmp_path)
    app = create_app(settings)
    with TestClient(app, follow_redirects=False) as client:
        sign_in(client, world["viewer"])
        token = csrf_of(client, f"/cases/{case_id}/petitions")
        refused = client.post(
            f"/cases/{case_id}/packet",
            data={"csrf_token": token, "form": "us-federal/commutation", "format": "pdf"},
        )
        assert refused.status_code == 403
    with TestClient(app, follow_redirects=False) as outsider:
        sign_in(outsider, world["outsider"])
        token = csrf_of(outsider, "/")
        posted = outsider.post(
            f"/cases/{case_id}/packet", data={"csrf_token": token, "format": "pdf"}
        )
        assert posted.status_code == 404
    waiting = TestClient(app, follow_redirects=False)
    sign_in(waiting, world["emails"]["attorney"])
    job_id = _queue_packet(waiting, case_id)
    engine = make_engine(url)
    with unit_of_work(engine) as session:  # what was asked is no longer valid when it runs
        job = session.scalar(select(Job).where(Job.public_id == job_id))
        assert job is not None
        job.payload = {**job.payload, "form_id": "us-ga/pardon"}
    assert Runner(engine, settings).run_due() == 1
    engine.dispose()
    state = waiting.get(f"/cases/{case_id}/packet/status", params={"id": job_id}).json()
    assert state["status"] == "failed"
    assert "us-ga/pardon is for us-ga, and this case is in us-federal" in state["error"]
    page = waiting.get(f"/cases/{case_id}/packet/job", params={"id": job_id})
    assert "The packet could not be made" in page.text
    assert "us-ga/pardon is for us-ga" in page.text
    waiting.close()


def _grant_counts(url: str) -> tuple[int, int, list[tuple[str, str]]]:
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        sources = session.scalar(select(func.count()).select_from(GrantSource)) or 0
        grants = session.scalar(select(func.count()).select_from(GrantRecord)) or 0
        jobs = [(j.kind, j.status) for j in session.scalars(select(Job).order_by(Job.id))]
    engine.dispose()
    return sources, grants, jobs


def _queue_grants(url: str, data_dir: Path, path: Path) -> Any:
    env = {"CLEMENCY_DATABASE_URL": url, "CLEMENCY_DATA_DIR": str(data_dir)}
    return CliRunner().invoke(
        cli_app, ["grants", "import", str(path), "--queue", "--format", "text"], env=env
    )


@pytest.fixture
def gwb() -> Path:
    if not GWB.exists():
        pytest.skip(f"shared data missing: {GWB}")
    return GWB


def test_grant_import_queued_twice_stores_the_page_once(tmp_path: Path, gwb: Path) -> None:
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    world = _world(url)
    settings = _settings(url, tmp_path)
    from clemency.config import get_settings

    get_settings.cache_clear()
    try:
        first = _queue_grants(url, settings.data_dir, gwb)
        assert first.exit_code == 0, first.output
        assert f"{GWB_GRANTS} grants in {gwb.name}" in first.output
        assert _grant_counts(url) == (0, 0, [("grants_import", "queued")])
        engine = make_engine(url)
        assert Runner(engine, settings).run_due() == 1
        assert _grant_counts(url) == (1, GWB_GRANTS, [("grants_import", "done")])
        again = _queue_grants(url, settings.data_dir, gwb)  # the same page again
        assert again.exit_code == 0, again.output
        assert Runner(engine, settings).run_due() == 1
        counts = _grant_counts(url)
        assert counts == (1, GWB_GRANTS, [("grants_import", "done")] * 2)
        with unit_of_work(engine) as session:
            results = [j.result for j in session.scalars(select(Job).order_by(Job.id))]
            trail = [
                e.detail or ""
                for e in session.scalars(
                    select(AuditEvent).where(AuditEvent.entity_type == "grant_source")
                )
            ]
        engine.dispose()
        assert [r["created"] for r in results if r] == [True, False]
        assert len(trail) == 2
        assert trail[0].startswith(f"{GWB_GRANTS} grants stored from {gwb.name}")
        assert "was imported before" in trail[1]
        # A file that is not a grant page is refused at once, in one line; nothing is queued.
        junk = tmp_path / "notes.html"
        junk.write_text("<html><body><p>minutes of the meeting</p></body></html>")
        refused = _queue_grants(url, settings.data_dir, junk)
        assert refused.exit_code == 1
        assert refused.output.startswith("error: notes.html")
        assert len(refused.output.strip().splitlines()) == 1
        assert len(_grant_counts(url)[2]) == 2
    finally:
        get_settings.cache_clear()
    # The admin's jobs page lists the imports (queued from the command line: no user).
    with TestClient(
        create_app(settings), follow_redirects=False, client=("127.0.0.1", 40000)
    ) as client:
        sign_in(client, world["emails"]["admin"])
        page = client.get("/admin/jobs")
        assert page.status_code == 200
        assert page.text.count("grants_import") >= 2


@pytest.fixture
def pg_url(pg_server_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database, dropped afterwards."""
    import sqlalchemy as sa

    from tests.conftest import fresh_pg_database

    name = f"clemency_pjobs_{os.getpid()}"
    yield fresh_pg_database(pg_server_url, name)
    admin = sa.create_engine(pg_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.mark.postgres
@pytest.mark.subprocess  # a worker process beside the app, stopped with SIGTERM
def test_packet_and_grant_import_run_on_procrastinate_with_a_real_worker(
    pg_url: str, tmp_path: Path, gwb: Path
) -> None:
    from clemency.config import get_settings

    url = pg_url
    world = _world(url)
    settings = _settings(url, tmp_path)
    env = {
        **os.environ,
        "CLEMENCY_DATABASE_URL": url,
        "CLEMENCY_DATA_DIR": str(settings.data_dir),
        "CLEMENCY_ENVIRONMENT": "test",
    }
    get_settings.cache_clear()
    try:
        queued = _queue_grants(url, settings.data_dir, gwb)
    finally:
        get_settings.cache_clear()
    assert queued.exit_code == 0, queued.output
    worker = subprocess.Popen(
        [sys.executable, "-m", "clemency.cli.main", "worker"], env=env, stderr=subprocess.PIPE
    )
    try:
        with TestClient(create_app(settings), follow_redirects=False) as client:
            assert client.get("/readyz").json()["job_queue"] == "procrastinate"
            sign_in(client, world["emails"]["attorney"])
            job_id = _queue_packet(client, world["case_id"])
            assert _wait(client, world["case_id"], job_id)["status"] == "done"
            document_id = _download_and_read(client, world, job_id)
        deadline = time.monotonic() + 30
        while _grant_counts(url)[2].count(("grants_import", "done")) < 1:
            assert time.monotonic() < deadline, _grant_counts(url)
            time.sleep(0.1)
    finally:
        worker.terminate()
        _out, err = worker.communicate(timeout=40)
    assert worker.returncode == 0, err.decode()[-2000:]
    _stored_once(url, world, job_id, document_id)
    sources, grants, jobs = _grant_counts(url)
    assert (sources, grants) == (1, GWB_GRANTS)
    assert sorted(jobs) == [("generate_packet", "done"), ("grants_import", "done")]
