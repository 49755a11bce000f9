"""The screening panel of a case: a determination per relevant ruleset with its explanation
and citations, the grants on record, the eligibility timeline, the missing facts as questions,
the facts form, and reviewers' overrides.

Saving facts or an override answers a plain form post with a redirect to the page, and an htmx
post with the refreshed panel alone (``screening/_panel.html``); a stale or invalid form
answers both with the panel and the message next to the field, as 409 or 422."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from clemency.cases import facts as case_facts
from clemency.digits import whole_number
from clemency.eligibility import FACTS
from clemency.eligibility.dates import add_years
from clemency.eligibility.timeline import Timeline, timeline
from clemency.errors import BadInput, ClemencyError, FactsError, StaleWrite
from clemency.reviews import service as reviews
from clemency.reviews.models import OUTCOMES
from clemency.web import htmx
from clemency.web.deps import CurrentCase, SessionDep, SettingsDep, WritableCase, now
from clemency.web.templating import render

router = APIRouter(tags=["pages: screening"], include_in_schema=False)
NOTHING_CHANGED = "Nothing to save: no fact was changed."


def parse_as_of(request: Request, raw: str | None) -> date:
    """``YYYY-MM-DD`` or today (UTC); a bad date is a field error, not a silent default."""
    if not raw:
        return now(request).date()
    try:
        return date.fromisoformat(raw)
    except ValueError as error:
        raise BadInput(
            f"as_of {raw!r} is not a date in the form YYYY-MM-DD.", field="as_of"
        ) from error


def _fact_rows(current: dict[str, Any], names: list[str]) -> list[dict[str, Any]]:
    rows = []
    for name in names:
        spec = FACTS.get(name)
        value = current.get(name)
        rows.append(
            {
                "name": name,
                "type": spec.type if spec else "string",
                "values": (spec.values or ()) if spec else (),
                "description": spec.description if spec else "",
                "value": value.isoformat() if isinstance(value, date) else value,
                "computed_from": case_facts.COMPUTED_FACTS.get(name),
            }
        )
    return rows


#: The timeline on the case page runs this many years past the day screened.
TIMELINE_YEARS_AHEAD = 10


def _timelines(
    case: CurrentCase, screenings: list[Any], facts: dict[str, Any], as_of: date
) -> dict[str, Timeline]:
    """Per ruleset, the eligibility timeline from the conviction (or the first dated fact) to
    ten years after ``as_of``, with the case's grants (docs/rules.md, Timeline)."""
    starts = [
        facts[name]
        for name in ("conviction_date", "sentence_date", "custody_start_date")
        if isinstance(facts.get(name), date)
    ]
    start = min(starts) if starts else add_years(as_of, -TIMELINE_YEARS_AHEAD)
    end = add_years(as_of, TIMELINE_YEARS_AHEAD)
    if end < start:
        return {}
    granted = case_facts.granted_relief(case.case)
    out: dict[str, Timeline] = {}
    for screening in screenings:
        try:
            out[screening.ruleset.id] = timeline(
                screening.ruleset, facts, start, end, granted=granted
            )
        except ClemencyError:
            continue  # the determination above already shows what is wrong
    return out


