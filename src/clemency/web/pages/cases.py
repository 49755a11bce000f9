"""The case list (search, filters, sorting, pages), opening a case, the case page, and the
forms for the case row and the person."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from clemency.cases import facts as case_facts
from clemency.cases import service as case_service
from clemency.cases import vocab
from clemency.cases.models import SENSITIVE_PARTS, Case, Person
from clemency.digits import whole_number
from clemency.eligibility import evaluate, strip
from clemency.errors import BadInput, StaleWrite
from clemency.reviews import service as reviews
from clemency.search import listing
from clemency.web import deps, forms, htmx
from clemency.web.deps import CurrentCase, CurrentIdentity, SessionDep, WritableCase
from clemency.web.templating import render

router = APIRouter(tags=["pages: cases"], include_in_schema=False)

CASE_FIELDS = forms.describe(
    Case,
    [
        "reference",
        "stage",
        "jurisdiction",
        "summary",
        "criminal_history_checked_on",
        "conduct_record_checked_on",
    ],
)
NEW_CASE_PERSON_FIELDS = forms.describe(
    Person, ["given_name", "middle_name", "family_name", "date_of_birth", "bop_register_number"]
)


Q = Annotated[str, Query(max_length=200)]
SEARCH_FORM_ID = "case-search"  # the id of the search form in cases/list.html


def _jurisdictions(request: Request) -> list[str]:
    """Read once per process: loading the rulesets hashes every rule file."""
    cached: list[str] | None = getattr(request.app.state, "jurisdictions", None)
    if cached is None:
        cached = listing.jurisdictions(tuple(request.app.state.settings.rulesets_paths))
        request.app.state.jurisdictions = cached
    return cached


def list_query(filters: listing.CaseFilters, page: int) -> str:
    """The query string of the case list for ``filters`` on ``page`` (empty filters, the
    default sort and page 1 left out), as the list's links and the browser's address show it."""
    params = {
        "q": filters.q,
        "stage": filters.stage,
        "jurisdiction": filters.jurisdiction,
        "assignee": filters.assignee,
        "outcome": filters.outcome,
        "sort": "" if filters.sort == "updated" else filters.sort,
        "order": "" if filters.descending else "asc",
        "page": "" if page == 1 else str(page),
    }
    return urlencode({key: value for key, value in params.items() if value})


def _list_context(
    request: Request,
    db: SessionDep,
    identity: CurrentIdentity,
    filters: listing.CaseFilters,
    *,
    with_count: bool,
    with_options: bool,
) -> dict[str, Any]:
    from clemency.search import service as search

    narrowed = search.narrowing(session=db, query=filters.q)
    counted = with_count and narrowed[0] is not None  # a search narrowed to a few thousand
    result = listing.list_cases(
        session=db, user=identity.user, filters=filters, narrowed=narrowed, with_total=counted
    )
    context: dict[str, Any] = {
        "result": result,
        "filters": filters,
        "nav": "cases",
        "page_queries": {
            "prev": list_query(filters, result.page - 1),
            "next": list_query(filters, result.page + 1),
        },
    }
    if with_count:
        # Counting is only worth its cost once a search narrowed the list to a few thousand
        # candidates; a search whose every word is common is reported as "more than".
        context["count_cap"] = listing.COUNT_CAP
        if not filters.q:
            context["total"] = None
        elif narrowed[0] is None:
            context["total"] = search.NARROW_CAP + 1
            context["count_cap"] = search.NARROW_CAP
        elif result.total is not None:
            context["total"] = result.total
        else:  # a page past the last one: count on their own
            context["total"] = listing.count_cases(
                session=db, user=identity.user, filters=filters, narrowed=narrowed
            )
    if with_options:
        context["stages"] = vocab.CASE_STAGES
        context["jurisdictions"] = _jurisdictions(request)
        context["sorts"] = listing.SORTS
    return context


@router.get("/cases")
def case_list(
    request: Request,
    db: SessionDep,
    identity: CurrentIdentity,
    q: Q = "",
    stage: Q = "",
    jurisdiction: Q = "",
    assignee: Q = "",
    outcome: Q = "",
    sort: Q = "updated",
    order: Q = "desc",
    page: int = 1,
) -> Response:
    filters = forms.case_filters(q, stage, jurisdiction, assignee, outcome, sort, order, page)
    context = _list_context(request, db, identity, filters, with_count=True, with_options=True)
    return render(request, "cases/list.html", context)


@router.get("/cases/_rows")
def case_rows(
    request: Request,
    db: SessionDep,
    identity: CurrentIdentity,
    q: Q = "",
    stage: Q = "",
    jurisdiction: Q = "",
    assignee: Q = "",
    outcome: Q = "",
    sort: Q = "updated",
    order: Q = "desc",
    page: int = 1,
) -> Response:
    """The results table alone, for the search box's live update (htmx, see ``list.html``).

    For htmx it also carries the new match count (an out-of-band swap into the list's status
    line) and puts the list's own address in the browser: replacing the current history entry
    while the person types in the search form, adding one when they follow a page link, so Back
    goes to the previous page of results as it does without JavaScript."""
    filters = forms.case_filters(q, stage, jurisdiction, assignee, outcome, sort, order, page)
    fragment = htmx.is_htmx(request)
    context = _list_context(request, db, identity, filters, with_count=fragment, with_options=False)
    context["count_oob"] = fragment
    response = render(request, "cases/_rows.html", context)
    if fragment:
        address = "/cases?" + list_query(filters, context["result"].page)
        typed = request.headers.get("hx-trigger") == SEARCH_FORM_ID
        response.headers["HX-Replace-Url" if typed else "HX-Push-Url"] = address.rstrip("?")
    return htmx.vary(response)


def _creatable_orgs(identity: CurrentIdentity) -> list[tuple[int, str]]:
    return [
        (o, n)
        for o, n, role in identity.organizations
        if role in ("admin", "attorney", "volunteer")
    ]


@router.get("/cases/new")
def new_case_form(request: Request, identity: CurrentIdentity) -> Response:
    return render(
        request,
        "cases/new.html",
        {
            "nav": "cases",
            "orgs": _creatable_orgs(identity),
            "case_fields": CASE_FIELDS[:3],
            "person_fields": NEW_CASE_PERSON_FIELDS,
            # No default jurisdiction: the field is required, so the person chooses (issue #16).
            "values": {"stage": "intake"},
            "errors": {},
        },
    )


@router.post("/cases/new")
async def create_case(request: Request, db: SessionDep, identity: CurrentIdentity) -> Response:
    form = await request.form()
    case_values, errors = forms.parse(Case, CASE_FIELDS[:3], form)
    person_values, person_errors = forms.parse(Person, NEW_CASE_PERSON_FIELDS, form)
    errors.update(person_errors)
    org_raw = str(form.get("organization_id", ""))
    orgs = dict(_creatable_orgs(identity))
    org_id = whole_number(org_raw)
    if org_id is None or org_id not in orgs:
        errors["organization_id"] = "Choose one of your organizations."
    duplicate: dict[str, Any] | None = None
    if not errors and org_id is not None:
        try:
            case = case_service.create_case(
                session=db,
                user=identity.user,
                organization_id=org_id,
                reference=case_values["reference"],
                stage=case_values.get("stage") or "intake",
                jurisdiction=case_values["jurisdiction"],
                person=person_values,
                confirm_different_person=form.get("confirm_different_person") == "yes",
            )
            return RedirectResponse(f"/cases/{case.id}?saved=1", status_code=303)
        except case_service.DuplicatePerson as error:
            duplicate = {"message": error.message, **error.fields}
        except BadInput as error:
            errors.update(forms.errors_of(error, CASE_FIELDS[:3] + NEW_CASE_PERSON_FIELDS))
    return render(
        request,
        "cases/new.html",
        {
            "nav": "cases",
            "orgs": list(orgs.items()),
            "case_fields": CASE_FIELDS[:3],
            "person_fields": NEW_CASE_PERSON_FIELDS,
            "values": dict(form),
            "errors": errors,
            "duplicate": duplicate,
        },
        status_code=409 if duplicate else 422,
    )


def eligibility_strip(
    *, case: Case, as_of: date, include_sensitive: bool, rulesets_paths: Any
) -> list[strip.ReliefLine]:
    """One line per relief of the case's jurisdiction on ``as_of``, evaluated without storing
    anything (a GET reads only): the same evaluation as the screening page's."""
    facts = case_facts.facts_for_case(case, as_of=as_of, include_sensitive=include_sensitive)
    granted = case_facts.granted_relief(case)
    return strip.strip(
        [
            (ruleset, evaluate(ruleset, facts, as_of, granted=granted))
            for ruleset in reviews.rulesets_for(case.jurisdiction, rulesets_paths)
        ]
    )


