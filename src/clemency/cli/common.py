"""What every command shares: the user-error exit, settings and the unit of work."""

from __future__ import annotations

import sys
from typing import NoReturn

import typer

from clemency.errors import ClemencyError

DEBUG = {"on": False}


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a one-line message on stderr and exit (1: user error, 2: bad usage)."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def report(error: ClemencyError) -> NoReturn:
    if DEBUG["on"]:
        raise error
    fail(error.message)


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()
