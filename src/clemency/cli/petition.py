"""`clemency petition` commands: packets, deadlines, lifecycle transitions."""

from __future__ import annotations

import getpass
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from clemency import outputs
from clemency.cli.common import fail, guard_output, report
from clemency.digits import whole_number
from clemency.errors import ClemencyError

if TYPE_CHECKING:
    from clemency.cases.access import Operator

petition_app = typer.Typer(
    help="Petition packets, deadlines and lifecycle transitions.", no_args_is_help=True
)


def _operator() -> Operator:
    from clemency.cases.access import Operator

    return Operator(label=f"cli:{getpass.getuser()}")


def _as_of(value: str | None) -> date:
    if value is None:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--as-of {value!r} is not a date; use YYYY-MM-DD.", 2)


def _case_id(session: object, case: str) -> int:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from clemency.cases.models import Case

    assert isinstance(session, Session)
    case_id = whole_number(case)
    if case_id is not None:
        return case_id
    ids = list(session.scalars(select(Case.id).where(Case.reference == case)))
    if not ids:
        fail(f"no case with id or reference {case!r}.")
    if len(ids) > 1:
        fail(f"reference {case!r} exists in several organizations; give the case id instead.")
    return ids[0]


@petition_app.command("packet")
def packet(
    case: Annotated[str, typer.Argument(help="Case id or reference.")],
    form: Annotated[str, typer.Option("--form", help="Form id, e.g. us-federal/commutation.")],
    out: Annotated[Path, typer.Option("--out", help="File to write.")],
    fmt: Annotated[str, typer.Option("--format", help="pdf or docx.")] = "pdf",
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date printed on the packet (YYYY-MM-DD).")
    ] = None,
) -> None:
    """Assemble a petition packet from a stored case; an incomplete one is written as a DRAFT."""
    from clemency.config import get_settings
    from clemency.db.session import engine_for, unit_of_work
    from clemency.documents import service as documents

    if fmt not in ("pdf", "docx"):
        fail(f"--format must be pdf or docx, not {fmt!r}.", 2)
    settings = get_settings()
    guard_output(out, database_url=settings.database_url, data_dir=settings.data_dir)
    try:
        with unit_of_work(engine_for(settings.database_url)) as session:
            generated = documents.generate(
                session=session,
                user=_operator(),
                case_id=_case_id(session, case),
                form_id=form,
                fmt=fmt,
                as_of=_as_of(as_of),
                settings=settings,
            )
            outputs.write_bytes(out, generated.data)
    except ClemencyError as error:
        report(error)
    except OSError as error:
        fail(outputs.disk_error_message(out, error))
    p = generated.packet
    typer.echo(
        f"wrote {out} ({len(generated.data):,} bytes, {len(p.exhibits)} exhibits, "
        f"template {p.template_version}, data {p.data_sha256[:12]})"
    )
    if p.is_draft:
        typer.echo(f"DRAFT — {len(p.missing)} item(s) missing before filing:", err=True)
        for item in p.missing:
            typer.echo(f"  - {item}", err=True)


@petition_app.command("deadlines")
def deadlines(
    case: str | None = typer.Option(None, "--case", help="Only this case (id or reference)."),
    as_of: str | None = typer.Option(None, "--as-of", help="Status as of this date."),
    fmt: str = typer.Option("text", "--format", help="text, json or ics."),
) -> None:
    """Deadlines of every case (or one), each with its rule and status."""
    from clemency.cases import service as case_service
    from clemency.config import get_settings
    from clemency.db.session import engine_for, unit_of_work
    from clemency.petitions import schedule
    from clemency.petitions.ical import calendar

    if fmt not in ("text", "json", "ics"):
        fail(f"--format must be text, json or ics, not {fmt!r}.", 2)
    day = _as_of(as_of)
    settings = get_settings()
    operator = _operator()
    try:
        with unit_of_work(engine_for(settings.database_url)) as session:
            if case is not None:
                c = case_service.get_for_user(
                    session=session, user=operator, case_id=_case_id(session, case)
                )
                rows = [
                    schedule.CaseDeadline(c.id, c.reference, c.person.full_name, d)
                    for d in schedule.for_case(session=session, case=c)
                ]
            else:
                rows = schedule.for_user(session=session, user=operator)
    except ClemencyError as error:
        report(error)
    if fmt == "ics":
        typer.echo(
            calendar(
                [r.deadline for r in rows], name="Clemency deadlines", stamp=datetime.now(UTC)
            ),
            nl=False,
        )
        return
    if fmt == "json":
        typer.echo(
            json.dumps(
                [
                    {
                        "case": r.case_reference,
                        "key": r.deadline.key,
                        "title": r.deadline.title,
                        "due_on": r.deadline.due_on.isoformat(),
                        "status": r.deadline.status(day),
                        "citation": r.deadline.citation,
                        "explanation": r.deadline.explanation,
                        "warning": r.deadline.warning,
                    }
                    for r in rows
                ],
                indent=2,
            )
        )
        return
    for r in rows:
        d = r.deadline
        typer.echo(
            f"{d.due_on.isoformat()}  {d.status(day):8}  {r.case_reference:10}  {d.title}  [{d.citation}]"
        )


