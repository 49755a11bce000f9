"""`clemency doctor`: check a deployment's settings and services; say what to fix."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from collections.abc import Callable

    from clemency.config import Settings
    from clemency.ops.doctor import Finding


def _readable_by_others(path: Path | None) -> str | None:
    """Why the key file's mode is too open, or None (owner and group only is right)."""
    if path is None:
        return None
    try:
        mode = path.stat().st_mode & 0o777
    except OSError:
        return None  # reading it fails with its own message
    return (
        f"{path} has mode {mode:04o}: every account on this machine may read it"
        if (mode & 0o007)
        else None
    )


def _key_finding(
    name: str,
    load: Callable[[], object],
    path: Path | None,
    inline_setting: str | None,
    *,
    production: bool,
    unset: str,
    make: str,
    file_setting: str,
) -> Finding:
    """One key's finding: unreadable or malformed, readable by others, absent (a failure in
    production only), or present (named by the setting that holds it)."""
    from clemency.errors import ClemencyError
    from clemency.ops.doctor import Finding

    try:
        key = load()
    except ClemencyError as error:
        return Finding(name, False, error.message, f"fix {file_setting} (above)")
    open_mode = _readable_by_others(path)
    if open_mode:
        return Finding(name, False, open_mode, "chmod 0640, owner root, group clemency")
    if key is None:
        return Finding(name, not production, unset, make if production else None)
    return Finding(name, True, f"{inline_setting or path} (readable)")


def key_findings(settings: Settings) -> list[Finding]:
    """The encryption key file and the audit key: readable, well-formed, not world-readable;
    the audit key is required in production (``clemency serve`` refuses to start without)."""
    from clemency.audit import keys as audit_keys
    from clemency.crypto import keys as crypto_keys

    production = settings.environment == "production"
    return [
        _key_finding(
            "encryption keys",
            lambda: crypto_keys.from_settings(settings),
            settings.key_file,
            "CLEMENCY_KEYS" if settings.keys is not None else None,
            production=production,
            unset="none set (health notes, victim records and files are stored unencrypted)",
            make="clemency keys generate --out FILE; set CLEMENCY_KEY_FILE",
            file_setting="CLEMENCY_KEY_FILE",
        ),
        _key_finding(
            "audit key",
            lambda: audit_keys.load_audit_key(settings),
            settings.audit_key_file,
            "CLEMENCY_AUDIT_KEY" if settings.audit_key is not None else None,
            production=production,
            unset="none set (the audit trail's chain is not keyed)",
            make="clemency audit keygen FILE; set CLEMENCY_AUDIT_KEY_FILE",
            file_setting="CLEMENCY_AUDIT_KEY_FILE",
        ),
    ]


def doctor() -> None:
    """Check the secret, database, files, mail, job queue and keys; exit 1 if anything is wrong."""
    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    from clemency.config import Settings
    from clemency.ops.doctor import run_checks

    try:
        settings = Settings()
    except ValidationError as error:
        for problem in error.errors():
            typer.echo(f"FAIL settings: {problem['msg']}")
        raise typer.Exit(1) from None
    except SettingsError as error:
        typer.echo(f"FAIL settings: {error}")
        raise typer.Exit(1) from None
    findings = run_checks(settings) + key_findings(settings)
    for finding in findings:
        typer.echo(f"{'ok  ' if finding.ok else 'FAIL'} {finding.name}: {finding.detail}")
        if finding.fix:
            typer.echo(f"     fix: {finding.fix}")
    if not all(f.ok for f in findings):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Attach `clemency doctor`."""
    app.command("doctor")(doctor)
