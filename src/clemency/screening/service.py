"""Screen a roster: check everything cheap first, run one engine, summarize the result file.

This is the one entry point the CLI (and any other caller) uses. All user errors it can
detect without reading rows (unknown ruleset, unreadable or incomplete roster, bad output
name) are raised before any work starts.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from clemency.errors import BadInput
from clemency.screening.columns import ID_COLUMN, FactColumn
from clemency.screening.compare import Comparison, compare
from clemency.screening.engines import ENGINES, Job, Progress, no_progress, run_engine
from clemency.screening.roster import Roster, check_columns, check_output, open_roster
from clemency.screening.summary import Summary, summarize

if TYPE_CHECKING:
    from clemency.eligibility import Ruleset


def fact_columns(ruleset: Ruleset) -> tuple[FactColumn, ...]:
    """The typed roster columns a ruleset reads, in name order (reasons are listed so)."""
    from clemency.eligibility import FACTS

    names = sorted(set(ruleset.facts_used()) - {ID_COLUMN})
    return tuple(
        FactColumn(name, FACTS[name].type, tuple(FACTS[name].values or ())) for name in names
    )


@dataclass
class ScreeningResult:
    """What a run produced: where, with which ruleset and engine, and what it found."""

    roster: Roster
    out: Path
    ruleset: Ruleset
    as_of: date
    engine: str
    seconds: float
    summary: Summary
    absent_columns: list[str] = field(default_factory=list)
    comparison: Comparison | None = None


@dataclass(frozen=True)
class Plan:
    """A checked run, ready to execute: every user error has been raised by now."""

    roster: Roster
    ruleset: Ruleset
    columns: tuple[FactColumn, ...]
    absent: list[str]
    job: Job
    engine: str


def plan(
    roster_path: Path,
    ruleset: Ruleset,
    as_of: date,
    out: Path,
    *,
    engine: str = "duckdb",
    allow_missing_columns: bool = False,
    progress: Progress = no_progress,
) -> Plan:
    if engine not in ENGINES:
        raise BadInput(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    roster = open_roster(roster_path)
    columns = fact_columns(ruleset)
    absent = check_columns(roster, columns, ruleset.id, allow_missing_columns)
    out_format = check_output(out, roster_path)
    job = Job(roster, columns, ruleset, as_of, out, out_format, progress)
    return Plan(roster, ruleset, columns, absent, job, engine)


def execute(p: Plan) -> ScreeningResult:
    started = time.perf_counter()
    run_engine(p.engine, p.job)
    seconds = time.perf_counter() - started
    return ScreeningResult(
        roster=p.roster,
        out=p.job.out,
        ruleset=p.ruleset,
        as_of=p.job.as_of,
        engine=p.engine,
        seconds=seconds,
        summary=summarize(p.job.out),
        absent_columns=p.absent,
    )


def screen(
    roster_path: Path,
    ruleset: Ruleset,
    as_of: date,
    out: Path,
    *,
    engine: str = "duckdb",
    allow_missing_columns: bool = False,
    progress: Progress = no_progress,
    alternative: Ruleset | None = None,
    alternative_label: str = "",
) -> ScreeningResult:
    """Screen ``roster_path`` with ``ruleset`` into ``out``; optionally compare another ruleset.

    ``alternative`` (a ruleset, e.g. another one or this one with a parameter changed) is run
    on the same roster into a temporary file and compared person by person.
    """

    def planned(chosen: Ruleset, target: Path) -> Plan:
        return plan(
            roster_path,
            chosen,
            as_of,
            target,
            engine=engine,
            allow_missing_columns=allow_missing_columns,
            progress=progress,
        )

    main = planned(ruleset, out)
    if alternative is None:
        return execute(main)
    with tempfile.TemporaryDirectory(prefix="clemency-compare-", dir=out.parent) as tmp:
        other_out = Path(tmp) / ("alternative" + out.suffix)
        other = planned(alternative, other_out)
        result = execute(main)
        execute(other)
        result.comparison = compare(
            out,
            other_out,
            (ruleset_label(ruleset), alternative_label or ruleset_label(alternative)),
        )
    return result


def ruleset_label(ruleset: Ruleset) -> str:
    return f"{ruleset.id} {ruleset.version}"


def load(ruleset_id: str, extra_paths: Sequence[Path] = ()) -> Ruleset:
    """The ruleset named ``ruleset_id``, also searched in ``extra_paths`` (the settings'
    ``rulesets_paths``, as every other command does); UnknownRuleset if there is none."""
    from clemency.eligibility import load_ruleset

    return load_ruleset(ruleset_id, extra_paths)


def with_parameter(ruleset: Ruleset, assignment: str) -> tuple[Ruleset, str]:
    from clemency.screening.params import with_parameter as change

    return change(ruleset, assignment)
