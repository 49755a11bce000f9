"""Entry point of the ``clemency`` command. Exit codes: 0 ok, 1 user error, 2 bad usage."""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup

from clemency import __version__
from clemency.cli import common
from clemency.errors import ClemencyError

if TYPE_CHECKING:
    from typer._click import Command, Context, HelpFormatter

# Every command of `clemency`, in the order `clemency --help` lists them: the name, the module
# whose `register(app)` attaches it, and the one line `--help` shows. A module is imported only
# when one of its commands runs (or is asked for its own help), so `clemency --help` and
# `clemency screen` do not pay for the web application, the ORM or the document renderers.
# tests/integration/test_cli_basics.py checks each line against the command's own help text.
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": (
        "clemency.cli.demo",
        "Create the demo database if absent, seed it, print the logins and serve the web app.",
    ),
    "check": (
        "clemency.cli.check",
        "Check one person's facts against a ruleset and explain the result rule by rule.",
    ),
    "screen": (
        "clemency.cli.screen",
        "Screen every row of ROSTER with a ruleset and write one result row per person.",
    ),
    "serve": (
        "clemency.cli.serve",
        "Serve the web application with several workers (production profile unless "
        "CLEMENCY_ENVIRONMENT or --development says otherwise). Run `clemency db upgrade` first.",
    ),
    "backup": (
        "clemency.cli.backup",
        "Back up the database (a consistent online snapshot) and the stored files.",
    ),
    "restore": (
        "clemency.cli.backup",
        "Restore a backup into an empty database, check every hash, then verify the audit trail.",
    ),
    "doctor": (
        "clemency.cli.doctor",
        "Check the secret, database, files, mail, job queue and keys; exit 1 if anything is wrong.",
    ),
    "worker": (
        "clemency.cli.worker",
        "Run queued jobs until stopped (SIGTERM finishes the jobs in hand, then exits).",
    ),
    "db": ("clemency.cli.db", "Database: apply migrations."),
    "audit": ("clemency.cli.audit", "The audit trail."),
    "export": ("clemency.cli.cases", "Export records."),
    "import": ("clemency.cli.cases", "Import records."),
    "rules": ("clemency.cli.rules", "List, show, test and compile rulesets."),
    "grants": (
        "clemency.cli.grants",
        "The public record: grants parsed from the Justice Department's pages.",
    ),
    "petition": ("clemency.cli.petition", "Petition packets, deadlines and lifecycle transitions."),
    "keys": ("clemency.cli.keys", "Encryption keys: generate a key file, rotate keys."),
    "accounts": (
        "clemency.cli.accounts",
        "Whole accounts, for a system operator: disable, enable, unlock, reset two-factor.",
    ),
    "tasks": ("clemency.cli.work", "Tasks: create the system's tasks."),
    "queues": ("clemency.cli.work", "Screening queues: screen cases, report decisions."),
}


def load_command(name: str) -> Command | None:
    """Import the module of command `name` and return the command its `register` attaches."""
    entry = COMMANDS.get(name)
    if entry is None:
        return None
    module = importlib.import_module(entry[0])
    holder = typer.Typer()
    holder.callback()(_no_options)  # a callback makes typer build a group even for one command
    module.register(holder)
    group = typer.main.get_command(holder)
    assert isinstance(group, TyperGroup)
    return group.commands.get(name)


def _no_options() -> None:
    """Placeholder callback of the throw-away app a module registers its commands on."""


class LazyGroup(TyperGroup):
    """The root group: lists every command of `COMMANDS` and imports one only to run it."""

    _listing = False

    def list_commands(self, ctx: Context) -> list[str]:
        return [*self.commands, *(name for name in COMMANDS if name not in self.commands)]

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        if cmd_name not in COMMANDS:
            return None
        if self._listing:  # the root's --help: the table's line is all it shows
            line = COMMANDS[cmd_name][1]
            return TyperCommand(cmd_name, help=line, short_help=line)
        command = load_command(cmd_name)
        if command is not None:
            self.commands[cmd_name] = command
        return command

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


app = typer.Typer(
    name="clemency",
    help="Clemency: case records, rules as code, bulk screening, petitions and the public record.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=LazyGroup,
    rich_markup_mode=None,  # plain help: Rich's help formatter alone costs 0.2 s of CPU to import
)


@app.callback()
def _root(
    debug: bool = typer.Option(
        False, "--debug", help="Show tracebacks instead of one-line errors."
    ),
) -> None:
    common.DEBUG["on"] = debug


@app.command()
def version() -> None:
    """Print the Clemency version."""
    typer.echo(__version__)


def run() -> None:
    common.short_lived()
    try:
        _run()
    finally:
        common.long_running()


def _run() -> None:
    try:
        app()
    except ClemencyError as error:  # a service error that a command did not catch itself
        if common.DEBUG["on"]:
            raise
        typer.echo(f"error: {error.message}", err=True)
        sys.exit(1)
    except Exception as error:
        from pydantic import ValidationError

        if isinstance(error, ValidationError) and not common.DEBUG["on"]:
            # a setting is wrong (e.g. production without keys): one line per problem
            for item in error.errors():
                typer.echo(
                    f"error: settings: {str(item['msg']).removeprefix('Value error, ')}", err=True
                )
            sys.exit(1)
        message = common.database_error_message(error)
        if common.DEBUG["on"] or message is None:
            raise
        typer.echo(f"error: {message}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    run()
