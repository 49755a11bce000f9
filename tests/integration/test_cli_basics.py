"""The command-line contract of product.md §5.3: exit codes and one-line errors."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

from clemency import __version__
from clemency.cli.main import app

runner = CliRunner()


def test_version_prints_the_package_version() -> None:
    result = runner.invoke(app, ["version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == __version__


def test_unknown_command_is_bad_usage_exit_2() -> None:
    result = runner.invoke(app, ["no-such-command"])
    assert result.exit_code == 2


def test_installed_console_script_runs() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "clemency.cli.main", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0
    assert "clemency" in completed.stdout.lower()


def test_demo_command_defaults_match_the_seed_module() -> None:
    from clemency.cases.demo import seed
    from clemency.cli import demo

    assert (demo.DEFAULT_SEED, demo.DEFAULT_COUNT) == (seed.DEFAULT_SEED, seed.DEFAULT_COUNT)


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


def test_the_rules_engine_loads_the_sql_compiler_only_when_asked() -> None:
    code = (
        "import sys, clemency.eligibility as e; before = 'sqlglot' in sys.modules; "
        "e.compile_ruleset; print(before, 'sqlglot' in sys.modules)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert completed.stdout.split() == ["False", "True"]
