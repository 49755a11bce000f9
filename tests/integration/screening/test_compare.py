"""Policy comparison: the counts printed are the counts found by matching the two results."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from clemency.cli.main import app
from clemency.screening import service
from clemency.screening.compare import compare
from tests.integration.screening.conftest import INITIATIVE_AS_OF

runner = CliRunner()


def outcomes(path: Path) -> dict[str, str]:
    return dict(duckdb.sql(f"SELECT person_id, outcome FROM read_parquet('{path}')").fetchall())


def test_fewer_years_served_moves_people_from_ineligible_to_eligible(
    small_roster: Path, tmp_path: Path
) -> None:
    ruleset = service.load("us-federal/clemency-initiative-2014")
    alternative, label = service.with_parameter(ruleset, "min_years_served=8")
    result = service.screen(
        small_roster,
        ruleset,
        INITIATIVE_AS_OF,
        tmp_path / "ten.parquet",
        alternative=alternative,
        alternative_label=label,
    )
    eight = service.screen(small_roster, alternative, INITIATIVE_AS_OF, tmp_path / "eight.parquet")
    before, after = outcomes(tmp_path / "ten.parquet"), outcomes(eight.out)
    expected = Counter(f"{before[p]} -> {after[p]}" for p in before if p and before[p] != after[p])
    assert result.comparison is not None
    assert result.comparison.transitions == dict(expected)
    assert result.comparison.changed == sum(expected.values()) > 0
    assert "ineligible -> eligible" in result.comparison.transitions or (
        "ineligible -> needs_review" in result.comparison.transitions
    )
    # Lowering the bar never makes anyone ineligible who was not.
    assert not any(pair.endswith("-> ineligible") for pair in expected)
    assert label == "us-federal/clemency-initiative-2014 with min_years_served=8"
    assert alternative.sha256 != ruleset.sha256


def test_compare_two_rulesets_from_the_command_line(small_roster: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.parquet"
    result = runner.invoke(
        app,
        [
            "screen",
            str(small_roster),
            "--ruleset",
            "us-federal/pardon",
            "--as-of",
            "2024-02-29",
            "--out",
            str(out),
            "--compare",
            "us-federal/commutation",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    comparison = payload["comparison"]
    assert comparison["matched"] + comparison["unmatched"] == 600
    assert comparison["changed"] == sum(comparison["transitions"].values()) > 0
    assert comparison["alternative"].startswith("us-federal/commutation")
    assert [p.name for p in tmp_path.iterdir()] == ["r.parquet"]  # the other result is temporary


def test_an_unknown_parameter_names_the_known_ones(small_roster: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "screen",
            str(small_roster),
            "--ruleset",
            "us-federal/clemency-initiative-2014",
            "--as-of",
            "2016-02-29",
            "--out",
            str(tmp_path / "r.csv"),
            "--compare-param",
            "years=8",
        ],
    )
    assert result.exit_code == 1
    assert "min_years_served" in result.stderr
    assert not (tmp_path / "r.csv").exists()


def test_repeated_and_empty_person_ids_are_left_out_of_the_comparison(tmp_path: Path) -> None:
    a, b = tmp_path / "a.parquet", tmp_path / "b.parquet"
    rows = "('P1','eligible'), ('P2','eligible'), ('P2','ineligible'), ('','eligible'), ('P3','ineligible')"
    other = "('P1','ineligible'), ('P2','eligible'), ('P2','eligible'), ('','ineligible'), ('P3','ineligible')"
    for path, values in ((a, rows), (b, other)):
        duckdb.sql(
            f"COPY (SELECT v.*, CAST(NULL AS DATE) AS eligible_on FROM (VALUES {values}) AS v(person_id, outcome)) "
            f"TO '{path}' (FORMAT parquet)"
        )
    result = compare(a, b, ("a", "b"))
    assert result.matched == 2
    assert result.transitions == {"eligible -> ineligible": 1}
    assert result.unmatched == 3


def test_a_changed_parameter_leaves_the_published_ruleset_alone(small_roster: Path) -> None:
    ruleset = service.load("us-federal/pardon")
    params = sorted({p for rule in ruleset.rules for p in rule.parameters})
    assert params, "the pardon ruleset has a waiting-period parameter"
    changed, _ = service.with_parameter(ruleset, f"{params[0]}=3")
    assert any(
        p.values == [(date.min, 3)] for rule in changed.rules for p in rule.parameters.values()
    )
    assert all(
        p.values != [(date.min, 3)] for rule in ruleset.rules for p in rule.parameters.values()
    )
