"""Petition pages of a case: lifecycle and timeline, deadlines, support letters, packets,
draft answers, the guided interview; and the deadlines page with its calendar feed.

Routes under ``/cases/{case_id}`` take only that path parameter (the petition or letter is a
form or query field), so the authorization matrix covers them with its case samples.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from clemency.accounts import feeds
from clemency.cases import corrections
from clemency.digits import whole_number
from clemency.documents import forms as packet_forms
from clemency.documents import service as documents
from clemency.eligibility import FACTS, strip
from clemency.errors import BadInput, ClemencyError, IllegalTransition, NotFound, PermissionDenied
from clemency.files import service as files
from clemency.petitions import intake, lifecycle, schedule
from clemency.petitions import interview as interview_service
from clemency.petitions import letters as letter_service
from clemency.petitions import service as petition_service
from clemency.petitions.models import SupportLetter
from clemency.web import deps
from clemency.web.deps import CurrentCase, CurrentIdentity, SessionDep, WritableCase
from clemency.web.security import attachment
from clemency.web.templating import render

router = APIRouter(tags=["pages: petitions"], include_in_schema=False)

ANSWER_KEYS = (
    ("person.citizenship", "Citizenship"),
    ("person.address", "Address"),
    ("person.phone", "Telephone"),
    ("person.email", "Email"),
    ("person.place_of_birth", "Place of birth"),
    ("representative", "Attorney or representative (signs the cover letter)"),
    ("answers.court_challenges", "Appeals and other court challenges"),
    ("answers.criminal_history", "Complete criminal history"),
    ("answers.offense_account", "Account of the offense"),
    ("answers.reasons", "Reasons for seeking clemency"),
    ("answers.release_plan", "Release plan"),
    ("answers.community_activities", "Community activities (pardon)"),
    ("answers.education", "Education and licenses (pardon)"),
    ("answers.places_lived", "Places lived (pardon)"),
    ("answers.military_service", "Military service (pardon)"),
    ("answers.employment", "Employment, last seven years (pardon)"),
    ("answers.substance_use", "Substance use and treatment (pardon)"),
    ("answers.finances", "Debts, taxes and civil judgments (pardon)"),
)


def _show(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    response: Response = render(request, name, context, status_code=status_code)
    return response


def _today(request: Request) -> date:
    return deps.now(request).date()


def _int(value: Any, field: str) -> int:
    try:
        return int(str(value))
    except ValueError as error:
        raise BadInput(f"{field} must be a number.", field=field) from error


def _date(value: Any, field: str, default: date) -> date:
    text = str(value or "").strip()
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise BadInput(f"{field}: {text!r} is not a date (YYYY-MM-DD).", field=field) from error


def _page(
    request: Request, db: SessionDep, case: CurrentCase, *, status: int = 200, **extra: Any
) -> Response:
    user = request.state.user
    c = case.case
    role = petition_service.lifecycle_role(session=db, user=user, case=c)
    views = [petition_service.view(session=db, petition=p, role=role) for p in c.petitions]
    today = _today(request)
    requests = letter_service.requests_of(session=db, case_id=c.id)
    context = {
        "case": c,
        "person": c.person,
        "access": case,
        "petitions": views,
        "timeline": petition_service.timeline(session=db, user=user, case_id=c.id),
        "deadlines": schedule.for_case(session=db, case=c),
        "today": today,
        "letters": list(c.support_letters),
        "letter_requests": requests,
        "forms": packet_forms.for_jurisdiction(c.jurisdiction),
        "default_form": next(
            (
                form_id
                for v in views
                if v.is_open
                and (form_id := packet_forms.form_id_for(v.jurisdiction, v.kind)) is not None
            ),
            next(iter(packet_forms.for_jurisdiction(c.jurisdiction)), ""),
        ),
        "jurisdiction_kinds": lifecycle.load(c.jurisdiction).spec.kinds
        if c.jurisdiction in lifecycle.available()
        else (),
        "lifecycle": lifecycle,
        "nav": "cases",
        **extra,
    }
    return _show(request, "petitions/case.html", context, status_code=status)


def _save_or_show(
    request: Request,
    db: SessionDep,
    case: CurrentCase,
    action: Callable[[], object],
    anchor: str = "",
) -> Response:
    """Run one service call in a savepoint: redirect on success; on a refusal, show the page
    again with the reason (and, for a transition, the allowed next steps), keeping nothing."""
    try:
        with db.begin_nested():
            action()
    except (IllegalTransition, BadInput, NotFound) as error:
        db.expire_all()
        return _page(request, db, case, status=error.http_status, error=error)
    return RedirectResponse(f"/cases/{case.id}/petitions?saved=1{anchor}", status_code=303)


@router.get("/cases/{case_id}/petitions")
def petitions_page(request: Request, db: SessionDep, case: CurrentCase) -> Response:
    return _page(request, db, case)


@router.post("/cases/{case_id}/petitions")
async def start_petition(request: Request, db: SessionDep, case: WritableCase) -> Response:
    form = await request.form()
    petition_service.start(
        session=db, user=request.state.user, case_id=case.id, kind=str(form.get("kind", ""))
    )
    return RedirectResponse(f"/cases/{case.id}/petitions?saved=1", status_code=303)


@router.post("/cases/{case_id}/petitions/transition")
async def make_transition(request: Request, db: SessionDep, case: WritableCase) -> Response:
    form = await request.form()
    petition_id = _int(form.get("petition_id", ""), "petition_id")
    name = str(form.get("transition", ""))
    on = _date(form.get("on"), "on", _today(request))
    data = {
        k: str(v)
        for k, v in form.items()
        if k not in ("csrf_token", "petition_id", "transition", "on", "source", "source_detail")
        and str(v).strip()
    }
    return _save_or_show(
        request,
        db,
        case,
        lambda: petition_service.transition(
            session=db,
            user=request.state.user,
            case_id=case.id,
            petition_id=petition_id,
            name=name,
            on=on,
            data=data,
            source=str(form.get("source") or "own_filing"),
            source_detail=str(form.get("source_detail") or "") or None,
            settings=request.app.state.settings,
        ),
    )


@router.post("/cases/{case_id}/petitions/observe")
async def observe_status(request: Request, db: SessionDep, case: WritableCase) -> Response:
    form = await request.form()
    return _save_or_show(
        request,
        db,
        case,
        lambda: petition_service.observe(
            session=db,
            user=request.state.user,
            case_id=case.id,
            petition_id=_int(form.get("petition_id", ""), "petition_id"),
            status=str(form.get("status", "")),
            on=_date(form.get("on"), "on", _today(request)),
            source=str(form.get("source") or "agency_lookup"),
            source_detail=str(form.get("source_detail") or "") or None,
            known_by=str(form.get("known_by") or "") or None,
        ),
    )


@router.get("/cases/{case_id}/packet")
def download_packet(request: Request, db: SessionDep, case: CurrentCase) -> Response:
    """Generate and download a packet (``?form=us-federal/commutation&format=pdf``)."""
    own = packet_forms.for_jurisdiction(case.case.jurisdiction)
    form_id = request.query_params.get("form") or next(iter(own), "")
    fmt = request.query_params.get("format", "pdf")
    packet_forms.check_for_case(form_id, case.case.jurisdiction)
    generated = documents.generate(
        session=db,
        user=request.state.user,
        case_id=case.id,
        form_id=form_id,
        fmt=fmt,
        as_of=_today(request),
        settings=request.app.state.settings,
    )
    return attachment(
        generated.data,
        generated.media_type,
        generated.filename,
        **{"X-Packet-Missing": str(len(generated.packet.missing))},
    )


@router.post("/cases/{case_id}/packet")
async def queue_packet(request: Request, db: SessionDep, case: WritableCase) -> Response:
    """Queue a packet (background job ``generate_packet``); the job page follows it. A second
    click while the same packet is still queued or running returns the same job."""
    from clemency.documents import packet_job
    from clemency.jobs import service as jobs

    form = await request.form()
    own = packet_forms.for_jurisdiction(case.case.jurisdiction)
    raw_petition = str(form.get("petition_id") or "").strip()
    user = request.state.user
    payload = packet_job.request(
        session=db,
        user=user,
        case_id=case.id,
        form_id=str(form.get("form") or next(iter(own), "")),
        fmt=str(form.get("format") or "pdf"),
        as_of=_today(request),
        petition_id=_int(raw_petition, "petition_id") if raw_petition else None,
    )
    job = jobs.pending_like(
        session=db, kind=packet_job.KIND, payload=payload, user_id=user.id
    ) or jobs.enqueue(
        session=db,
        settings=request.app.state.settings,
        kind=packet_job.KIND,
        payload=payload,
        user_id=user.id,
        actor_label=user.email,
    )
    return RedirectResponse(f"/cases/{case.id}/packet/job?id={job.public_id}", status_code=303)


def _packet_job(request: Request, db: SessionDep, case: CurrentCase) -> Any:
    """The packet job ``?id=`` of this case, asked for by this user (else "not found")."""
    from clemency.documents import packet_job
    from clemency.jobs import service as jobs

    public_id = request.query_params.get("id", "")
    job = jobs.get_for_user(session=db, public_id=public_id, user_id=request.state.user.id)
    if job.kind != packet_job.KIND or (job.payload or {}).get("case_id") != case.id:
        raise NotFound("No such packet job.", job_id=public_id)
    return job


@router.get("/cases/{case_id}/packet/job")
def packet_job_page(request: Request, db: SessionDep, case: CurrentCase) -> Response:
    """A queued packet: waiting, being made, failed with the reason, or done with its link
    (the page updates itself while it waits). Without ``?id=``: back to the packet form."""
    if not request.query_params.get("id"):
        return RedirectResponse(f"/cases/{case.id}/petitions#h-packet", status_code=303)
    job = _packet_job(request, db, case)
    return _show(
        request, "petitions/packet_job.html", {"case": case.case, "job": job, "nav": "cases"}
    )


@router.get("/cases/{case_id}/packet/status")
def packet_job_status(request: Request, db: SessionDep, case: CurrentCase) -> Response:
    """The packet job's state as JSON (status, progress, error, document link), for scripts
    (without ``?id=``: back to the packet form, like the job page)."""
    from fastapi.responses import JSONResponse

    if not request.query_params.get("id"):
        return RedirectResponse(f"/cases/{case.id}/petitions#h-packet", status_code=303)
    job = _packet_job(request, db, case)
    result = job.result or {}
    document = result.get("document_id") if job.status == "done" else None
    return JSONResponse(
        {
            "status": job.status,
            "progress": round(job.progress, 3),
            "error": job.error if job.status in ("failed", "queued") else None,
            "document_id": document,
            "download": f"/cases/{case.id}/documents/file?document={document}"
            if document is not None
            else None,
        }
    )


@router.get("/cases/{case_id}/petition-answers")
def answers_form(request: Request, db: SessionDep, case: WritableCase) -> Response:
    from clemency.documents.service import _answers

    return _show(
        request,
        "petitions/answers.html",
        {"case": case.case, "keys": ANSWER_KEYS, "values": _answers(db, case.case), "nav": "cases"},
    )


@router.post("/cases/{case_id}/petition-answers")
async def save_answers(request: Request, db: SessionDep, case: WritableCase) -> Response:
    form = await request.form()
    known = {k for k, _label in ANSWER_KEYS}
    documents.set_answers(
        session=db,
        user=request.state.user,
        case_id=case.id,
        answers={k: str(v) for k, v in form.items() if k in known},
    )
    return RedirectResponse(f"/cases/{case.id}/petitions?saved=1", status_code=303)


@router.post("/cases/{case_id}/letters")
async def request_letter(request: Request, db: SessionDep, case: WritableCase) -> Response:
    form = await request.form()
    relative = str(form.get("is_relative", ""))
    try:
        with db.begin_nested():
            requested = letter_service.request_letter(
                session=db,
                user=request.state.user,
                case_id=case.id,
                author_name=str(form.get("author_name", "")),
                relationship=str(form.get("relationship", "")),
                is_relative={"yes": True, "no": False}.get(relative),
                contact=str(form.get("contact", "")),
                message=str(form.get("message", "")),
                now=deps.now(request),
                valid_days=_int(form.get("valid_days") or 30, "valid_days"),
            )
    except BadInput as error:
        db.expire_all()
        return _page(request, db, case, status=error.http_status, error=error)
    link = str(request.base_url).rstrip("/") + f"/letters/{requested.token}"
    # E-mail the private link when the contact is an address (recorded in sent_emails).
    from clemency.ops import mail

    settings = deps.settings_of(request)
    mailed = mail.send_letter_link(
        session=db,
        settings=settings,
        contact=requested.request.contact,
        link=(settings.public_url or str(request.base_url)).rstrip("/")
        + f"/letters/{requested.token}",
        expires_at=requested.request.expires_at,
        case_id=case.id,
    )
    return _show(
        request,
        "petitions/letter_link.html",
        {
            "case": case.case,
            "letter": requested.letter,
            "link": link,
            "expires_at": requested.request.expires_at,
            "mailed": mailed,
            "nav": "cases",
        },
    )


@router.post("/cases/{case_id}/letters/review")
async def review_letter(request: Request, db: SessionDep, case: WritableCase) -> Response:
    form = await request.form()
    return _save_or_show(
        request,
        db,
        case,
        lambda: letter_service.review(
            session=db,
            user=request.state.user,
            case_id=case.id,
            letter_id=_int(form.get("letter_id", ""), "letter_id"),
            accept=form.get("decision") == "accept",
            on=_today(request),
            reason=str(form.get("reason") or "") or None,
        ),
        anchor="#letters",
    )


@router.post("/cases/{case_id}/letters/reminded")
async def letter_reminded(request: Request, db: SessionDep, case: WritableCase) -> Response:
    form = await request.form()
    letter_service.mark_reminded(
        session=db,
        user=request.state.user,
        case_id=case.id,
        letter_id=_int(form.get("letter_id", ""), "letter_id"),
        on=_today(request),
    )
    return RedirectResponse(f"/cases/{case.id}/petitions?saved=1#letters", status_code=303)


@router.post("/cases/{case_id}/letters/revoke")
async def revoke_letter_link(request: Request, db: SessionDep, case: WritableCase) -> Response:
    form = await request.form()
    return _save_or_show(
        request,
        db,
        case,
        lambda: letter_service.revoke(
            session=db,
            user=request.state.user,
            case_id=case.id,
            letter_id=_int(form.get("letter_id", ""), "letter_id"),
            now=deps.now(request),
        ),
        anchor="#letters",
    )


@router.get("/cases/{case_id}/letters/file")
def letter_file(request: Request, db: SessionDep, case: CurrentCase) -> Response:
    """The uploaded letter (``?letter=ID``), always as a download, never rendered inline."""
    letter_id = _int(request.query_params.get("letter", ""), "letter")
    letter = db.get(SupportLetter, letter_id)
    if letter is None or letter.case_id != case.id or letter.document_id is None:
        raise NotFound(f"No uploaded letter {letter_id} on this case.")
    document, content = files.read_document(
        session=db,
        user=request.state.user,
        case_id=case.id,
        document_id=letter.document_id,
        data_dir=request.app.state.settings.data_dir,
    )
    return attachment(content, document.content_type or "", document.filename)


def _interview_page(
    request: Request,
    db: SessionDep,
    case: CurrentCase,
    *,
    draft: dict[str, str],
    mode: str = "step",
    topic: str | None = None,
    errors: dict[str, str] | None = None,
    error: ClemencyError | None = None,
    version: int | None = None,
    status_code: int = 200,
) -> Response:
    """One screen of the guided interview: a step (one topic), the review of the answers
    before saving, or the determination after saving (``mode``)."""
    result = interview_service.interview(
        session=db,
        user=request.state.user,
        case_id=case.id,
        as_of=_today(request),
        settings=request.app.state.settings,
        draft=_valid_part(draft, errors or {}),
    )
    step = None
    if mode == "step":
        step = next((s for s in result.steps if s.topic == topic), None)
        if topic is not None:  # going back to a topic: its answers so far, then what is open
            step = interview_service.revisit(result, topic, draft, step)
        elif result.steps:
            step = result.steps[0]
        if step is None:
            mode = "review"
    titles = dict(intake.TOPICS)
    answered = [
        (titles[t], t, [(f, draft[f]) for f in draft if FACTS[f].topic == t])
        for t, _title in intake.TOPICS
        if any(f in FACTS and FACTS[f].topic == t for f in draft)
    ]
    return _show(
        request,
        "petitions/interview.html",
        {
            "case": case.case,
            "access": case,
            "iv": result,
            "mode": mode,
            "step": step,
            "draft": draft,
            "answered": answered,
            "topics": intake.TOPICS,
            "errors": errors or {},
            "error": error,
            "form_version": version if version is not None else result.case_version,
            "dont_know": intake.DONT_KNOW,
            "lines": strip.strip(list(zip(result.rulesets, result.determinations, strict=True))),
            "nav": "cases",
        },
        status_code=status_code,
    )


def _valid_part(draft: dict[str, str], errors: dict[str, str]) -> dict[str, str]:
    return {f: v for f, v in draft.items() if f not in errors and f in FACTS}


@router.get("/cases/{case_id}/interview")
def interview_page(request: Request, db: SessionDep, case: CurrentCase) -> Response:
    if not case.may_write:  # its last step saves to the case: not offered to a reader
        raise PermissionDenied(
            "The guided interview saves its answers to the case, and your role may read this "
            "case but not change it."
        )
    return _interview_page(request, db, case, draft={})


@router.post("/cases/{case_id}/interview")
async def interview_answer(request: Request, db: SessionDep, case: WritableCase) -> Response:
    """A step's answers (with the earlier ones carried in the form): check them and show the
    next step, or the review when nothing is left to ask; ``action=save`` writes them all
    through the case service and shows the determination. Nothing is written before that, and
    a refusal shows the same screen again with everything typed kept."""
    form = await request.form()
    draft: dict[str, str] = {}
    for key, value in form.multi_items():
        if key.startswith("fact.") and isinstance(value, str):
            name = key[5:]
            # a step's own field wins over the same fact carried from before
            if value.strip() or name not in draft:
                draft[name] = value.strip()
    for key in form:
        if key.startswith("unknown.") and form.get(key):
            draft[key[8:]] = intake.DONT_KNOW
    draft = {f: (v if v != "" else intake.DONT_KNOW) for f, v in draft.items()}
    action = str(form.get("action", "next"))
    version = _int(form.get("version", ""), "version")
    errors: dict[str, str] = {}
    for fact in draft:
        try:
            interview_service.typed_draft({fact: draft[fact]})
        except ClemencyError as error:
            errors[fact] = error.message
    if errors:
        return _interview_page(
            request,
            db,
            case,
            draft=draft,
            topic=str(form.get("topic") or "") or None,
            errors=errors,
            version=version,
            status_code=422,
        )
    if action.startswith("change:"):
        return _interview_page(request, db, case, draft=draft, topic=action[7:], version=version)
    if action != "save":
        return _interview_page(request, db, case, draft=draft, version=version)
    try:
        with db.begin_nested():
            interview_service.answer(
                session=db,
                user=request.state.user,
                case_id=case.id,
                expected_version=version,
                answers=draft,
                as_of=_today(request),
                settings=request.app.state.settings,
            )
    except ClemencyError as error:
        db.expire_all()
        field = str(error.fields.get("field") or error.fields.get("fact") or "")
        return _interview_page(
            request,
            db,
            case,
            draft=draft,
            mode="review",
            error=error,
            errors={field: error.message} if field in draft else {},
            version=version,
            status_code=error.http_status,
        )
    db.expire_all()
    return _interview_page(request, db, case, draft={}, mode="done")


@router.get("/deadlines")
def deadlines_page(request: Request, db: SessionDep, identity: CurrentIdentity) -> Response:
    """Deadlines of one page of cases (50 at a time): a GET that reads only, at a cost that
    does not grow with the organization."""
    org = request.query_params.get("org", "")
    page_text = request.query_params.get("page", "1")
    page = whole_number(page_text, max_digits=6)
    today = _today(request)
    result = schedule.page_for_user(
        session=db,
        user=identity.user,
        page=1 if page is None else page,
        organization_id=whole_number(org, max_digits=9),
    )
    # Upcoming (and due today) first; the passed ones only when asked for (?when=passed).
    when = "passed" if request.query_params.get("when") == "passed" else "upcoming"
    passed = [r for r in result.rows if r.deadline.status(today) == "passed"]
    upcoming = [r for r in result.rows if r.deadline.status(today) != "passed"]
    rows = passed[::-1] if when == "passed" else upcoming
    case_ids = sorted({r.case_id for r in result.rows})
    overdue = letter_service.overdue(session=db, case_ids=case_ids, as_of=today) if case_ids else []
    feed = feeds.status(session=db, user=identity.user, now=deps.now(request))
    return _show(
        request,
        "petitions/deadlines.html",
        {
            "rows": rows,
            "flagged": corrections.needs_correction(session=db, case_ids=case_ids),
            "when": when,
            "counts": {"upcoming": len(upcoming), "passed": len(passed)},
            "page": result,
            "today": today,
            "feed": feed,
            "overdue": overdue,
            "org": org,
            "orgs": [
                (i, n) for i, n, role in identity.organizations if role in ("admin", "attorney")
            ],
            "nav": "deadlines",
        },
    )


@router.get("/deadlines/feed/{token}.ics")
def deadlines_feed(request: Request, db: SessionDep, token: str) -> Response:
    """The private calendar feed: the link itself is the credential (a random per-user token
    stored hashed, with an expiry; made, renewed and revoked on /account: accounts.feeds)."""
    user = feeds.user_for_token(session=db, raw=token, now=deps.now(request))
    text = schedule.ical_for_user(session=db, user=user, now=deps.now(request))
    return Response(
        text,
        media_type="text/calendar; charset=utf-8",
        headers={
            "Cache-Control": "private, max-age=300",
            "Content-Disposition": 'inline; filename="clemency.ics"',
        },
    )