def _summary(db: SessionDep, the_case: Case, today: date) -> dict[str, Any]:
    """The header's facts: where the person is held, who works on the case, the next deadline."""
    from clemency.accounts.models import User
    from clemency.petitions import schedule

    stays = list(the_case.custody)
    held = stays[-1] if stays and stays[-1].released_on is None else None
    user_ids = [a.user_id for a in the_case.assignments]
    assignees = (
        list(db.scalars(select(User.display_name).where(User.id.in_(user_ids)).order_by(User.id)))
        if user_ids
        else []
    )
    upcoming = [d for d in schedule.for_case(session=db, case=the_case) if d.due_on >= today]
    return {
        "facility": held.facility if held is not None else None,
        "released_on": stays[-1].released_on if stays and held is None else None,
        "assignees": assignees,
        "next_deadline": min(upcoming, key=lambda d: d.due_on) if upcoming else None,
    }


@router.get("/cases/{case_id}")
def case_page(request: Request, db: SessionDep, case: CurrentCase) -> Response:
    from clemency.web.pages.screening import parse_as_of

    the_case = case.case
    today = deps.now(request).date()
    as_of = parse_as_of(request, request.query_params.get("as_of"))
    # Rows are None for a sensitive part the role may not see: the page says so, nothing more.
    parts: list[tuple[str, str, list[Any] | None, tuple[str, ...]]] = []
    for kind, title in forms.PART_TITLES.items():
        if kind in SENSITIVE_PARTS and not case.may_see_sensitive:
            parts.append((kind, title, None, ()))
            continue
        rows = (
            case_service.list_parts(  # audits the read of a sensitive part
                session=db, user=request.state.user, case_id=the_case.id, kind=kind
            )
            if kind in SENSITIVE_PARTS
            else list(getattr(the_case, kind))
        )
        parts.append((kind, title, rows, forms.PART_COLUMNS[kind]))
    lines = eligibility_strip(
        case=the_case,
        as_of=as_of,
        include_sensitive=case.may_see_sensitive,
        rulesets_paths=request.app.state.settings.rulesets_paths,
    )
    return render(
        request,
        "cases/detail.html",
        {
            "nav": "cases",
            "access": case,
            "case": the_case,
            "person": the_case.person,
            "person_fields": forms.PERSON_FIELDS,
            "parts": parts,
            "not_created_here": forms.NOT_CREATED_HERE,
            "screenings": reviews.stored(session=db, case=the_case),
            "as_of": as_of,
            "today": today,
            "strip": [x for x in lines if x.in_force],
            "folded": [x for x in lines if not x.in_force],
            "summary": _summary(db, the_case, today),
        },
    )


