"""The root command lists every command without importing it, and the list tells the truth."""

from __future__ import annotations

import importlib
import inspect
import os
import subprocess
import sys

import pytest
import typer
import typer.main
from typer.core import TyperGroup
from typer.testing import CliRunner

from clemency.cli import main
from clemency.cli.main import COMMANDS, app

runner = CliRunner()


def _first_paragraph(text: str) -> str:
    return " ".join(inspect.cleandoc(text).split("\n\n")[0].split())


def test_every_module_registers_exactly_the_commands_the_table_names() -> None:
    for module_name in sorted({module for module, _ in COMMANDS.values()}):
        holder = typer.Typer()
        holder.callback()(main._no_options)
        importlib.import_module(module_name).register(holder)
        group = typer.main.get_command(holder)
        assert isinstance(group, TyperGroup)
        named = {name for name, (module, _) in COMMANDS.items() if module == module_name}
        assert set(group.commands) == named, module_name


def test_each_listed_line_is_the_commands_own_help() -> None:
    for name, (_, line) in COMMANDS.items():
        command = main.load_command(name)
        assert command is not None, name
        assert _first_paragraph(command.help or "") == line, name


@pytest.mark.subprocess  # what a fresh process imports for `clemency --help`
def test_help_lists_every_command_without_importing_any() -> None:
    code = (
        "import sys; from clemency.cli.main import run; sys.argv = ['clemency', '--help']\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('clemency.cli.') "
        "and m not in ('clemency.cli.main', 'clemency.cli.common')))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "300"},
    )
    listing, _, loaded = completed.stdout.rpartition("\n[")
    assert "[" + loaded.strip() == "[]"
    for name, (_, line) in [("version", ("", "Print the Clemency version.")), *COMMANDS.items()]:
        assert f"  {name} " in listing, name
        assert line in " ".join(listing.split()), name


def test_a_lazily_loaded_group_runs_and_shows_its_own_help() -> None:
    result = runner.invoke(app, ["rules", "--help"])
    assert result.exit_code == 0, result.output
    assert "List, show, test and compile rulesets." in result.output
    assert "compile" in result.output


def test_an_unknown_command_is_still_bad_usage() -> None:
    result = runner.invoke(app, ["no-such-command"])
    assert result.exit_code == 2
