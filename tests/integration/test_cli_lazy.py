"""The root command lists every command without importing it, and the list tells the truth."""

from __future__ import annotations

import gc
import importlib
import inspect
import json
import os
import subprocess
import sys

import pytest
import typer
import typer.main
from typer.core import TyperGroup
from typer.testing import CliRunner

from clemency.cli import common, main
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


# What `clemency --help` must not load: each costs from 0.05 s (jinja2) to over 1 s (pyspark)
# of start-up, and none is needed to print the list of commands.
HEAVY = (
    "alembic",
    "docx",
    "duckdb",
    "fastapi",
    "jinja2",
    "matplotlib",
    "numpy",
    "pandas",
    "pyarrow",
    "pydantic",
    "pydantic_settings",
    "pypdf",
    "pyspark",
    "rich",
    "sqlalchemy",
    "sqlglot",
    "weasyprint",
    "yaml",
)


@pytest.mark.subprocess  # what a fresh process imports for `clemency --help`
def test_help_lists_every_command_without_importing_any() -> None:
    # A fresh interpreter (start-up is the point): which modules the root help loads.
    code = (
        "import json, sys; from clemency.cli.main import run; sys.argv = ['clemency', '--help']\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "300"},
    )
    listing, _, loaded_json = completed.stdout.rstrip().rpartition("\n")
    loaded = set(json.loads(loaded_json))
    commands = {m for m in loaded if m.startswith("clemency.cli.")}
    assert commands == {"clemency.cli.main", "clemency.cli.common"}
    assert sorted(m for m in loaded if m.split(".")[0] in HEAVY) == []
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


def test_a_command_runs_with_rare_full_collections_and_puts_the_thresholds_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[tuple[int, int, int]] = []
    before = gc.get_threshold()
    monkeypatch.setattr(main, "app", lambda: seen.append(gc.get_threshold()))
    main.run()
    assert seen == [common.COMMAND_GC_THRESHOLD]
    assert common.COMMAND_GC_THRESHOLD[2] > before[2]
    assert gc.get_threshold() == before