def _panel(
    request: Request,
    db: SessionDep,
    settings: SettingsDep,
    case: CurrentCase,
    as_of: date,
    *,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Response:
    """The screening page, or for htmx only the panel below its heading (``_panel.html``)."""
    screenings = reviews.determine(
        session=db, case=case.case, as_of=as_of, extra_paths=settings.rulesets_paths
    )
    current = case_facts.facts_for_case(case.case, as_of=as_of)
    used: dict[str, None] = {}
    for s in screenings:
        for name in s.ruleset.facts_used():
            used.setdefault(name, None)
    missing: dict[str, None] = {}
    for s in screenings:
        for name in s.determination["missing_facts"]:
            missing.setdefault(name, None)
    timelines = _timelines(case, screenings, current, as_of)
    fragment = htmx.is_htmx(request)
    response = render(
        request,
        "screening/_panel.html" if fragment else "screening/panel.html",
        {
            "nav": "cases",
            "access": case,
            "case": case.case,
            "person": case.case.person,
            "as_of": as_of,
            "screenings": screenings,
            "timelines": timelines,
            "questions": _fact_rows(current, list(missing)),
            "fact_rows": _fact_rows(current, list(used)),
            "outcomes": OUTCOMES,
            "may_override": case.role in reviews.REVIEWER_ROLES,
            "errors": errors or {},
            "notice": notice,
        },
        status_code=status_code,
    )
    return htmx.vary(response)


@router.get("/cases/{case_id}/screening")
def screening_panel(
    request: Request, db: SessionDep, settings: SettingsDep, case: CurrentCase
) -> Response:
    as_of = parse_as_of(request, request.query_params.get("as_of"))
    return _panel(request, db, settings, case, as_of)


@router.post("/cases/{case_id}/facts")
async def update_facts(
    request: Request, db: SessionDep, settings: SettingsDep, case: WritableCase
) -> Response:
    """Save the facts form (only fields that changed are sent to the store)."""
    form = await request.form()
    as_of = parse_as_of(request, str(form.get("as_of") or ""))
    raw_version = str(form.get("version", ""))
    current = case_facts.facts_to_json(case_facts.facts_for_case(case.case, as_of=as_of))
    changes: dict[str, Any] = {}
    for key, value in form.items():
        if not key.startswith("fact:") or not isinstance(value, str):
            continue
        name = key[5:]
        if name in case_facts.COMPUTED_FACTS:
            continue
        new = value.strip() or None
        old = current.get(name)
        if (str(old).lower() if isinstance(old, bool) else old) != new:
            changes[name] = new
    try:
        version = whole_number(raw_version)
        if version is None:
            raise BadInput("The form lost its version number; reload the page.", field="version")
        if changes:
            case_facts.apply_facts(
                session=db,
                user=request.state.user,
                case_id=case.id,
                expected_version=version,
                facts=changes,
                as_of=as_of,  # the answers hold for the day screened (issue #11)
            )
    except StaleWrite as error:
        db.rollback()
        return _panel(
            request,
            db,
            settings,
            case,
            as_of,
            errors={"version": error.message},
            status_code=409,
        )
    except (BadInput, FactsError) as error:
        db.rollback()
        field = str(error.fields.get("field") or error.fields.get("fact") or "facts")
        return _panel(
            request, db, settings, case, as_of, errors={field: error.message}, status_code=422
        )
    if htmx.is_htmx(request):
        notice = (
            "Saved; the determinations below use the new facts." if changes else NOTHING_CHANGED
        )
        return _panel(request, db, settings, case, as_of, notice=notice)
    target = f"/cases/{case.id}/screening?as_of={as_of.isoformat()}"
    return RedirectResponse(target + ("&saved=1" if changes else ""), status_code=303)


@router.post("/cases/{case_id}/overrides")
async def add_override(
    request: Request, db: SessionDep, settings: SettingsDep, case: WritableCase
) -> Response:
    form = await request.form()
    as_of = parse_as_of(request, str(form.get("as_of") or ""))
    try:
        reviews.override(
            session=db,
            user=request.state.user,
            case=case.case,
            ruleset_id=str(form.get("ruleset_id", "")),
            outcome=str(form.get("outcome", "")),
            reason=str(form.get("reason", "")),
            as_of=as_of,
            extra_paths=settings.rulesets_paths,
        )
    except BadInput as error:
        db.rollback()
        key = (
            "override:"
            + str(form.get("ruleset_id", ""))
            + ":"
            + str(error.fields.get("field", "reason"))
        )
        return _panel(
            request, db, settings, case, as_of, errors={key: error.message}, status_code=422
        )
    if htmx.is_htmx(request):
        return _panel(
            request, db, settings, case, as_of, notice="The reviewer's decision is recorded."
        )
    return RedirectResponse(
        f"/cases/{case.id}/screening?as_of={as_of.isoformat()}&saved=1", status_code=303
    )