def _edit_page(
    request: Request,
    *,
    title: str,
    action: str,
    back: str,
    specs: list[forms.FieldSpec],
    values: dict[str, Any],
    errors: dict[str, str],
    version: int | None,
    stale: dict[str, Any] | None = None,
    status_code: int = 200,
    delete_action: str | None = None,
) -> Response:
    return render(
        request,
        "cases/form.html",
        {
            "nav": "cases",
            "title": title,
            "action": action,
            "back": back,
            "specs": specs,
            "values": values,
            "errors": errors,
            "version": version,
            "stale": stale,
            "delete_action": delete_action,
        },
        status_code=status_code,
    )


def stale_view(
    error: StaleWrite, specs: list[forms.FieldSpec], mine: dict[str, Any]
) -> dict[str, Any]:
    """Both versions side by side: what this person typed and what is saved now."""
    current = error.fields.get("current") or {}
    return {
        "message": error.message,
        "rows": [
            (spec.label, mine.get(spec.name), current.get(spec.name))
            for spec in specs
            if (mine.get(spec.name) or None) != (current.get(spec.name) or None)
        ],
        "current_version": error.fields.get("current_version"),
    }


def _session_of(request: Request) -> Session:
    """The unit of work of a case route (the session the case was opened in)."""
    session = object_session(request.state.case_access.case)
    assert session is not None
    return session


