"""Entry point of the ``clemency`` command. Exit codes: 0 ok, 1 user error, 2 bad usage."""

from __future__ import annotations

import sys

import typer

from clemency import __version__
from clemency.cli import common
from clemency.errors import ClemencyError

app = typer.Typer(
    name="clemency",
    help="Clemency: case records, rules as code, bulk screening, petitions and the public record.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
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


def _register() -> None:
    """Attach each command group; a group whose optional extra is not installed is left out."""
    from clemency.cli import (
        accounts,
        backup,
        check,
        db,
        demo,
        doctor,
        grants,
        keys,
        petition,
        rules,
        screen,
        serve,
        work,
        worker,
    )

    for module in (
        db,
        demo,
        rules,
        check,
        screen,
        grants,
        petition,
        serve,
        backup,
        keys,
        accounts,
        work,
        doctor,
        worker,
    ):
        module.register(app)


_register()


def run() -> None:
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
