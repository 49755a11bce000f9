"""`clemency check --case ID`: a stored case through the access check and the rules engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli import Ran, run_cli


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("check") / "demo.db"
    # run_cli, not a bare CliRunner: the demo installs its keyring in this process, and a
    # module-wide fixture that left it installed would encrypt later tests' stored files.
    result = run_cli("demo", "--database", str(path), "--count", "12", "--no-serve")
    assert result.returncode == 0, result.stderr
    return f"sqlite:///{path}"


def _check(demo_db: str, *extra: str) -> Ran:
    return run_cli("check", "--database-url", demo_db, *extra)


def test_stored_alice_is_eligible_for_commutation_before_her_release(demo_db: str) -> None:
    result = _check(
        demo_db, "--case", "1", "--ruleset", "us-federal/commutation", "--as-of", "2018-06-01",
        "--format", "json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    determination = json.loads(result.stdout)
    assert determination["outcome"] == "eligible"
    assert determination["ruleset"]["id"] == "us-federal/commutation"


def test_stored_alice_pardon_gives_the_date_five_years_after_release(demo_db: str) -> None:
    result = _check(
        demo_db, "--case", "1", "--ruleset", "us-federal/pardon", "--as-of", "2019-01-01"
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Outcome: INELIGIBLE" in result.stdout
    assert "until 2023-06-06" in result.stdout
    # no eligible_on: on 2023-06-06 the residence rule is not yet vouched for (from 2024-05-31)
    assert "Eligible on:" not in result.stdout


def test_a_user_who_may_not_see_the_case_gets_not_found(demo_db: str) -> None:
    result = _check(
        demo_db, "--case", "1", "--ruleset", "us-federal/pardon", "--as-of", "2019-01-01",
        "--as", "admin@pardon-project.example",
    )  # fmt: skip
    assert result.returncode == 1
    assert "No case 1" in result.stderr


def test_facts_file_and_case_together_is_bad_usage(demo_db: str, tmp_path: Path) -> None:
    facts = tmp_path / "f.json"
    facts.write_text("{}")
    result = _check(demo_db, str(facts), "--case", "1", "--ruleset", "us-federal/pardon")
    assert result.returncode == 2


def test_stored_alice_checked_today_states_her_grants_and_is_not_eligible_again(
    demo_db: str,
) -> None:
    """Issue #11 item 11: the record's pardon of 2020-08-28 is stated, never "eligible"."""
    result = _check(
        demo_db, "--case", "1", "--ruleset", "us-federal/pardon", "--as-of", "2026-12-04"
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Outcome: INELIGIBLE" in result.stdout
    assert "Record: commutation granted on 2018-06-06" in result.stdout
    assert "Record: pardon granted on 2020-08-28" in result.stdout
    assert "[FAIL] Not already granted (pardon)" in result.stdout
