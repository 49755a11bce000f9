"""The application factory: ``uvicorn --factory clemency.web.app:create_app``.

Routers are registered from one list, :data:`ROUTERS`; a feature adds its router there (pages
first, then the API under ``/api/v1``). Every route gets the CSRF check as an application-wide
dependency; every case route gets the case authorization check through ``deps.CurrentCase``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from clemency.config import Settings, get_settings
from clemency.db.session import engine_for, make_engine, unit_of_work
from clemency.web import deps, errors
from clemency.web.security import BodyLimit, SecurityHeaders
from clemency.web.templating import STATIC_DIR

log = logging.getLogger("clemency.web")


def _routers() -> list[APIRouter]:
    """Every router of the application, in registration order (add new ones here)."""
    from clemency.web.api import cases as api_cases
    from clemency.web.api import check as api_check
    from clemency.web.api import parts as api_parts
    from clemency.web.api import rulesets as api_rulesets
    from clemency.web.api import screening as api_screening
    from clemency.web.api import tokens as api_tokens
    from clemency.web.pages import (
        admin,
        auth,
        bulk,
        cases,
        dashboard,
        documents,
        parts,
        petition_routes,
        rulesets,
        screening,
        statistics,
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
        api_cases.router,
        api_parts.router,
        api_check.router,
        api_rulesets.router,
        api_screening.router,
        api_tokens.router,
        *petition_routes.routers(),
        statistics.router,
        documents.router,
    ]


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application for ``settings`` (read from the environment when omitted)."""
    settings = settings or get_settings()
    # Models outside the case store must be mapped before the first query.
    import clemency.accounts.auth_models
    import clemency.db.models
    import clemency.reviews.models
    import clemency.search.service

    engine = (
        make_engine(settings.database_url)
        if settings.environment == "test"
        else engine_for(settings.database_url)
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        from clemency.search import service as search

        with unit_of_work(engine) as session:
            if search.index_is_empty_but_cases_exist(session):
                log.info("building the case search index (%d cases)", search.reindex_all(session))
        yield

    app = FastAPI(
        title="Clemency",
        version=clemency.__version__,
        description="Case work, eligibility determinations and screening over a REST API. "
        "Programs authenticate with `Authorization: Bearer <token>`; errors have the shape "
        '`{"ok": false, "code": ..., "message": ..., "details": {...}}`.',
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
        dependencies=[Depends(deps.csrf_protect)],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.clock = lambda: datetime.now(UTC)
    errors.install(app)
    for router in _routers():
        app.include_router(router)
    from clemency.web.pages.petition_routes import redact_access_log

    redact_access_log()
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> Response:
        return Response("ok", media_type="text/plain")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon(_request: Request) -> Response:
        return Response(status_code=204)

    app.add_middleware(BodyLimit, max_bytes=settings.max_upload_bytes + 64 * 1024)
    app.add_middleware(SecurityHeaders, hsts=settings.environment == "production")
    # Request id, access log, metrics, /readyz and /metrics (outermost; keep last).
    from clemency.web import observability

    observability.install(app, settings)
    return app


def route_table(app: FastAPI) -> list[tuple[str, frozenset[str], APIRoute]]:
    """Every HTTP route of ``app`` as ``(path, methods, route)``, however it was included
    (the authorization tests enumerate this, so a new route cannot be forgotten)."""
    from fastapi.routing import iter_route_contexts

    table: list[tuple[str, frozenset[str], APIRoute]] = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and context.path is not None:
            table.append((context.path, frozenset(route.methods or ()), route))
    return table
