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


def test_an_in_process_run_leaves_no_state_behind(tmp_path: Path) -> None:
    """tests/cli.py: the demo installs its keyring and reads settings; none of it outlives it."""
    import logging
    import os

    from clemency.cli import common
    from clemency.config import get_settings
    from clemency.crypto import keys
    from tests.cli import run_cli

    environ, cwd, keyring = dict(os.environ), os.getcwd(), keys._current
    handlers = list(logging.getLogger().handlers)
    get_settings.cache_clear()
    ran = run_cli(
        "--debug",
        "demo",
        "--no-serve",
        "--count",
        "1",
        "--database",
        "demo.db",
        env={"CLEMENCY_DATA_DIR": str(tmp_path / "data"), "CLEMENCY_DATABASE_URL": None},
        cwd=tmp_path,
    )
    assert ran.returncode == 0, ran.stderr
    assert (tmp_path / "demo.db").exists()  # it ran in its own working directory
    assert (dict(os.environ), os.getcwd(), keys._current) == (environ, cwd, keyring)
    assert logging.getLogger().handlers == handlers
    assert common.DEBUG == {"on": False}
    assert get_settings.cache_info().currsize == 0
