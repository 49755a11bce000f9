"""The application factory: ``uvicorn --factory clemency.web.app:create_app``.

Routers are registered from one list, :data:`ROUTERS`; a feature adds its router there (pages
first, then the API under ``/api/v1``). Every route gets the CSRF check as an application-wide
dependency; every case route gets the case authorization check through ``deps.CurrentCase``.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clemency.config import Settings, get_settings
from clemency.db.session import engine_for, make_engine, unit_of_work
from clemency.errors import UnsupportedMediaType
from clemency.web import deps, errors
from clemency.web.retry import RetryReadsOnLostConnection
from clemency.web.security import BodyLimit, SecurityHeaders
from clemency.web.templating import STATIC_DIR

log = logging.getLogger("clemency.web")


def _routers() -> list[APIRouter]:
    """Every router of the application, in registration order (add new ones here)."""
    from clemency.web.api import cases as api_cases
    from clemency.web.api import check as api_check
    from clemency.web.api import parts as api_parts
    from clemency.web.api import queues as api_queues
    from clemency.web.api import rulesets as api_rulesets
    from clemency.web.api import screening as api_screening
    from clemency.web.api import tasks as api_tasks
    from clemency.web.api import tokens as api_tokens
    from clemency.web.pages import (
        account,
        admin,
        auth,
        bulk,
        cases,
        dashboard,
        documents,
        parts,
        petition_routes,
        queues,
        rulesets,
        screening,
        statistics,
        tasks,
    )

    return [
        auth.router,
        dashboard.router,
        cases.router,
        parts.router,
        screening.router,
        rulesets.router,
        bulk.router,
        admin.router,
        account.router,
        api_cases.router,
        api_parts.router,
        api_check.router,
        api_rulesets.router,
        api_screening.router,
        api_tokens.router,
        *petition_routes.routers(),
        statistics.router,
        documents.router,
        tasks.router,
        api_tasks.router,
        queues.router,
        api_queues.router,
    ]


@functools.cache
def _site() -> APIRouter:
    """Every route of the site, built once a process and shared by the apps it creates.

    FastAPI (0.165) builds a route's request handler, dependencies included, when an app first
    matches a request against a router it included, and keeps it in that app. Built per app, a
    process that creates many apps (the test suite creates one per test) paid about 0.2 s of
    CPU for each app's first request, a tenth of the suite's time. Here the routers are
    included into one router of this module; an app takes its routes (``app.router.routes``)
    instead of including it, so the handlers are built once a process. A server process
    creates one app, so nothing changes there.

    Every route gets the application-wide dependencies: the form closed after the answer, JSON
    bodies only as JSON, and the CSRF check. Nothing here may depend on an app's settings: a
    route finds its app, settings and engine in ``request.app``.
    """
    site = APIRouter(
        dependencies=[
            Depends(deps.close_form),
            Depends(require_json_body),
            Depends(deps.csrf_protect),
        ]
    )
    for router in _routers():
        site.include_router(router)

    @site.get("/api/v1/docs", include_in_schema=False)
    def api_docs(request: Request) -> Response:
        """The API's operations as a page of this site (nothing loaded from elsewhere)."""
        from clemency.web.templating import render

        return render(request, "api/docs.html", api_reference(request.app))

    @site.get("/healthz", include_in_schema=False)
    def healthz() -> Response:
        return Response("ok", media_type="text/plain")

    @site.get("/favicon.ico", include_in_schema=False)
    def favicon(_request: Request) -> Response:
        return Response(status_code=204)

    return site


