"""A person's own account: password, two-factor sign-in, the calendar-feed link; and the page
where an invitation to an organization is accepted.

Secrets (a new TOTP secret, recovery codes, a calendar link, an invitation link) appear only in
the answer to the POST that made them, never on a GET, and are stored only hashed or sealed.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from clemency.accounts import auth, feeds, invitations, mfa
from clemency.errors import BadInput
from clemency.web import deps
from clemency.web.deps import CurrentIdentity, Identity, MaybeIdentity, SessionDep, now
from clemency.web.templating import render

router = APIRouter(tags=["pages: account"], include_in_schema=False)


def _secret_key(request: Request) -> str:
    return deps.settings_of(request).secret_key.get_secret_value()


def qr_code(text: str) -> str:
    """``text`` as a QR code, an SVG ``data:`` URI for an ``<img>`` (the CSP allows ``data:``
    images; nothing is loaded from elsewhere)."""
    import base64

    import qrcode
    import qrcode.image.svg

    image = qrcode.make(
        text, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=2
    )
    svg = image.to_string(encoding="unicode")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _feed_url(request: Request, raw: str) -> str:
    return str(request.base_url).rstrip("/") + f"/deadlines/feed/{raw}.ics"


def _account_page(
    request: Request,
    db: SessionDep,
    identity: Identity,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    user = identity.user
    context: dict[str, Any] = {
        "nav": "",
        "user": user,
        "feed": feeds.status(session=db, user=user, now=now(request)),
        "mfa_enrolled": user.mfa_enrolled_at is not None,
        "mfa_required": identity.mfa_setup_required
        or mfa.is_required(
            auth.memberships_of(session=db, user=user),
            environment=deps.settings_of(request).environment,
        ),
        "codes_left": mfa.recovery_codes_left(session=db, user=user),
        "errors": {},
    }
    context.update(extra or {})
    return render(request, "account/index.html", context, status_code=status_code)


@router.get("/account")
def account_page(request: Request, db: SessionDep, identity: CurrentIdentity) -> Response:
    return _account_page(request, db, identity)


# --- password -----------------------------------------------------------------------------


@router.get("/account/password")
def password_form(request: Request, identity: CurrentIdentity) -> Response:
    return render(request, "account/password.html", {"nav": "", "errors": {}, "new_feed": None})


@router.post("/account/password")
def change_password(
    request: Request,
    db: SessionDep,
    identity: CurrentIdentity,
    current: Annotated[str, Form(max_length=1024)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    confirm: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    if identity.web_session is None:
        raise BadInput("Change the password in the browser, not with an API token.")
    try:
        result = auth.change_password(
            session=db,
            user=identity.user,
            current=current,
            new=password,
            confirm=confirm,
            keep_session_id=identity.web_session.id,
            now=now(request),
            feed_days=deps.settings_of(request).calendar_feed_days,
        )
    except BadInput as error:  # the failed attempt's audit row is kept (no rollback)
        return render(
            request,
            "account/password.html",
            {"nav": "", "errors": {str(error.fields.get("field", "password")): error.message}},
            status_code=422,
        )
    return render(
        request,
        "account/password.html",
        {
            "nav": "",
            "errors": {},
            "changed": True,
            "new_feed": _feed_url(request, result.new_feed_token)
            if result.new_feed_token
            else None,
        },
    )


# --- two-factor sign-in ---------------------------------------------------------------------


def _mfa_page(
    request: Request,
    db: SessionDep,
    identity: Identity,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    user = identity.user
    context: dict[str, Any] = {
        "nav": "",
        "enrolled": user.mfa_enrolled_at is not None,
        "required": identity.mfa_setup_required,
        "codes_left": mfa.recovery_codes_left(session=db, user=user),
        "secret": None,
        "uri": None,
        "codes": None,
        "errors": {},
        "next": _safe_next(request.query_params.get("next")),
    }
    context.update(extra or {})
    return render(request, "account/mfa.html", context, status_code=status_code)


def _safe_next(target: str | None) -> str:
    from clemency.web.pages.auth import _safe_next as safe

    return safe(target)


@router.get("/account/mfa")
def mfa_page(request: Request, db: SessionDep, identity: CurrentIdentity) -> Response:
    return _mfa_page(request, db, identity)


@router.post("/account/mfa/start")
def mfa_start(request: Request, db: SessionDep, identity: CurrentIdentity) -> Response:
    if identity.web_session is None:
        raise BadInput("Set up two-factor sign-in in the browser, not with an API token.")
    if identity.user.mfa_enrolled_at is not None:
        raise BadInput(
            "Two-factor sign-in is already set up; an administrator of your organization can "
            "reset it if you need to start again."
        )
    secret = mfa.start_enrolment(session=db, user=identity.user, secret_key=_secret_key(request))
    return _mfa_page(
        request,
        db,
        identity,
        _enrolment(secret, identity.user.email),
    )


def _enrolment(secret: str | None, email: str) -> dict[str, Any]:
    if secret is None:
        return {"secret": None, "uri": None, "qr": None}
    uri = mfa.provisioning_uri(secret, email)
    return {"secret": secret, "uri": uri, "qr": qr_code(uri)}


@router.post("/account/mfa/confirm")
def mfa_confirm(
    request: Request,
    db: SessionDep,
    identity: CurrentIdentity,
    code: Annotated[str, Form(max_length=64)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    user = identity.user
    try:
        codes = mfa.confirm_enrolment(
            session=db, user=user, secret_key=_secret_key(request), code=code, now=now(request)
        )
    except BadInput as error:
        secret = mfa.pending_secret(user=user, secret_key=_secret_key(request))
        return _mfa_page(
            request,
            db,
            identity,
            {**_enrolment(secret, user.email), "errors": {"code": error.message}},
            status_code=422,
        )
    identity.mfa_setup_required = False
    return _mfa_page(
        request, db, identity, {"codes": codes, "enrolled": True, "next": _safe_next(next)}
    )


@router.post("/account/mfa/recovery-codes")
def mfa_new_codes(
    request: Request,
    db: SessionDep,
    identity: CurrentIdentity,
    code: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    try:
        codes = mfa.regenerate_recovery_codes(
            session=db,
            user=identity.user,
            secret_key=_secret_key(request),
            code=code,
            now=now(request),
        )
    except BadInput as error:
        return _mfa_page(request, db, identity, {"errors": {"code": error.message}}, 422)
    return _mfa_page(request, db, identity, {"codes": codes})


# --- calendar-feed link ---------------------------------------------------------------------


@router.post("/account/calendar-feed")
def make_feed(request: Request, db: SessionDep, identity: CurrentIdentity) -> Response:
    """Make (or renew) the calendar link; the old one stops working. Shown this once."""
    raw = feeds.issue(
        session=db,
        user=identity.user,
        now=now(request),
        days=deps.settings_of(request).calendar_feed_days,
    )
    return _account_page(request, db, identity, {"new_feed": _feed_url(request, raw)})


@router.post("/account/calendar-feed/revoke")
def revoke_feed(request: Request, db: SessionDep, identity: CurrentIdentity) -> Response:
    feeds.revoke(session=db, user=identity.user, now=now(request))
    return RedirectResponse("/account?saved=1", status_code=303)


# --- invitations ----------------------------------------------------------------------------


def _invitation_page(
    request: Request,
    db: SessionDep,
    token: str,
    identity: Identity | None,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    from clemency.web.pages.auth import prelogin_token

    invitation = invitations.find(session=db, raw=token, now=now(request))
    context: dict[str, Any] = {
        "nav": "",
        "invitation": invitation,
        "token": token,
        "signed_in_as": identity.user.email if identity is not None else None,
        "errors": {},
        "done": None,
    }
    context.update(extra or {})
    if identity is None or identity.web_session is None:
        return prelogin_token(request, "account/invitation.html", context, status_code)
    return render(request, "account/invitation.html", context, status_code=status_code)


@router.get("/invitations/{token}")
def invitation_page(
    request: Request, db: SessionDep, identity: MaybeIdentity, token: str
) -> Response:
    return _invitation_page(request, db, token, identity)


@router.post("/invitations/{token}/accept")
def accept_invitation(
    request: Request, db: SessionDep, identity: CurrentIdentity, token: str
) -> Response:
    try:
        organization_id = invitations.accept(
            session=db, raw=token, user=identity.user, now=now(request)
        )
    except BadInput as error:
        return _invitation_page(
            request, db, token, identity, {"errors": {"accept": error.message}}, 422
        )
    return RedirectResponse(f"/?joined={organization_id}", status_code=303)


@router.post("/invitations/{token}/register")
def register_from_invitation(
    request: Request,
    db: SessionDep,
    identity: MaybeIdentity,
    token: str,
    display_name: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    confirm: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    try:
        if password != confirm:
            raise BadInput("The two passwords differ.", field="confirm")
        invitations.register(
            session=db,
            raw=token,
            display_name=display_name,
            password=password,
            now=now(request),
        )
    except BadInput as error:
        return _invitation_page(
            request,
            db,
            token,
            identity,
            {"errors": {str(error.fields.get("field", "password")): error.message}},
            422,
        )
    from clemency.web.pages.auth import prelogin_token

    return prelogin_token(
        request, "account/registered.html", {"nav": "", "message": invitations.REGISTERED}, 200
    )
