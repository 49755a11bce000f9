"""The command-line contract of product.md §5.3: exit codes and one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clemency import __version__
from clemency.cli.main import app
from tests.conftest import missing

runner = CliRunner()


def test_version_prints_the_package_version() -> None:
    result = runner.invoke(app, ["version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == __version__


def test_unknown_command_is_bad_usage_exit_2() -> None:
    result = runner.invoke(app, ["no-such-command"])
    assert result.exit_code == 2


@pytest.mark.subprocess  # the installed script, started as a user's shell starts it
def test_installed_console_script_runs_and_fails_in_one_line() -> None:
    script = Path(sys.executable).parent / "clemency"
    if not script.exists():
        missing(f"the console script is not installed beside {sys.executable}")
    helped = subprocess.run([script, "--help"], capture_output=True, text=True, check=False)
    assert helped.returncode == 0, helped.stderr
    assert "clemency" in helped.stdout.lower()
    facts = "/no/such/facts.json"
    failed = subprocess.run(
        [script, "check", facts, "--ruleset", "us-federal/commutation"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert failed.returncode == 1
    assert failed.stderr == f"error: {facts}: no such file.\n"


def test_demo_command_defaults_match_the_seed_module() -> None:
    from clemency.cases.demo import seed
    from clemency.cli import demo

    assert (demo.DEFAULT_SEED, demo.DEFAULT_COUNT) == (seed.DEFAULT_SEED, seed.DEFAULT_COUNT)


@pytest.mark.subprocess  # what a fresh process imports
def test_the_command_starts_without_the_store_or_migrations() -> None:
    """Every invocation loads cli.main; bulk screening must not pay for Alembic or the ORM."""
    code = (
        "import sys, clemency.cli.main; "
        "print(sorted(m for m in ('alembic', 'sqlalchemy.orm', 'fastapi', 'sqlglot') "
        "if m in sys.modules))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip() == "[]"


@pytest.mark.subprocess  # what a fresh process imports
def test_the_rules_engine_loads_the_sql_compiler_only_when_asked() -> None:
    code = (
        "import sys, clemency.eligibility as e; before = 'sqlglot' in sys.modules; "
        "e.compile_ruleset; print(before, 'sqlglot' in sys.modules)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert completed.stdout.split() == ["False", "True"]
