"""Settings: environment parsing, production secret guard, and the generated reference."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from clemency.config import PLACEHOLDER_SECRET, Settings, settings_reference
from tests.conftest import REPO_ROOT


def test_settings_come_from_clemency_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLEMENCY_DATABASE_URL", "postgres://u@h/db")
    monkeypatch.setenv("CLEMENCY_MAX_UPLOAD_BYTES", "123")
    settings = Settings()
    assert settings.database_url == "postgresql+psycopg://u@h/db"
    assert settings.max_upload_bytes == 123


def test_production_refuses_the_placeholder_secret() -> None:
    with pytest.raises(ValidationError, match="CLEMENCY_SECRET_KEY"):
        Settings(environment="production", secret_key=SecretStr(PLACEHOLDER_SECRET))


def test_production_refuses_a_short_secret() -> None:
    with pytest.raises(ValidationError, match="32 characters"):
        Settings(environment="production", secret_key=SecretStr("short"))


def test_production_accepts_a_long_random_secret() -> None:
    from clemency.crypto import keys

    settings = Settings(
        environment="production",
        secret_key=SecretStr("x" * 48),
        keys=SecretStr(keys.generate().to_json()),
    )
    assert settings.environment == "production"


def test_settings_reference_doc_is_current() -> None:
    on_disk = (REPO_ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert on_disk == settings_reference(), "run: python -m clemency.config > docs/settings.md"