class CatchUnexpected:
    """Answers an unexpected exception with the 500 of :func:`errors.unexpected_response`
    *inside* the security-header and request-id middleware, so that answer carries them too
    (Starlette's outermost error middleware would send it past them)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as error:
            if started:
                raise
            response = errors.unexpected_response(Request(scope), error)
            await response(scope, receive, send)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application for ``settings`` (read from the environment when omitted)."""
    settings = settings or get_settings()
    # Models outside the case store must be mapped before the first query.
    import clemency.accounts.auth_models
    import clemency.db.models
    import clemency.reviews.models
    import clemency.search.service
    from clemency.crypto import keys

    keyring = keys.from_settings(settings)  # a bad or missing key file stops the start here
    if keyring is not None:
        keys.install(keyring)
    engine = (
        make_engine(settings.database_url)
        if settings.environment == "test"
        else engine_for(settings.database_url)
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        from clemency.db.session import is_connection_loss
        from clemency.search import service as search

        try:
            with unit_of_work(engine) as session:
                if search.index_is_empty_but_cases_exist(session=session):
                    count = search.reindex_all(session=session)
                    log.info("built the case search index (%d cases)", count)
        except Exception as error:
            # Several workers start at once; on SQLite one builds the index and the others
            # find the database locked. They serve anyway instead of failing to start.
            if not is_connection_loss(error):
                raise
            log.warning("case search index not built by this worker: %s", error)
        from clemency.jobs import service as jobs
        from clemency.jobs.thread import Runner

        runner = None
        if jobs.backend_of(settings) == "thread":
            runner = Runner(engine, settings).start()
        _app.state.job_runner = runner
        if settings.environment != "test":
            from clemency.jobs import warmup

            warmup.warm_up()  # WeasyPrint and the job modules load now, not in a request
        try:
            yield
        finally:
            if runner is not None:
                runner.stop()

    app = FastAPI(
        title="Clemency",
        version=clemency.__version__,
        description="Case work, eligibility determinations and screening over a REST API. "
        "Programs authenticate with `Authorization: Bearer <token>`; errors have the shape "
        '`{"ok": false, "code": ..., "message": ..., "details": {...}}`.',
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # FastAPI's page loads Swagger UI from a CDN, which the CSP blocks
        redoc_url=None,
        lifespan=lifespan,
    )
    from clemency.audit import keys as audit_keys

    audit_keys.bind(engine, audit_keys.load_audit_key(settings))
    app.state.settings = settings
    app.state.engine = engine
    app.state.job_runner = None  # the thread backend's runner, started with the lifespan
    app.state.clock = lambda: datetime.now(UTC)
    errors.install(app)
    app.router.routes.extend(_site().routes)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    from clemency.web.pages.petition_routes import redact_access_log

    redact_access_log()
    app.add_middleware(RetryReadsOnLostConnection)
    app.add_middleware(BodyLimit, max_bytes=settings.max_upload_bytes + 64 * 1024)
    app.add_middleware(CatchUnexpected)
    app.add_middleware(SecurityHeaders, hsts=settings.environment == "production")
    # Request id, access log, metrics, /readyz and /metrics (outermost; keep last).
    from clemency.web import observability

    observability.install(app, settings)
    return app


def require_json_body(request: Request) -> None:
    """An operation whose body is JSON takes only ``application/json`` (or ``…+json``): any
    other or a missing Content-Type is 415, before the body is validated (ASVS 13.1.5)."""
    from fastapi import params

    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or route.body_field is None:
        return
    if isinstance(route.body_field.field_info, params.Form):  # forms and uploads (File too)
        return
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json" and not media.endswith("+json"):
        raise UnsupportedMediaType(
            f"This operation takes a JSON body; send it with Content-Type: application/json "
            f"(got {media or 'no Content-Type'}).",
            content_type=media or None,
        )


def api_reference(app: FastAPI) -> dict[str, Any]:
    """What /api/v1/docs shows: every operation of the OpenAPI document, in path order."""
    document = app.openapi()
    operations = [
        {
            "method": method.upper(),
            "path": path,
            "summary": operation.get("summary") or operation.get("description", "").split("\n")[0],
        }
        for path, item in sorted(document.get("paths", {}).items())
        for method, operation in item.items()
        if isinstance(operation, dict)
    ]
    return {
        "operations": operations,
        "version": document.get("info", {}).get("version", ""),
        "openapi_url": app.openapi_url,
        "openapi_version": document.get("openapi", ""),
        "nav": "",
    }
