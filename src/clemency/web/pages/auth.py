"""Signing in and out. The sign-in form is protected from CSRF by a double-submit cookie
(there is no session yet); a new session id is issued at every sign-in (no fixation)."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from clemency.accounts import auth
from clemency.web import deps
from clemency.web.deps import MaybeIdentity, SessionDep
from clemency.web.templating import render

router = APIRouter(tags=["pages: sign-in"], include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only local paths: never redirect to another site after sign-in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _login_page(
    request: Request, *, error: str | None, email: str, status: int, target: str | None = None
) -> Response:
    token = request.cookies.get(deps.PRELOGIN_COOKIE) or secrets.token_urlsafe(32)
    request.state.prelogin_csrf = token
    response: Response = render(
        request,
        "login.html",
        {
            "error": error,
            "email": email,
            "next": _safe_next(target or request.query_params.get("next")),
        },
        status_code=status,
    )
    response.set_cookie(
        deps.PRELOGIN_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=deps.cookie_is_secure(request),
        path="/",
    )
    return response


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
    raw, _row = auth.start_session(
        session=db, user=result.user, now=moment, source=deps.client_address(request)
    )
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        deps.session_cookie_name(request),
        raw,
        httponly=True,
        samesite="lax",
        secure=deps.cookie_is_secure(request),
        path="/",
    )
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
