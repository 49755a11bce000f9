"""The screening queue page (eligible or almost eligible, no petition), its dismiss / snooze /
restore forms and its report. The page reads stored determinations only (docs/queues.md)."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from clemency.eligibility import Ruleset, load_ruleset
from clemency.errors import BadInput, NotFound
from clemency.queues import roster
from clemency.queues import service as queues
from clemency.queues.models import DISMISS_REASONS
from clemency.uploads import rosters
from clemency.web.deps import CurrentIdentity, SessionDep, WritableCase, now
from clemency.web.templating import render

router = APIRouter(tags=["pages: queues"], include_in_schema=False)


def _back(view: str, within: int, page: int, done: str) -> str:
    query = {"view": view, "within": within, "page": page, "done": done}
    return "/queues?" + urlencode(query)


def _page(
    request: Request,
    db: SessionDep,
    identity: CurrentIdentity,
    *,
    view: str,
    within: int,
    page: int,
    errors: dict[int, str] | None = None,
    status_code: int = 200,
) -> Response:
    today = now(request).date()
    result = queues.queue(
        session=db, user=identity.user, today=today, within_days=within, view=view, page=page
    )
    return render(
        request,
        "queues/screening.html",
        {
            "nav": "queues",
            "result": result,
            "view": view,
            "within": within,
            "today": today,
            "reasons": DISMISS_REASONS,
            "report": queues.report(session=db, user=identity.user, today=today),
            "views": queues.VIEWS,
            "errors": errors or {},
            "done": request.query_params.get("done", ""),
            "query": lambda **changes: urlencode(
                {"view": view, "within": within, "page": page, **changes}
            ),
        },
        status_code=status_code,
    )


@router.get("/queues")
def screening_queue(
    request: Request,
    db: SessionDep,
    identity: CurrentIdentity,
    view: Annotated[str, Query(max_length=16)] = "open",
    within: Annotated[int, Query(ge=0, le=queues.MAX_WITHIN_DAYS)] = 90,
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
) -> Response:
    if view not in queues.VIEWS:
        view = "open"
    return _page(request, db, identity, view=view, within=within, page=page)


Back = Annotated[str, Form(max_length=16)]
Within = Annotated[int, Form(ge=0, le=queues.MAX_WITHIN_DAYS)]
Page = Annotated[int, Form(ge=1, le=100000)]


@router.post("/queues/{case_id}/dismiss")
def dismiss(
    request: Request,
    db: SessionDep,
    identity: CurrentIdentity,
    case: WritableCase,
    reason: Annotated[str, Form(max_length=40)] = "",
    note: Annotated[str, Form(max_length=5000)] = "",
    view: Back = "open",
    within: Within = 90,
    page: Page = 1,
) -> Response:
    try:
        queues.dismiss(
            session=db, user=identity.user, case_id=case.id, reason=reason, note=note,
            now=now(request),
        )  # fmt: skip
    except BadInput as error:
        return _page(
            request, db, identity, view=view, within=within, page=page,
            errors={case.id: error.message}, status_code=422,
        )  # fmt: skip
    return RedirectResponse(_back(view, within, page, "dismissed"), status_code=303)


@router.post("/queues/{case_id}/snooze")
def snooze(
    request: Request,
    db: SessionDep,
    identity: CurrentIdentity,
    case: WritableCase,
    until: Annotated[str, Form(max_length=40)] = "",
    view: Back = "open",
    within: Within = 90,
    page: Page = 1,
) -> Response:
    try:
        try:
            day = date.fromisoformat(until.strip())
        except ValueError:
            raise BadInput(
                f"Snooze until a date (YYYY-MM-DD), not {until[:40]!r}.", field="until"
            ) from None
        queues.snooze(session=db, user=identity.user, case_id=case.id, until=day, now=now(request))
    except BadInput as error:
        return _page(
            request, db, identity, view=view, within=within, page=page,
            errors={case.id: error.message}, status_code=422,
        )  # fmt: skip
    return RedirectResponse(_back(view, within, page, "snoozed"), status_code=303)


@router.post("/queues/{case_id}/restore")
def restore(
    request: Request,
    db: SessionDep,
    identity: CurrentIdentity,
    case: WritableCase,
    view: Back = "open",
    within: Within = 90,
    page: Page = 1,
) -> Response:
    queues.restore(session=db, user=identity.user, case_id=case.id)
    return RedirectResponse(_back(view, within, page, "restored"), status_code=303)


# --------------------------------------------------------------------------- bulk screening


def _ruleset(request: Request, ruleset_id: str) -> Ruleset:
    settings = request.app.state.settings
    return load_ruleset(ruleset_id, tuple(settings.rulesets_paths))


def _csv(text: str, filename: str) -> Response:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


RulesetId = Annotated[str, Query(max_length=200, pattern=r"^[a-z0-9-]+/[a-z0-9_-]+$")]


@router.get("/screening/template.csv")
def roster_template(
    request: Request, identity: CurrentIdentity, ruleset: RulesetId = "us-federal/commutation"
) -> Response:
    """The roster template of a ruleset: the header line to fill in."""
    loaded = _ruleset(request, ruleset)
    return _csv(roster.template_csv(loaded), f"roster-template-{loaded.id.replace('/', '-')}.csv")


@router.get("/screening/template-columns.csv")
def roster_columns(
    request: Request, identity: CurrentIdentity, ruleset: RulesetId = "us-federal/commutation"
) -> Response:
    """The second file of the template: each column's format and meaning."""
    loaded = _ruleset(request, ruleset)
    return _csv(roster.formats_csv(loaded), f"roster-columns-{loaded.id.replace('/', '-')}.csv")


@router.get("/screening/runs/{run_id}/results-with-cases.csv")
def results_with_cases(
    request: Request, db: SessionDep, identity: CurrentIdentity, run_id: str
) -> Response:
    """The results with the roster's own columns and links to stored cases (an export)."""
    settings = request.app.state.settings
    record = rosters.get(session=db, user=identity.user, run_id=run_id)
    results = rosters.results_path(
        session=db, data_dir=settings.data_dir, user=identity.user, run_id=run_id
    )
    stored = next(results.parent.glob("roster.*"), None)
    if stored is None:
        raise NotFound("The roster of this run is no longer kept.", run_id=run_id)
    text = roster.results_with_cases(session=db, user=identity.user, roster=stored, results=results)
    return _csv(text, f"screening-{record.id[:8]}-results-with-cases.csv")
