"""`clemency doctor` and `clemency demo` with CLEMENCY_DATABASE_URL, through the CLI."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clemency.cli.main import app
from clemency.db import migrate

runner = CliRunner()


def _env(tmp_path: Path, url: str, **extra: str) -> dict[str, str]:
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "mail").mkdir(exist_ok=True)
    return {
        "CLEMENCY_ENVIRONMENT": "production",
        "CLEMENCY_SECRET_KEY": secrets.token_urlsafe(48),
        "CLEMENCY_DATABASE_URL": url,
        "CLEMENCY_DATA_DIR": str(tmp_path / "data"),
        "CLEMENCY_MAIL_BACKEND": "file",
        "CLEMENCY_MAIL_DIR": str(tmp_path / "mail"),
        "CLEMENCY_PUBLIC_URL": "https://clemency.example.org",
        "CLEMENCY_KEY_FILE": str(_key_file(tmp_path)),
        "CLEMENCY_AUDIT_KEY_FILE": str(_audit_key_file(tmp_path)),
        **extra,
    }


def _audit_key_file(tmp_path: Path) -> Path:
    """The audit trail's key, which `clemency serve` requires in production."""
    from clemency.audit import keys as audit_keys

    path = tmp_path / "audit.key"
    if not path.exists():
        audit_keys.write_new_key(path)
    return path


def _key_file(tmp_path: Path) -> Path:
    """Encryption keys, which the production profile requires."""
    from clemency.crypto import keys as crypto_keys

    path = tmp_path / "clemency.keys"
    if not path.exists():
        crypto_keys.write(crypto_keys.generate(), path)
    return path


def test_doctor_passes_on_a_sound_deployment(database_url: str, tmp_path: Path) -> None:
    migrate.upgrade(database_url)
    result = runner.invoke(app, ["doctor"], env=_env(tmp_path, database_url))
    assert result.exit_code == 0, result.output
    assert "FAIL" not in result.output


def test_doctor_checks_the_key_files(database_url: str, tmp_path: Path) -> None:
    migrate.upgrade(database_url)
    env = _env(tmp_path, database_url)
    missing = {k: v for k, v in env.items() if k != "CLEMENCY_AUDIT_KEY_FILE"}
    result = runner.invoke(app, ["doctor"], env=missing)
    assert result.exit_code == 1
    assert "FAIL audit key: none set" in result.output
    assert "clemency audit keygen FILE" in result.output
    (tmp_path / "audit.key").chmod(0o644)  # world-readable: refused
    result = runner.invoke(app, ["doctor"], env=env)
    assert result.exit_code == 1
    assert "FAIL audit key:" in result.output
    assert "mode 0644" in result.output
    (tmp_path / "audit.key").chmod(0o640)
    (tmp_path / "clemency.keys").write_text("not a key file")
    result = runner.invoke(app, ["doctor"], env=env)
    assert result.exit_code == 1
    assert "FAIL" in result.output
    assert "Traceback" not in result.output
    (tmp_path / "clemency.keys").unlink()
    _key_file(tmp_path)
    result = runner.invoke(app, ["doctor"], env=env)
    assert result.exit_code == 0, result.output
    assert "ok   encryption keys:" in result.output
    assert "ok   audit key:" in result.output


def test_doctor_names_each_problem_and_its_fix(database_url: str, tmp_path: Path) -> None:
    migrate.upgrade(database_url, "0002")
    env = _env(
        tmp_path,
        database_url,
        CLEMENCY_ENVIRONMENT="development",
        CLEMENCY_SECRET_KEY="tiny-secret-xyz",
        CLEMENCY_DATA_DIR=str(tmp_path / "absent"),
        CLEMENCY_MAIL_BACKEND="none",
    )
    result = runner.invoke(app, ["doctor"], env=env)
    assert result.exit_code == 1
    failed = {line.split(":")[0] for line in result.output.splitlines() if line.startswith("FAIL")}
    assert failed == {
        "FAIL profile",
        "FAIL secret key",
        "FAIL database",
        "FAIL files directory",
        "FAIL mail",
        "FAIL job queue",
    }
    assert "run `clemency db upgrade`" in result.output
    assert "tiny-secret-xyz" not in result.output  # never prints the secret


def test_doctor_does_not_create_a_missing_sqlite_file(tmp_path: Path) -> None:
    target = tmp_path / "nope.db"
    result = runner.invoke(app, ["doctor"], env=_env(tmp_path, f"sqlite:///{target}"))
    assert result.exit_code == 1
    assert "the SQLite file does not exist" in result.output
    assert not target.exists()


def test_doctor_refuses_a_placeholder_secret_in_production(tmp_path: Path) -> None:
    env = _env(tmp_path, f"sqlite:///{tmp_path / 'x.db'}")
    env["CLEMENCY_SECRET_KEY"] = "change-me-development-only"
    result = runner.invoke(app, ["doctor"], env=env)
    assert result.exit_code == 1
    assert result.output.startswith("FAIL")


def test_demo_uses_clemency_database_url(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        app,
        ["demo", "--no-serve", "--count", "3"],
        env={"CLEMENCY_DATABASE_URL": database_url, "CLEMENCY_ENVIRONMENT": "development"},
    )
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "clemency-demo.db").exists()
    assert migrate.current_heads(database_url)
    from sqlalchemy import func, select

    from clemency.cases.models import Case
    from clemency.db.session import make_engine

    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            # --count synthetic cases (the demo adds its worked examples on top).
            assert connection.execute(select(func.count()).select_from(Case)).scalar_one() >= 3
    finally:
        engine.dispose()


def test_metrics_allow_reads_a_comma_separated_list_and_refuses_a_bad_block(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pydantic import ValidationError

    from clemency.config import Settings

    monkeypatch.setenv("CLEMENCY_METRICS_ALLOW", "127.0.0.1/32, 10.1.0.0/16,::1/128")
    assert Settings().metrics_allow == ["127.0.0.1/32", "10.1.0.0/16", "::1/128"]
    monkeypatch.setenv("CLEMENCY_METRICS_ALLOW", "127.0.0.1/32,not-a-network")
    with pytest.raises(ValidationError, match="not-a-network"):
        Settings()


def test_doctor_reports_unreadable_settings_in_one_line(tmp_path: Path) -> None:
    env = _env(tmp_path, f"sqlite:///{tmp_path / 'x.db'}", CLEMENCY_SMTP_PORT="not-a-port")
    result = runner.invoke(app, ["doctor"], env=env)
    assert result.exit_code == 1
    assert result.output.startswith("FAIL settings:")
    assert "Traceback" not in result.output
