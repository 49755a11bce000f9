"""`clemency accounts`: what only a system operator may do to a whole account (every
organization it belongs to), never an organization's admin: disable, enable, unlock, reset
two-factor sign-in. Each is audited with the operator's name (``$USER`` on this host)."""

from __future__ import annotations

import getpass
from datetime import UTC, datetime
from typing import Annotated

import typer

from clemency.cli.common import fail
from clemency.config import get_settings

accounts_app = typer.Typer(
    help="Whole accounts, for a system operator: disable, enable, unlock, reset two-factor.",
    no_args_is_help=True,
)
DatabaseUrl = Annotated[
    str | None, typer.Option("--database-url", help="Default: CLEMENCY_DATABASE_URL.")
]


def _operator() -> str:
    try:
        return f"cli:{getpass.getuser()}"[:254]
    except (KeyError, OSError):
        return "cli:operator"


def _run(database_url: str | None, email: str, action: str) -> None:
    from clemency.accounts import auth, mfa
    from clemency.accounts.service import get_user_by_email
    from clemency.audit import service as audit
    from clemency.db.session import make_engine, unit_of_work
    from clemency.errors import ClemencyError

    engine = make_engine(database_url or get_settings().database_url)
    now = datetime.now(UTC)
    operator = _operator()
    try:
        with unit_of_work(engine) as session:
            audit.set_origin(session, source="cli")
            if action in ("disable", "enable"):
                auth.operator_set_active(
                    session=session,
                    email=email,
                    active=action == "enable",
                    operator=operator,
                    now=now,
                )
            elif action == "unlock":
                auth.operator_unlock(session=session, email=email, operator=operator)
            else:
                user = get_user_by_email(session=session, email=email)
                if user is None:
                    fail(f"no account with e-mail {email.strip().lower()}")
                mfa.reset_by_operator(session=session, user=user, operator=operator, now=now)
    except ClemencyError as error:
        fail(error.message)
    finally:
        engine.dispose()
    typer.echo(f"{email.strip().lower()}: {action} done (audited as {operator})")


@accounts_app.command("disable")
def disable(email: str, database_url: DatabaseUrl = None) -> None:
    """Disable the account everywhere: its sessions, tokens and calendar link stop working."""
    _run(database_url, email, "disable")


@accounts_app.command("enable")
def enable(email: str, database_url: DatabaseUrl = None) -> None:
    """Enable a disabled account again."""
    _run(database_url, email, "enable")


@accounts_app.command("unlock")
def unlock(email: str, database_url: DatabaseUrl = None) -> None:
    """Lift a lockout after failed sign-ins (passwords or two-factor codes)."""
    _run(database_url, email, "unlock")


@accounts_app.command("mfa-reset")
def mfa_reset(email: str, database_url: DatabaseUrl = None) -> None:
    """Clear the account's two-factor secret and recovery codes and end its sessions; the
    person sets it up again at the next sign-in."""
    _run(database_url, email, "mfa-reset")


def register(app: typer.Typer) -> None:
    app.add_typer(accounts_app, name="accounts")
