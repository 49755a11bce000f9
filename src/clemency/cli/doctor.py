"""`clemency doctor`: check a deployment's settings and services; say what to fix."""

from __future__ import annotations

import typer


def doctor() -> None:
    """Check the secret, database, files directory and mail; exit 1 if anything is wrong."""
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
    findings = run_checks(settings)
    for finding in findings:
        typer.echo(f"{'ok  ' if finding.ok else 'FAIL'} {finding.name}: {finding.detail}")
        if finding.fix:
            typer.echo(f"     fix: {finding.fix}")
    if not all(f.ok for f in findings):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Attach `clemency doctor`."""
    app.command("doctor")(doctor)
