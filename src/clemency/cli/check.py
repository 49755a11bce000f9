"""`clemency check`: one person's facts against one ruleset, as JSON or an explanation tree."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from clemency.cli.common import DEBUG, database_error_message, fail, read_input, report
from clemency.errors import ClemencyError

if TYPE_CHECKING:
    from clemency.eligibility.determination import GrantedRelief


def parse_as_of(value: str | None) -> date:
    """The --as-of date (ISO); today when omitted, and the output always states it."""
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--as-of {value!r} is not a date; write YYYY-MM-DD, e.g. --as-of 2019-01-01.", 2)


FACTS_MAX_BYTES = 1024 * 1024
"""A facts file is one person's facts: a few kilobytes. Anything past 1 MiB is refused."""


def parse_timeline(value: str) -> tuple[date, date]:
    """--timeline FROM:TO, two ISO days, FROM not after TO."""
    first, sep, last = value.partition(":")
    try:
        start, end = date.fromisoformat(first), date.fromisoformat(last)
    except ValueError:
        sep = ""
    if not sep:
        fail(
            f"--timeline {value!r}: write FROM:TO as two dates, e.g. "
            "--timeline 1996-10-31:2030-12-31.",
            2,
        )
    if end < start:
        fail(f"--timeline {value!r}: TO is before FROM; write the earlier day first.", 2)
    return start, end


def read_facts(path: Path) -> dict[str, object]:
    text = read_input(path, limit=FACTS_MAX_BYTES, what="facts")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        fail(f"{path} line {error.lineno}: not valid JSON ({error.msg}).")
    except RecursionError:
        fail(f"{path}: the JSON is nested too deeply; a facts file is one flat object.")
    if not isinstance(raw, dict):
        fail(f"{path}: the facts file must hold one JSON object of fact names to values.")
    return raw


def facts_of_stored_case(
    case_id: int, as_of: date, as_user: str | None, database_url: str | None
) -> tuple[dict[str, object], list[GrantedRelief]]:
    """The stored case's facts as of ``as_of`` and the grants it holds, read through the access
    check (and audited)."""
    from clemency.audit import service as audit
    from clemency.cases import access
    from clemency.cases import service as case_service
    from clemency.cases.facts import facts_for_case, facts_to_json, granted_relief
    from clemency.cli.cases import actor_for
    from clemency.config import get_settings
    from clemency.db.session import make_engine, unit_of_work

    engine = make_engine(database_url or get_settings().database_url)
    try:
        with unit_of_work(engine) as session:
            audit.set_origin(session=session, source="cli")
            actor = actor_for(session, as_user)
            stored = case_service.get_for_user(session=session, user=actor, case_id=case_id)
            include_sensitive = access.Permission.SENSITIVE in access.permissions(
                session=session, actor=actor, case=stored
            )
            facts = facts_to_json(
                facts_for_case(stored, as_of=as_of, include_sensitive=include_sensitive)
            )
            return facts, granted_relief(stored)
    except ClemencyError as error:
        report(error)
    except Exception as error:
        message = database_error_message(error)
        if message is None or DEBUG["on"]:
            raise
        fail(message)
    finally:
        engine.dispose()


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
        int | None,
        typer.Option("--case", help="Check a case from the case store (its id) instead."),
    ] = None,
    as_user: Annotated[
        str | None,
        typer.Option("--as", help="With --case: act as this user (default: the CLI operator)."),
    ] = None,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="With --case. Default: settings.")
    ] = None,
    timeline_range: Annotated[
        str | None,
        typer.Option(
            "--timeline",
            help="FROM:TO (YYYY-MM-DD:YYYY-MM-DD): the dated spans of the outcome between the "
            "two days, with the rules that change it, instead of one determination.",
        ),
    ] = None,
) -> None:
    """Check one person's facts against a ruleset and explain the result rule by rule."""
    from clemency.config import get_settings
    from clemency.eligibility import evaluate, load_ruleset

    if output not in ("json", "text"):
        fail(f"--format {output!r}: use json or text.", 2)
    if (case is None) == (facts_file is None):
        fail("give either a FACTS.json file or --case ID.", 2)
    if not ruleset:
        fail("--ruleset ID is required (see `clemency rules list`).", 2)
    day = parse_as_of(as_of)
    span = parse_timeline(timeline_range) if timeline_range is not None else None
    granted: list[GrantedRelief] = []
    if case is not None:
        facts, granted = facts_of_stored_case(case, day, as_user, database_url)
    else:
        assert facts_file is not None
        facts = read_facts(facts_file)
    try:
        rules = load_ruleset(ruleset, get_settings().rulesets_paths)
        if span is not None:
            from clemency.eligibility.timeline import timeline

            line = timeline(rules, facts, span[0], span[1], granted=granted)
            if output == "json":
                typer.echo(json.dumps(line.to_json(), indent=2, ensure_ascii=False))
            else:
                typer.echo(line.to_text())
            return
        determination = evaluate(rules, facts, day, granted=granted)
    except ClemencyError as error:
        report(error)
    if output == "json":
        typer.echo(json.dumps(determination.to_json(), indent=2, ensure_ascii=False))
    else:
        typer.echo(determination.to_text())


def register(app: typer.Typer) -> None:
    """Attach `clemency check`."""
    app.command("check")(check)