def save_or_rerender(
    request: Request,
    *,
    save: Any,
    model: type,
    specs: list[forms.FieldSpec],
    form: Any,
    title: str,
    action: str,
    back: str,
    version: int,
) -> Response:
    """Parse, call ``save(values)``, redirect back; on bad input or a stale version show the
    form again with the messages next to the fields (and both versions when stale)."""
    values, errors = forms.parse(model, specs, form)
    submitted = {spec.name: form.get(spec.name, "") for spec in specs}
    if not errors:
        try:
            # In a savepoint: a refusal (a constraint, a stale version) rolls back this save
            # only, so the page can show the form again with what was typed (issue #14).
            with _session_of(request).begin_nested():
                save(values)
            return RedirectResponse(back + "?saved=1", status_code=303)
        except StaleWrite as error:
            return _edit_page(
                request,
                title=title,
                action=action,
                back=back,
                specs=specs,
                values=submitted,
                errors={},
                version=error.fields.get("current_version"),
                stale=stale_view(error, specs, submitted),
                status_code=409,
            )
        except BadInput as error:
            errors.update(forms.errors_of(error, specs))
    return _edit_page(
        request,
        title=title,
        action=action,
        back=back,
        specs=specs,
        values=submitted,
        errors=errors,
        version=version,
        status_code=422,
    )


def _version(form: Any) -> int:
    version = whole_number(str(form.get("version", "")))
    if version is None:
        raise BadInput("The form lost its version number; reload the page.", field="version")
    return version


@router.get("/cases/{case_id}/edit")
def edit_case_form(request: Request, case: WritableCase) -> Response:
    return _edit_page(
        request,
        title=f"Case {case.case.reference}",
        action=f"/cases/{case.id}/edit",
        back=f"/cases/{case.id}",
        specs=CASE_FIELDS,
        values=forms.current_values(case.case, CASE_FIELDS),
        errors={},
        version=case.case.version,
    )


@router.post("/cases/{case_id}/edit")
async def edit_case(request: Request, db: SessionDep, case: WritableCase) -> Response:
    form = await request.form()
    version = _version(form)
    return save_or_rerender(
        request,
        save=lambda values: case_service.update_case(
            session=db,
            user=request.state.user,
            case_id=case.id,
            expected_version=version,
            changes=values,
        ),
        model=Case,
        specs=CASE_FIELDS,
        form=form,
        title=f"Case {case.case.reference}",
        action=f"/cases/{case.id}/edit",
        back=f"/cases/{case.id}",
        version=version,
    )


@router.get("/cases/{case_id}/person/edit")
def edit_person_form(request: Request, case: WritableCase) -> Response:
    person = case.case.person
    return _edit_page(
        request,
        title=f"Person: {person.full_name}",
        action=f"/cases/{case.id}/person/edit",
        back=f"/cases/{case.id}",
        specs=forms.PERSON_FIELDS,
        values=forms.current_values(person, forms.PERSON_FIELDS),
        errors={},
        version=person.version,
    )


@router.post("/cases/{case_id}/person/edit")
async def edit_person(request: Request, db: SessionDep, case: WritableCase) -> Response:
    form = await request.form()
    version = _version(form)
    return save_or_rerender(
        request,
        save=lambda values: case_service.update_person(
            session=db,
            user=request.state.user,
            case_id=case.id,
            expected_version=version,
            changes=values,
        ),
        model=Person,
        specs=forms.PERSON_FIELDS,
        form=form,
        title=f"Person: {case.case.person.full_name}",
        action=f"/cases/{case.id}/person/edit",
        back=f"/cases/{case.id}",
        version=version,
    )
