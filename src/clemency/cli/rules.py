"""`clemency rules`: list, show, test and compile the rulesets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from clemency.cli.check import parse_as_of
from clemency.cli.common import fail, report
from clemency.errors import ClemencyError

rules_app = typer.Typer(help="List, show, test and compile rulesets.", no_args_is_help=True)


def _extra() -> list[Path]:
    from clemency.config import get_settings

    return list(get_settings().rulesets_paths)


@rules_app.command("list")
def list_command() -> None:
    """List every ruleset: id, version, how many rules and how many unverified notes."""
    from clemency.eligibility import list_rulesets
    from clemency.eligibility.citations import unverified_notes

    try:
        rulesets = list_rulesets(_extra())
    except ClemencyError as error:
        report(error)
    width = max(len(r.id) for r in rulesets)
    for r in rulesets:
        required = len(r.required_rules)
        unverified = sum(len(unverified_notes(rule.citation)) for rule in r.rules)
        typer.echo(
            f"{r.id:<{width}}  v{r.version:<7} {required} required, "
            f"{len(r.rules) - required} advisory, {unverified} unverified  {r.title}"
        )


@rules_app.command("show")
def show_command(ruleset_id: Annotated[str, typer.Argument(help="Ruleset id.")]) -> None:
    """Show a ruleset's rules with their conditions, parameters, dates, citations and what is
    not verified against the official text."""
    from clemency.eligibility import load_ruleset
    from clemency.eligibility.citations import unverified_notes

    try:
        r = load_ruleset(ruleset_id, _extra())
    except ClemencyError as error:
        report(error)
    typer.echo(f"{r.id}  version {r.version}  sha256 {r.sha256}")
    typer.echo(f"{r.title} ({r.jurisdiction}, {r.relief})")
    if r.description:
        typer.echo(r.description.strip())
    typer.echo(f"Facts used: {', '.join(r.facts_used())}")
    for rule in r.rules:
        until = f" until {rule.effective_until}" if rule.effective_until else ""
        typer.echo("")
        typer.echo(f"{rule.id}  [{'required' if rule.required else 'advisory'}]")
        typer.echo(f"  {rule.title}")
        basis = (
            "the day the cited text took effect"
            if rule.basis == "law"
            else "the earliest date vouched for; unknown before it"
        )
        typer.echo(
            f"  effective from {rule.effective_from}{until} (basis: {rule.basis}, {basis}; "
            f"outside: {rule.outside_effective})"
        )
        if rule.when_source:
            typer.echo(f"  when: {rule.when_source.strip()}")
        if rule.wait_until_source:
            typer.echo(f"  wait until: {rule.wait_until_source.strip()}")
        for p in rule.parameters.values():
            values = ", ".join(f"{start}: {value}" for start, value in p.values)
            typer.echo(f"  parameter {p.name} = {{{values}}}  ({p.description})")
        typer.echo(f"  source: {rule.citation}" + (f" <{rule.url}>" if rule.url else ""))
        for note in unverified_notes(rule.citation):
            typer.echo(f"  UNVERIFIED: {note}")
    notes = [(rule.id, note) for rule in r.rules for note in unverified_notes(rule.citation)]
    typer.echo("")
    if notes:
        typer.echo(f"Unverified ({len(notes)}): read these before relying on the ruleset.")
        for rule_id, note in notes:
            typer.echo(f"  - {rule_id}: {note}")
    else:
        typer.echo("Unverified (0): every citation was checked against the official text.")


@rules_app.command("test")
def run_tests_command(
    path: Annotated[
        Path | None,
        typer.Argument(help="A ruleset folder or tests file (default: all shipped)."),
    ] = None,
) -> None:
    """Run the *.tests.yaml cases beside the rules; exit 1 if any fails."""
    from clemency.eligibility.registry import builtin_root
    from clemency.eligibility.rule_tests import find_test_files, load_cases, ruleset_for, run_case

    root = path if path is not None else builtin_root()
    if not root.exists():
        fail(f"{root}: no such file or folder.")
    total = failed = 0
    try:
        for test_file in find_test_files(root):
            ruleset = ruleset_for(test_file)
            for case in load_cases(test_file):
                total += 1
                problems = run_case(case, ruleset)
                if problems:
                    failed += 1
                    typer.echo(f"FAIL {test_file}:{case.line} {case.name}")
                    for problem in problems:
                        typer.echo(f"  - {problem}")
    except ClemencyError as error:
        report(error)
    if total == 0:
        fail(f"{root}: no *.tests.yaml files found.")
    typer.echo(f"{total} rule cases, {total - failed} passed, {failed} failed.")
    if failed:
        raise typer.Exit(1)


@rules_app.command("sql")
def sql_command(
    ruleset_id: Annotated[str, typer.Argument(help="Ruleset id.")],
    dialect: Annotated[str, typer.Option("--dialect", help="duckdb, postgres, sqlite or spark.")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Compile as of this date (default: today).")
    ] = None,
    source: Annotated[
        str, typer.Option("--source", help="Table or subquery holding the facts.")
    ] = "roster",
) -> None:
    """Print the one SELECT that screens a whole roster with this ruleset."""
    from clemency.eligibility import compile_ruleset, load_ruleset

    day = parse_as_of(as_of)
    try:
        typer.echo(compile_ruleset(load_ruleset(ruleset_id, _extra()), day, dialect, source))
    except ClemencyError as error:
        report(error)


def register(app: typer.Typer) -> None:
    """Attach `clemency rules …`."""
    app.add_typer(rules_app, name="rules")
