"""Signing in and out. The sign-in form is protected from CSRF by a double-submit cookie
(there is no session yet); a new session id is issued at every sign-in (no fixation).

With two-factor sign-in the password opens a short ``mfa``-stage session (the same cookie) that
opens nothing but ``/login/mfa``; the right code ends it and starts a full session with a new id.
A user whose organization requires two-factor sign-in and who has not set it up is sent to
``/account/mfa`` (and nothing else opens until they have)."""

from __future__ import annotations

import secrets
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from clemency.accounts import auth, mfa, tokens
from clemency.accounts.auth_models import WebSession
from clemency.accounts.models import User
from clemency.web import deps
from clemency.web.deps import MaybeIdentity, SessionDep
from clemency.web.templating import render

router = APIRouter(tags=["pages: sign-in"], include_in_schema=False)
# Where a user whose password no longer passes the policy goes after signing in.
WEAK_PASSWORD_PAGE = "/account/password?weak=1"  # noqa: S105 - a page address, not a secret


def _safe_next(target: str | None) -> str:
    """Only local paths: never redirect to another site after sign-in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def prelogin_token(
    request: Request, template: str, context: dict[str, Any], status_code: int
) -> Response:
    """A page with forms for someone not signed in: their CSRF token is the value of the
    pre-sign-in cookie (double submit), set here when absent."""
    token = request.cookies.get(deps.PRELOGIN_COOKIE) or secrets.token_urlsafe(32)
    request.state.prelogin_csrf = token
    response: Response = render(request, template, context, status_code=status_code)
    response.set_cookie(
        deps.PRELOGIN_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=deps.cookie_is_secure(request),
        path="/",
    )
    return response


def _login_page(
    request: Request,
    *,
    error: str | None,
    email: str,
    status: int,
    target: str | None = None,
    template: str = "login.html",
) -> Response:
    context = {
        "error": error,
        "email": email,
        "next": _safe_next(target or request.query_params.get("next")),
    }
    return prelogin_token(request, template, context, status)


@router.get("/login")
def login_form(request: Request, identity: MaybeIdentity) -> Response:
    if identity is not None and identity.web_session is not None:
        return RedirectResponse(_safe_next(request.query_params.get("next")), status_code=303)
    return _login_page(request, error=None, email="", status=200)


@router.post("/login")
def login(
    request: Request,
    db: SessionDep,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    moment = deps.now(request)
    result = auth.authenticate(session=db, email=email, password=password, now=moment)
    if result.user is None:
        return _login_page(request, error=auth.FAILED_SIGN_IN, email=email, status=401, target=next)
    user = result.user
    settings = deps.settings_of(request)
    if result.must_change_password:
        next = WEAK_PASSWORD_PAGE
    if user.mfa_enrolled_at is not None and user.totp_secret:
        raw, _row = auth.start_session(
            session=db, user=user, now=moment, source=deps.client_address(request), stage="mfa"
        )
        response = RedirectResponse(
            "/login/mfa?next=" + quote(_safe_next(next), safe=""), status_code=303
        )
        _set_session_cookie(request, response, raw)
        return response  # the pre-sign-in cookie stays: the code form is protected by it
    raw, _row = auth.start_session(
        session=db,
        user=user,
        now=moment,
        source=deps.client_address(request),
        max_sessions=settings.max_sessions_per_user,
    )
    target = _safe_next(next)
    if mfa.is_required(
        auth.memberships_of(session=db, user=user), environment=settings.environment
    ):
        target = "/account/mfa?next=" + quote(target, safe="")
    response = RedirectResponse(target, status_code=303)
    _set_session_cookie(request, response, raw)
    response.delete_cookie(deps.PRELOGIN_COOKIE, path="/")
    return response


def _set_session_cookie(request: Request, response: Response, raw: str) -> None:
    response.set_cookie(
        deps.session_cookie_name(request),
        raw,
        httponly=True,
        samesite="lax",
        secure=deps.cookie_is_secure(request),
        path="/",
    )


def _pending(request: Request, db: SessionDep) -> tuple[WebSession, User] | None:
    raw = request.cookies.get(deps.session_cookie_name(request))
    if not raw:
        return None
    return auth.resolve_session(
        session=db, raw=raw, now=deps.now(request), idle=auth.MFA_STEP_LIMIT, stage="mfa"
    )


@router.get("/login/mfa")
def mfa_form(request: Request, db: SessionDep) -> Response:
    if _pending(request, db) is None:
        return RedirectResponse("/login", status_code=303)
    return _login_page(request, error=None, email="", status=200, template="login_mfa.html")


@router.post("/login/mfa")
def mfa_step(
    request: Request,
    db: SessionDep,
    code: Annotated[str, Form(max_length=64)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    found = _pending(request, db)
    if found is None:
        return _login_page(
            request,
            error="The sign-in took too long or was not started; sign in again.",
            email="",
            status=401,
        )
    pending, user = found
    moment = deps.now(request)
    settings = deps.settings_of(request)
    accepted = mfa.verify_second_factor(
        session=db,
        user=user,
        secret_key=settings.secret_key.get_secret_value(),
        code=code,
        now=moment,
    )
    if not accepted:
        locked = tokens.aware(user.locked_until)
        if locked is not None and locked > moment:
            pending.ended_at = moment
            return _login_page(request, error=auth.FAILED_SIGN_IN, email="", status=401)
        return _login_page(
            request,
            error="That code is not right, or was used already. Enter the code shown now.",
            email="",
            status=401,
            target=next,
            template="login_mfa.html",
        )
    raw, _row = auth.upgrade_session(
        session=db,
        pending=pending,
        user=user,
        now=moment,
        max_sessions=settings.max_sessions_per_user,
    )
    response = RedirectResponse(_safe_next(next), status_code=303)
    _set_session_cookie(request, response, raw)
    response.delete_cookie(deps.PRELOGIN_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(request: Request, db: SessionDep) -> Response:
    raw = request.cookies.get(deps.session_cookie_name(request))
    if raw:
        auth.end_session(session=db, raw=raw, now=deps.now(request))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(
        deps.session_cookie_name(request), path="/", secure=deps.cookie_is_secure(request)
    )
    return response
