"""`clemency check` and `clemency rules …`, run through the real command-line app."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from clemency.cli.main import app
from clemency.eligibility import list_rulesets

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_check_prints_the_determination_json() -> None:
    code, out, _ = run(
        "check",
        str(EXAMPLES / "alice-johnson-after-commutation.facts.json"),
        "--ruleset",
        "us-federal/pardon",
        "--as-of",
        "2019-01-01",
        "--format",
        "json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["outcome"] == "ineligible"
    assert data["eligible_on"] is None  # 2023-06-06 is before the residence rule's horizon
    assert data["ruleset"]["id"] == "us-federal/pardon"
    residence = next(r for r in data["rules"] if r["id"].endswith("resides_in_us"))
    assert residence["vouched"] is False


def test_check_text_is_an_explanation_tree() -> None:
    code, out, _ = run(
        "check",
        str(EXAMPLES / "alice-johnson.facts.json"),
        "--ruleset",
        "us-federal/commutation",
        "--as-of",
        "2018-06-01",
    )
    assert code == 0
    assert "Outcome: ELIGIBLE" in out
    assert "├─ [????] Merit factor: meritorious service" in out
    # before 2024-05-31 Clemency does not vouch for the Pardon Attorney's no-wait answer
    assert "└─ [NOT VOUCHED] No waiting period after a denial" in out


def test_check_refuses_a_facts_file_with_an_unknown_fact(tmp_path: Path) -> None:
    facts = tmp_path / "facts.json"
    facts.write_text('{"relase_date": "2018-06-06"}')
    code, out, err = run(
        "check", str(facts), "--ruleset", "us-federal/pardon", "--as-of", "2019-01-01"
    )
    assert code == 1
    assert out == ""
    assert (
        err.strip()
        == "error: unknown fact `relase_date`. Did you mean `release_date`? Facts are listed in docs/facts.md."
    )


def test_check_user_errors_are_one_line(tmp_path: Path) -> None:
    facts = tmp_path / "facts.json"
    facts.write_text("{not json")
    code, _, err = run(
        "check", str(facts), "--ruleset", "us-federal/pardon", "--as-of", "2019-01-01"
    )
    assert (code, err.count("\n")) == (1, 1)
    assert "not valid JSON" in err
    code, _, err = run(
        "check", str(EXAMPLES / "alice-johnson.facts.json"), "--ruleset", "us-xx/pardon"
    )
    assert code == 1
    assert "known rulesets: " in err
    assert "us-federal/clemency-initiative-2014" in err
    code, _, err = run(
        "check",
        str(EXAMPLES / "alice-johnson.facts.json"),
        "--ruleset",
        "us-federal/pardon",
        "--as-of",
        "June",
    )
    assert code == 2
    code, _, err = run(
        "check", "--case", "42", "--ruleset", "us-federal/pardon", "--as-of", "2019-01-01"
    )
    assert code == 1
    assert err.count("\n") == 1  # one line, whatever the store says (no such table or no case)


def test_rules_list_and_show() -> None:
    code, out, _ = run("rules", "list")
    assert code == 0
    assert len(out.strip().splitlines()) == len(list_rulesets())
    assert "us-federal/commutation" in out
    code, out, _ = run("rules", "show", "us-federal/pardon")
    assert code == 0
    assert "wait until: add_years(" in out
    assert "parameter waiting_years = {1993-10-18: 5}" in out
    assert "source: 28 CFR 1.2" in out


def test_rules_show_lists_every_unverified_note_and_list_counts_them() -> None:
    from clemency.eligibility import load_ruleset
    from clemency.eligibility.citations import unverified_notes

    ruleset = load_ruleset("us-ok/commutation")
    expected = [(r.id, n) for r in ruleset.rules for n in unverified_notes(r.citation)]
    assert expected, "the Oklahoma ruleset still carries unverified notes"
    code, out, _ = run("rules", "show", "us-ok/commutation")
    assert code == 0
    assert f"Unverified ({len(expected)}): read these before relying on the ruleset." in out
    for rule_id, note in expected:
        assert f"  - {rule_id}: {note}" in out
        assert f"  UNVERIFIED: {note}" in out
    assert 'chapter\'s own definition of "Inmate" was not read' in out
    code, out, _ = run("rules", "list")
    line = next(x for x in out.splitlines() if x.startswith("us-ok/commutation"))
    assert f", {len(expected)} unverified " in line


def test_rules_test_runs_every_case_and_fails_on_a_broken_expectation(tmp_path: Path) -> None:
    code, out, _ = run("rules", "test")
    assert code == 0
    assert ", 0 failed." in out
    broken = tmp_path / "pardon"
    from shutil import copytree

    from clemency.eligibility.registry import builtin_root

    copytree(builtin_root() / "us-federal" / "pardon", broken)
    tests = broken / "waiting_period.tests.yaml"
    tests.write_text(
        tests.read_text().replace(
            'expect: {rule: pass, reason_contains: "2023-06-06"}', "expect: {rule: fail}"
        )
    )
    code, out, _ = run("rules", "test", str(broken))
    assert code == 1
    assert "FAIL " in out
    assert "rule outcome: expected fail, got pass" in out


def test_rules_sql_prints_a_query_that_runs() -> None:
    code, out, _ = run(
        "rules",
        "sql",
        "us-federal/pardon",
        "--dialect",
        "duckdb",
        "--as-of",
        "2019-01-01",
        "--source",
        "(SELECT 'x' AS person_id, CAST(NULL AS VARCHAR) AS conviction_court, FALSE AS is_in_custody, 'prison' AS sentence_type, DATE '2018-06-06' AS latest_release_date, CAST(NULL AS BOOLEAN) AS was_confined, CAST(NULL AS DATE) AS sentence_date, CAST(NULL AS BOOLEAN) AS on_supervision, CAST(NULL AS DATE) AS supervision_end_date, TRUE AS resides_in_us, FALSE AS is_deceased, 'felony' AS offense_level) AS r",
    )
    assert code == 0
    rows = duckdb.sql(out).fetchall()
    assert rows[0][1] == "ineligible"
    code, _, err = run("rules", "sql", "us-federal/pardon", "--dialect", "oracle")
    assert code == 1
    assert "use one of duckdb, postgres, sqlite, spark" in err


def test_check_timeline_prints_spans_as_text_and_json_and_refuses_a_bad_range() -> None:
    args = ("check", str(EXAMPLES / "alice-johnson-after-commutation.facts.json"))
    code, out, _ = run(
        *args, "--ruleset", "us-federal/pardon", "--timeline", "2018-06-06:2030-12-31"
    )
    assert code == 0
    assert "2018-06-06 to 2023-06-05  INELIGIBLE" in out
    assert "2023-06-06 to 2024-05-30  NEEDS REVIEW" in out  # five years after release
    code, out, _ = run(
        *args, "--ruleset", "us-federal/pardon", "--timeline", "2018-06-06:2030-12-31",
        "--format", "json",
    )  # fmt: skip
    assert code == 0
    assert json.loads(out)["spans"][-1]["to"] == "2030-12-31"
    code, _, err = run(
        *args, "--ruleset", "us-federal/pardon", "--timeline", "2030-01-01:2020-01-01"
    )
    assert code == 2
    assert "TO is before FROM" in err
