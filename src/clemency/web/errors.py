"""Every error in one of two forms: the JSON shape ``{ok, code, message, details}`` for the API
(and anyone who asks for JSON), or an HTML page for people.

A person who is not signed in is sent to the sign-in page instead; anything unexpected becomes
a 500 with a request id and no internals.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope

from clemency.db.session import is_connection_loss
from clemency.errors import (
    BadInput,
    ClemencyError,
    DatabaseUnavailable,
    ErrorCode,
    InternalError,
    MethodNotAllowed,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)
from clemency.web import htmx
from clemency.web.routing import route_table

log = logging.getLogger("clemency.web")


def wants_json(scope: Scope) -> bool:
    """API paths, and requests that accept JSON but not HTML, get JSON."""
    path = str(scope.get("path", ""))
    if path.startswith("/api/"):
        return True
    accept = ""
    for name, value in scope.get("headers", []):
        if name == b"accept":
            accept = value.decode("latin-1")
    return "application/json" in accept and "text/html" not in accept


def _html_error(request: Request, error: ClemencyError) -> Response:
    from clemency.web.templating import render

    context = {"error": error, "ask": whom_to_ask(request)}
    response: Response = render(request, "error.html", context, error.http_status)
    if htmx.is_htmx(request):
        # A fragment request that failed shows the error page in place of the whole page,
        # not inside the search results or the panel that asked (base.html lets htmx swap
        # 4xx/5xx answers).
        response.headers["HX-Retarget"] = "body"
        response.headers["HX-Reswap"] = "innerHTML"
    return response


def render_error_bytes(scope: Scope, error: ClemencyError) -> tuple[int, str, bytes]:
    """For middleware that answers before routing: (status, content type, body)."""
    if wants_json(scope):
        return error.http_status, "application/json", json.dumps(error.to_dict()).encode()
    from html import escape

    body = (
        "<!doctype html><meta charset=utf-8><title>Not accepted</title>"
        f"<main><h1>Not accepted</h1><p>{escape(error.message)}</p>"
        '<p><a href="javascript:history.back()">Go back</a></p></main>'
    )
    return error.http_status, "text/html; charset=utf-8", body.encode()


def allowed_methods(request: Request) -> list[str]:
    """The methods the routes at this request's path take (for a 405's ``Allow`` header)."""
    from starlette.routing import compile_path

    methods: set[str] = set()
    for path, route_methods, _route in route_table(request.app):
        regex, _format, _converters = compile_path(path)
        if regex.match(request.url.path):
            methods |= route_methods
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


def whom_to_ask(request: Request) -> str:
    """Who can give access, for a refusal (the HTML error page says the same in words)."""
    identity = getattr(request.state, "identity", None)
    names = [name for _id, name, _role in getattr(identity, "organizations", None) or ()]
    if not names:
        return "To be given access, ask an administrator of your organization."
    return (
        f"To be given access, ask an administrator of {' or '.join(names)}; they manage roles "
        "and case assignments under Users."
    )


def respond(request: Request, error: ClemencyError) -> Response:
    if error.code == ErrorCode.INTERNAL and not isinstance(error, InternalError):
        # A failure on the server's side (a key file, a stored file, a migration): logged with
        # its message, answered like any unexpected error (its message may name a file path).
        return unexpected_response(request, error)
    if isinstance(error, NotAuthenticated) and not wants_json(request.scope):
        if htmx.is_htmx(request):
            # Following a 303 would put the sign-in page inside the fragment's target: have
            # htmx load the sign-in page as a page, to come back to the one the person is on.
            target = htmx.current_page(request)
            login = "/login?next=" + quote(target, safe="")
            return Response(status_code=401, headers={"HX-Redirect": login})
        target = request.url.path
        if request.url.query:
            target += "?" + request.url.query
        return RedirectResponse("/login?next=" + quote(target, safe=""), status_code=303)
    headers: dict[str, str] = {}
    if isinstance(error, NotAuthenticated):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(error, MethodNotAllowed):
        headers["Allow"] = ", ".join(error.fields.get("allow", ()))
    if wants_json(request.scope):
        body = error.to_dict()
        if error.http_status == 403:
            body["details"] = {**body["details"], "ask": whom_to_ask(request)}
        return JSONResponse(body, status_code=error.http_status, headers=headers)
    response = _html_error(request, error)
    response.headers.update(headers)
    return response


def _validation_to_error(exc: RequestValidationError) -> BadInput:
    fields: dict[str, str] = {}
    for item in exc.errors():
        location = [
            str(part) for part in item.get("loc", ()) if part not in ("body", "query", "path")
        ]
        fields[".".join(location) or "request"] = str(item.get("msg", "invalid"))
    summary = "; ".join(f"{name}: {msg}" for name, msg in fields.items())
    return BadInput(f"Some fields are not valid: {summary}", fields=fields)


def _database_unavailable(request: Request, request_id: str) -> DatabaseUnavailable:
    if request.method in ("GET", "HEAD", "OPTIONS"):
        text = "The database did not answer (connection lost or busy). Try again in a moment."
    else:
        text = (
            "The database connection was lost while saving; the change was rolled back unless "
            "the page shows it saved. Reload, check, and try again."
        )
    return DatabaseUnavailable(f"{text} (request {request_id})", request_id=request_id)


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(ClemencyError)
    async def _clemency_error(request: Request, exc: ClemencyError) -> Response:
        return respond(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        return respond(request, _validation_to_error(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        error: ClemencyError
        if exc.status_code == 404:
            error = NotFound("There is no page at this address.", path=request.url.path)
        elif exc.status_code == 405:
            allow = allowed_methods(request)
            error = MethodNotAllowed(
                f"This address does not accept {request.method}; it accepts "
                f"{', '.join(allow) or 'no method'}.",
                method=request.method,
                allow=allow,
            )
        elif exc.status_code in (401, 403):
            error = PermissionDenied(str(exc.detail))
        else:
            error = BadInput(str(exc.detail))
        return respond(request, error)

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError) -> Response:
        # Registered for the class itself so that Starlette answers here and keeps the
        # connection open (the catch-all below goes through ServerErrorMiddleware, which
        # re-raises and makes the server drop the client's keep-alive connection).
        return _server_error(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        return _server_error(request, exc)


def _server_error(request: Request, exc: Exception) -> Response:
    """A lost or busy database: 503 ``database_unavailable`` with Retry-After. Anything else:
    500 with a request id and no internals."""
    request_id = getattr(request.state, "request_id", "-")
    if is_connection_loss(exc):
        log.warning("database unavailable (request %s): %s", request_id, exc)
        from clemency.web.retry import LOST

        request.scope.setdefault("state", {})[LOST] = True
        response = respond(request, _database_unavailable(request, request_id))
        response.headers["Retry-After"] = "2"
        return response
    return unexpected_response(request, exc)


def unexpected_response(request: Request, exc: BaseException) -> Response:
    """The 500 for an error nobody expected: logged with its traceback, answered with a
    request id only (``code: internal_error``), never internals."""
    request_id = getattr(request.state, "request_id", "-")
    log.error("unexpected error (request %s)", request_id, exc_info=exc)
    error = InternalError(
        f"Something went wrong on our side; nothing was changed. Quote request {request_id} "
        "to your administrator.",
        request_id=request_id,
    )
    if wants_json(request.scope):
        return JSONResponse(error.to_dict(), status_code=500)
    return _html_error(request, error)
