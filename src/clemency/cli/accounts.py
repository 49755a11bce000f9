"""`clemency accounts`: what only a system operator may do to a whole account (every
organization it belongs to), never an organization's admin: disable, enable, unlock, reset
two-factor sign-in. Each is audited with the operator's name (``$USER`` on this host)."""

from __future__ import annotations

import getpass
import sys
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


def _new_password() -> str:
    """At a terminal, asked twice without echo; on a pipe, the first line of standard input
    (no prompt, and no warning that the input cannot be hidden)."""
    if sys.stdin.isatty():
        return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        fail("no password on standard input; pipe it in as the first line, or run at a terminal")
    return line


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
            audit.set_origin(session=session, source="cli")
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


@accounts_app.command("create-admin")
def create_admin(
    org: Annotated[str, typer.Option("--org", help="Short name (slug) of the organization.")],
    email: Annotated[str, typer.Option("--email", help="The administrator's e-mail address.")],
    org_name: Annotated[
        str | None, typer.Option("--org-name", help="Full name (default: the slug).")
    ] = None,
    name: Annotated[str, typer.Option("--name", help="Display name.")] = "Administrator",
    database_url: DatabaseUrl = None,
) -> None:
    """Create the first organization and its administrator (asks for the password; on a pipe,
    reads it from standard input). Refused once any administrator exists: the administrator
    then invites everyone else on the Admin page."""
    from sqlalchemy import select

    from clemency.accounts import service
    from clemency.accounts.models import Membership
    from clemency.accounts.passwords import check_password_policy
    from clemency.audit import service as audit
    from clemency.db.session import make_engine, unit_of_work
    from clemency.errors import ClemencyError

    engine = make_engine(database_url or get_settings().database_url)
    try:
        with unit_of_work(engine) as session:
            if session.scalar(select(Membership.id).where(Membership.role == "admin").limit(1)):
                fail("an administrator already exists; invite people from the Admin page")
            password = _new_password()
            # The policy every other way of setting a password applies (invitations, changes).
            check_password_policy(password, email=email, display_name=name)
            audit.set_origin(session=session, source="cli")
            organization = service.create_organization(
                session=session, slug=org, name=org_name or org
            )
            user = service.create_user(
                session=session, email=email, display_name=name, password=password
            )
            service.add_membership(
                session=session, organization=organization, user=user, role="admin"
            )
            audit.record(
                session=session,
                actor_user_id=None,
                actor_label=_operator(),
                action="create",
                entity_type="user",
                entity_id=user.id,
                organization_id=organization.id,
                detail="first administrator created with `clemency accounts create-admin`",
            )
    except ClemencyError as error:
        fail(error.message)
    finally:
        engine.dispose()
    typer.echo(f"{email.strip().lower()}: administrator of {org} (audited as {_operator()})")


def register(app: typer.Typer) -> None:
    app.add_typer(accounts_app, name="accounts")
