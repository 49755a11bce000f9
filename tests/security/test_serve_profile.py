"""Finding 9 of issue #12: `clemency serve` quietly ran the development profile with the
placeholder secret unless CLEMENCY_ENVIRONMENT=production was set."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from clemency.audit import keys
from clemency.cli.main import app
from clemency.config import get_settings

LONG_SECRET = "s" * 48


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Calls that reached the server runner (nothing is served), with a clean CLEMENCY_*
    environment."""
    from clemency.web import server

    for name in ("ENVIRONMENT", "SECRET_KEY", "AUDIT_KEY_FILE", "AUDIT_KEY", "KEY_FILE", "KEYS"):
        monkeypatch.setenv(f"CLEMENCY_{name}", "")  # so that teardown restores the original
        monkeypatch.delenv(f"CLEMENCY_{name}")
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(server, "run", lambda *args, **kwargs: calls.append(kwargs))
    get_settings.cache_clear()
    yield calls
    get_settings.cache_clear()


def _serve(*args: str) -> Any:
    return CliRunner().invoke(app, ["serve", *args])


def test_serve_defaults_to_production_and_refuses_the_placeholder_secret(
    started: list[dict[str, Any]],
) -> None:
    result = _serve()
    assert result.exit_code == 1
    assert "CLEMENCY_SECRET_KEY" in result.output
    assert "Traceback" not in result.output
    assert started == []


def _encryption_keys(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Production also needs encryption keys (checked first); give it some."""
    from clemency.crypto import keys as crypto_keys

    key_file = tmp_path / "clemency.keys"
    crypto_keys.write(crypto_keys.generate(), key_file)
    monkeypatch.setenv("CLEMENCY_KEY_FILE", str(key_file))


def test_serve_in_production_needs_an_audit_key(
    started: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CLEMENCY_SECRET_KEY", LONG_SECRET)
    _encryption_keys(monkeypatch, tmp_path)
    refused = _serve()
    assert refused.exit_code == 1
    assert "CLEMENCY_AUDIT_KEY_FILE" in refused.output
    key_file = tmp_path / "audit.key"
    keys.write_new_key(key_file)
    monkeypatch.setenv("CLEMENCY_AUDIT_KEY_FILE", str(key_file))
    served = _serve()
    assert served.exit_code == 0, served.output
    assert "production profile" in served.output
    assert len(started) == 1


def test_the_test_profile_refuses_the_placeholder_too(
    started: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLEMENCY_ENVIRONMENT", "test")
    assert _serve().exit_code == 1
    assert started == []


def test_development_is_an_explicit_choice(started: list[dict[str, Any]]) -> None:
    result = _serve("--development")
    assert result.exit_code == 0, result.output
    assert "development profile" in result.output
    assert len(started) == 1


def test_a_broken_audit_key_file_is_one_line(
    started: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bad = tmp_path / "audit.key"
    bad.write_text("not a key\n")
    monkeypatch.setenv("CLEMENCY_SECRET_KEY", LONG_SECRET)
    monkeypatch.setenv("CLEMENCY_AUDIT_KEY_FILE", str(bad))
    _encryption_keys(monkeypatch, tmp_path)
    result = _serve()
    assert result.exit_code == 1
    assert "64 hexadecimal characters" in result.output
    assert started == []
