"""Settings, read from ``CLEMENCY_*`` environment variables through one object.

There is no import-time settings instance: call :func:`get_settings` (cached) or build a
:class:`Settings` yourself (tests do), and pass it down.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PLACEHOLDER_SECRET = "change-me-development-only"  # noqa: S105 - the placeholder itself, refused in production


class Settings(BaseSettings):
    """Everything Clemency can be configured with; see docs/settings.md."""

    model_config = SettingsConfigDict(env_prefix="CLEMENCY_", extra="ignore")

    environment: Literal["development", "test", "production"] = Field(
        default="development",
        description="Deployment profile. `production` refuses placeholder secrets and insecure cookies.",
    )
    database_url: str = Field(
        default="sqlite:///clemency.db",
        description="SQLAlchemy URL of the case database (SQLite file or PostgreSQL).",
    )
    secret_key: SecretStr = Field(
        default=SecretStr(PLACEHOLDER_SECRET),
        description="Key for signing sessions, CSRF tokens and private letter links, and for "
        "sealing two-factor (TOTP) secrets: changing it means every user sets two-factor "
        "sign-in up again.",
    )
    data_dir: Path = Field(
        default=Path("clemency-data"),
        description="Folder for uploaded documents, generated packets and screening outputs.",
    )
    rulesets_paths: list[Path] = Field(
        default_factory=list,
        description="Extra folders searched for rulesets, after the ones shipped with Clemency.",
    )
    max_upload_bytes: int = Field(
        default=10 * 1024 * 1024,
        description="Largest accepted upload (support letters, documents), in bytes.",
    )
    key_file: Path | None = Field(
        default=None,
        description="Key file (made by `clemency keys generate`) whose keys encrypt health notes, "
        "victim records and stored files. Keep it off the database host's backups; required in "
        "production unless `CLEMENCY_KEYS` is set.",
    )
    keys: SecretStr | None = Field(
        default=None,
        description="The key file's content itself (for containers); wins over `CLEMENCY_KEY_FILE`.",
    )
    session_idle_minutes: int = Field(
        default=30, description="A signed-in session ends after this many idle minutes."
    )
    max_sessions_per_user: int = Field(
        default=3,
        ge=1,
        description="Signed-in browser sessions one user may hold at once; signing in once more "
        "ends the oldest (security.md CJ-7 asks for 1 unless a documented need raises it).",
    )
    calendar_feed_days: int = Field(
        default=180,
        ge=1,
        description="Days a private calendar-feed link works before its owner renews it.",
    )
    invitation_days: int = Field(
        default=7, ge=1, description="Days an invitation to join an organization stays open."
    )
    small_count_threshold: int = Field(
        default=5, description="Organization statistics show any count below this as `<N`."
    )
    # --- audit trail key (sec-audit); read only through clemency.audit.keys.load_audit_key ---
    audit_key_file: Path | None = Field(
        default=None,
        description="File holding the audit trail's HMAC key (64 hex characters; make one with "
        "`clemency audit keygen FILE`). Keep it off the database host's backups of the database; "
        "required by `clemency serve` in production.",
    )
    audit_key: SecretStr | None = Field(
        default=None,
        description="The audit trail's HMAC key itself (64 hex characters), instead of a file; "
        "wins over `CLEMENCY_AUDIT_KEY_FILE`.",
    )
    # --- end of the audit trail key block ---

    # --- Operations (ops): serving, metrics, logs, e-mail. Other blocks may follow. ---
    public_url: str | None = Field(
        default=None,
        description="External address of the site, e.g. `https://clemency.example.org`, used "
        "in links sent by e-mail (the request's own address when unset).",
        json_schema_extra={"required": "in production, when mail is sent"},
    )
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description="Comma-separated addresses of the reverse proxies whose `X-Forwarded-*` "
        "headers are trusted (`clemency serve`).",
    )
    metrics_allow: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["127.0.0.1/32", "::1/128"],
        description="Comma-separated CIDR blocks allowed to read `/metrics`; others get 404.",
    )
    log_format: Literal["json", "text"] = Field(
        default="json",
        description="Log format of `clemency serve`: one JSON object a line, or text.",
    )
    mail_backend: Literal["none", "smtp", "file"] = Field(
        default="none",
        description="How e-mail leaves: `smtp`, `file` (written to `CLEMENCY_MAIL_DIR`; the demo) "
        "or `none` (not sent; recorded as skipped).",
        json_schema_extra={"required": "in production (`clemency doctor` checks)"},
    )
    mail_from: str = Field(
        default="clemency@localhost", description="Sender address of e-mail (`From:`)."
    )
    mail_dir: Path = Field(
        default=Path("clemency-mail"), description="Folder the `file` mail backend writes to."
    )
    smtp_host: str = Field(
        default="localhost",
        description="SMTP server host.",
        json_schema_extra={"required": "with `smtp` mail"},
    )
    smtp_port: int = Field(default=587, description="SMTP server port.")
    smtp_security: Literal["starttls", "tls", "none"] = Field(
        default="starttls",
        description="`starttls` (port 587), `tls` (implicit TLS, port 465) or `none` "
        "(a relay on the same machine only).",
    )
    smtp_user: str | None = Field(
        default=None, description="SMTP user name, if the server needs one."
    )
    smtp_password: SecretStr | None = Field(
        default=None,
        description="SMTP password (from the environment only).",
        json_schema_extra={"required": "with `CLEMENCY_SMTP_USER`"},
    )
    smtp_ca_file: Path | None = Field(
        default=None,
        description="PEM file of the certificate authority to verify the SMTP server with, for a "
        "relay whose certificate is not from a public CA (the system's CAs when unset).",
    )
    smtp_timeout_seconds: float = Field(default=10.0, description="SMTP connection timeout.")
    jobs_backend: Literal["auto", "thread", "procrastinate"] = Field(
        default="auto",
        description="Where background jobs run: `procrastinate` (a queue in PostgreSQL, run by "
        "`clemency worker`), `thread` (a thread of each server process; the embedded SQLite "
        "demo) or `auto` (procrastinate on PostgreSQL, thread on SQLite).",
    )
    jobs_screening_threshold_bytes: int = Field(
        default=1024 * 1024,
        description="A roster uploaded in the browser larger than this is screened as a "
        "background job (the page shows progress); a smaller one at once.",
    )
    jobs_max_attempts: int = Field(
        default=3, ge=1, description="Attempts a background job gets before it is failed."
    )
    jobs_retry_seconds: float = Field(
        default=30.0,
        ge=0,
        description="Wait before a failed job's first retry; doubled for each later one.",
    )

    @field_validator("metrics_allow", mode="before")
    @classmethod
    def _split_cidrs(cls, value: object) -> object:
        """``"127.0.0.1/32, 10.0.0.0/8"`` from the environment; each block must parse."""
        import ipaddress

        blocks = (
            [b.strip() for b in value.split(",") if b.strip()] if isinstance(value, str) else value
        )
        if isinstance(blocks, list):
            for block in blocks:
                ipaddress.ip_network(str(block), strict=False)  # ValueError names the bad one
        return blocks

    @field_validator("database_url")
    @classmethod
    def _normalise_database_url(cls, value: str) -> str:
        """Accept the ``postgres://`` and ``postgresql://`` spellings and use psycopg 3."""
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix) :]
        return value

    @model_validator(mode="after")
    def _enforce_real_secret_in_production(self) -> Settings:
        if self.environment == "production" and (
            self.secret_key.get_secret_value() == PLACEHOLDER_SECRET
            or len(self.secret_key.get_secret_value()) < 32
        ):
            raise ValueError(
                "CLEMENCY_SECRET_KEY is the development placeholder or shorter than 32 characters; "
                "set a long random value (for example `python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))'`) before running in production."
            )
        if self.environment == "production" and self.keys is None and self.key_file is None:
            raise ValueError(
                "no encryption keys: set CLEMENCY_KEY_FILE to a key file made by `clemency keys "
                "generate` (or CLEMENCY_KEYS to its content) before running in production."
            )
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, read once from the environment."""
    return Settings()


def settings_reference() -> str:
    """docs/settings.md, generated from the Settings model (a test keeps the file current)."""
    lines = [
        "# Settings",
        "",
        "Clemency reads its settings from environment variables prefixed `CLEMENCY_`.",
        "This page is generated from `clemency.config.Settings`; "
        "`python -m clemency.config > docs/settings.md` rewrites it.",
        "",
        "| Variable | Default | Required | Meaning |",
        "|---|---|---|---|",
    ]
    for name, field in Settings.model_fields.items():
        default = field.get_default(call_default_factory=True)
        if isinstance(default, SecretStr):
            shown = "(placeholder; refused in production)"
        elif default is None:
            shown = "(none)"
        else:
            shown = f"`{default}`"
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        required = str(
            extra.get("required", "in production" if isinstance(default, SecretStr) else "no")
        )
        lines.append(f"| `CLEMENCY_{name.upper()}` | {shown} | {required} | {field.description} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(settings_reference(), end="")