@petition_app.command("advance")
def advance(
    case: Annotated[str, typer.Argument(help="Case id or reference.")],
    petition_id: Annotated[int, typer.Argument(help="Petition id.")],
    transition: Annotated[str, typer.Argument(help="Transition name, e.g. submit, docket, grant.")],
    on: Annotated[str, typer.Option("--on", help="Date of the event (YYYY-MM-DD).")],
    values: Annotated[
        list[str] | None,
        typer.Option("--set", help="key=value data, e.g. case_number=C123456."),
    ] = None,
    source: Annotated[str, typer.Option("--source", help="Where we learned it.")] = "own_filing",
) -> None:
    """Make a lifecycle transition; an illegal one is refused with the allowed next steps."""
    from clemency.config import get_settings
    from clemency.db.session import engine_for, unit_of_work
    from clemency.petitions import service

    data = {}
    for item in values or []:
        key, sep, value = item.partition("=")
        if not sep:
            fail(f"--set {item!r} is not key=value.", 2)
        data[key.strip()] = value
    settings = get_settings()
    try:
        with unit_of_work(engine_for(settings.database_url)) as session:
            view = service.transition(
                session=session,
                user=_operator(),
                case_id=_case_id(session, case),
                petition_id=petition_id,
                name=transition,
                on=_as_of(on),
                data=data,
                source=source,
                settings=settings,
            )
    except ClemencyError as error:
        report(error)
    steps = ", ".join(s.name for s in view.next_steps) or "none"
    typer.echo(f"petition {view.id}: {view.stage_label}; next: {steps}")


@petition_app.command("reminders")
def reminders(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date to check (YYYY-MM-DD).")
    ] = None,
) -> None:
    """Support letters requested 21 or more days ago and not received: who to remind."""
    from sqlalchemy import select

    from clemency.cases.models import Case
    from clemency.config import get_settings
    from clemency.db.session import engine_for, unit_of_work
    from clemency.petitions import letters

    settings = get_settings()
    with unit_of_work(engine_for(settings.database_url)) as session:
        case_ids = list(session.scalars(select(Case.id)))
        rows = letters.overdue(session=session, case_ids=case_ids, as_of=_as_of(as_of))
    for o in rows:
        reminded = f" (reminded {o.reminded_on.isoformat()})" if o.reminded_on else ""
        typer.echo(
            f"case {o.case_id}  {o.author_name}  asked {o.requested_on.isoformat()}  "
            f"follow up since {o.follow_up_on.isoformat()}  {o.contact or ''}{reminded}"
        )


@petition_app.command("lifecycle")
def show_lifecycle(jurisdiction: str = typer.Argument("us-federal")) -> None:
    """Print a jurisdiction's lifecycle: states and transitions with who may make them."""
    from clemency.petitions import lifecycle

    try:
        machine = lifecycle.load(jurisdiction)
    except ClemencyError as error:
        report(error)
    spec = machine.spec
    typer.echo(f"{spec.title} ({spec.jurisdiction} {spec.version}); {spec.citation}")
    for name, state in spec.states.items():
        typer.echo(f"  state {name}: {state.label}{' (closed)' if state.terminal else ''}")
    for t in spec.transitions:
        to = t.to or "(same state)"
        typer.echo(f"  {t.name}: {', '.join(t.source)} -> {to}  by {', '.join(t.roles)}")


def register(app: typer.Typer) -> None:
    """Attach ``clemency petition ...``."""
    app.add_typer(petition_app, name="petition")
