"""`clemency check`: one person's facts against one ruleset, as JSON or an explanation tree."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from clemency.cli.common import fail, report
from clemency.errors import ClemencyError


def parse_as_of(value: str | None) -> date:
    """The --as-of date (ISO); today when omitted, and the output always states it."""
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--as-of {value!r} is not a date; write YYYY-MM-DD, e.g. --as-of 2019-01-01.", 2)


def read_facts(path: Path) -> dict[str, object]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        fail(f"{path}: no such file.")
    except json.JSONDecodeError as error:
        fail(f"{path} line {error.lineno}: not valid JSON ({error.msg}).")
    if not isinstance(raw, dict):
        fail(f"{path}: the facts file must hold one JSON object of fact names to values.")
    return raw


def check(
    facts_file: Annotated[
        Path | None, typer.Argument(help="JSON object of facts (see docs/facts.md).")
    ] = None,
    ruleset: Annotated[
        str, typer.Option("--ruleset", help="Ruleset id, e.g. us-federal/pardon.")
    ] = "",
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Evaluate as of this date (default: today).")
    ] = None,
    output: Annotated[
        str, typer.Option("--format", help="json (the determination) or text (a tree).")
    ] = "text",
    case: Annotated[
        str | None, typer.Option("--case", help="Check a case from the case store instead.")
    ] = None,
) -> None:
    """Check one person's facts against a ruleset and explain the result rule by rule."""
    from clemency.config import get_settings
    from clemency.eligibility import evaluate, load_ruleset

    if output not in ("json", "text"):
        fail(f"--format {output!r}: use json or text.", 2)
    if case is not None:
        fail(
            "--case needs the case store, which is not part of this build yet; export the case's facts to JSON and pass the file."
        )
    if facts_file is None:
        fail("give a FACTS.json file (or --case ID).", 2)
    if not ruleset:
        fail("--ruleset ID is required (see `clemency rules list`).", 2)
    day = parse_as_of(as_of)
    facts = read_facts(facts_file)
    try:
        rules = load_ruleset(ruleset, get_settings().rulesets_paths)
        determination = evaluate(rules, facts, day)
    except ClemencyError as error:
        report(error)
    if output == "json":
        typer.echo(json.dumps(determination.to_json(), indent=2, ensure_ascii=False))
    else:
        typer.echo(determination.to_text())


def register(app: typer.Typer) -> None:
    """Attach `clemency check`."""
    app.command("check")(check)
