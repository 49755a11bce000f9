"""/healthz, /readyz, /metrics and request ids, over HTTP against a real database."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from clemency.config import Settings
from clemency.db import migrate
from clemency.ops.logs import JsonFormatter
from clemency.web.app import create_app


def _client(url: str, tmp_path: Path, host: str = "127.0.0.1", **extra: object) -> TestClient:
    settings = Settings(environment="test", database_url=url, data_dir=tmp_path / "data", **extra)
    return TestClient(create_app(settings), client=(host, 40000))


@pytest.fixture
def migrated(database_url: str) -> str:
    migrate.upgrade(database_url)
    return database_url


def test_healthz_and_readyz_on_a_migrated_database(migrated: str, tmp_path: Path) -> None:
    with _client(migrated, tmp_path) as client:
        assert client.get("/healthz").text == "ok"
        ready = client.get("/readyz")
        assert ready.status_code == 200, ready.text
        body = ready.json()
        assert body["ok"] is True
        assert body["migrations"]["database"] == body["migrations"]["code"] != []


def test_readyz_is_503_with_a_reason_when_migrations_are_behind(
    database_url: str, tmp_path: Path
) -> None:
    migrate.upgrade(database_url, "0002")
    with _client(database_url, tmp_path) as client:
        ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["ok"] is False
    assert "clemency db upgrade" in ready.json()["reason"]
    assert ready.json()["migrations"]["database"] == ["0002"]


def test_readyz_is_503_when_the_database_does_not_answer(tmp_path: Path) -> None:
    # A SQLite file inside a folder that does not exist cannot be opened.
    url = f"sqlite:///{tmp_path / 'absent' / 'db.sqlite'}"
    client = _client(url, tmp_path)  # no lifespan: the app starts without its database
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["reason"].startswith("database unreachable")


def test_metrics_count_requests_by_route_template_and_status(migrated: str, tmp_path: Path) -> None:
    with _client(migrated, tmp_path) as client:
        client.get("/cases/12345")  # redirected to sign in: a route template, not the raw path
        client.get("/no/such/page")
        page = client.get("/metrics")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/plain")
    text_ = page.text
    assert 'clemency_http_requests_total{method="GET",route="/cases/{case_id}",status=' in text_
    assert 'route="(unmatched)",status="404"' in text_
    # The raw path never becomes a label. (Checked on the parsed labels: the
    # text also holds float timestamps, where any run of digits may occur.)
    label_values = {
        value
        for family in text_string_to_metric_families(text_)
        for sample in family.samples
        for value in sample.labels.values()
    }
    assert "/cases/{case_id}" in label_values
    assert not [value for value in label_values if "12345" in value]
    assert "clemency_http_request_duration_seconds_bucket" in text_


def test_metrics_refused_outside_the_allowed_addresses(migrated: str, tmp_path: Path) -> None:
    with _client(migrated, tmp_path, host="203.0.113.9") as client:
        assert client.get("/metrics").status_code == 404
    allowed = {"metrics_allow": ["203.0.113.0/24"]}
    with _client(migrated, tmp_path, host="203.0.113.9", **allowed) as client:
        assert client.get("/metrics").status_code == 200
    with _client(migrated, tmp_path, host="::1") as client:
        assert client.get("/metrics").status_code == 200


def test_request_id_is_honoured_or_generated_and_logged(
    migrated: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with _client(migrated, tmp_path) as client, caplog.at_level(logging.INFO, "clemency.access"):
        given = client.get("/healthz", headers={"X-Request-ID": "abc-123.x_y"})
        bad = client.get("/healthz", headers={"X-Request-ID": "evil\tvalue with spaces"})
        none = client.get("/letters/secret-token-abc")
    assert given.headers["x-request-id"] == "abc-123.x_y"
    assert bad.headers["x-request-id"] != "evil\tvalue with spaces"
    assert len(bad.headers["x-request-id"]) == 16
    assert len(none.headers["x-request-id"]) == 16
    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records]
    by_id = {line.get("request_id"): line for line in lines}
    assert by_id["abc-123.x_y"]["route"] == "/healthz"
    assert by_id["abc-123.x_y"]["status"] == 200
    assert all("secret-token-abc" not in json.dumps(line) for line in lines)


def test_json_log_lines_carry_the_request_id() -> None:
    from clemency.ops.logs import REQUEST_ID

    record = logging.makeLogRecord({"msg": "hello %s", "args": ("x",), "levelname": "INFO"})
    token = REQUEST_ID.set("rid-1")
    try:
        line = json.loads(JsonFormatter().format(record))
    finally:
        REQUEST_ID.reset(token)
    assert line["message"] == "hello x"
    assert line["request_id"] == "rid-1"


def test_configured_logs_drop_weasyprint_info_but_keep_its_warnings() -> None:
    from clemency.ops.logs import configure

    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    chatty = [logging.getLogger(name) for name in ("weasyprint", "fontTools")]
    levels = [logger.level for logger in chatty]
    try:
        configure("text", logging.INFO)
        for logger in chatty:
            assert not logger.isEnabledFor(logging.INFO)
            assert logger.isEnabledFor(logging.WARNING)
        assert logging.getLogger("clemency.jobs").isEnabledFor(logging.INFO)
    finally:
        root.handlers, root.level = saved
        for logger, level in zip(chatty, levels, strict=True):
            logger.setLevel(level)


def test_pool_use_is_reported_for_postgresql_pools(migrated: str, tmp_path: Path) -> None:
    if not migrated.startswith("postgresql"):
        pytest.skip("SQLite's pool has no size to report")
    with _client(migrated, tmp_path) as client:
        client.get("/readyz")
        page = client.get("/metrics").text
    assert "clemency_db_pool_size 5.0" in page
    assert "clemency_db_pool_connections_in_use " in page
