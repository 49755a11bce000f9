"""Request ids, the access log, Prometheus metrics and the ``/readyz`` and ``/metrics`` routes.

:func:`install` is the one call ``create_app`` makes. The request id comes from the client's
``X-Request-ID`` header when it is a plain token (letters, digits, ``.-_``, at most 64), else it
is generated; it is echoed in the response, put in the logs and in audit rows.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import secrets
import time

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clemency.config import Settings
from clemency.eligibility import registry
from clemency.ops import health, metrics
from clemency.ops.logs import REQUEST_ID

access_log = logging.getLogger("clemency.access")
_GOOD_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

router = APIRouter(include_in_schema=False)


class RequestContext:
    """Outermost middleware: request id, one look at the rule files (``registry.snapshot``), one
    access-log line and the request metrics."""

    def __init__(self, app: ASGIApp, engine: object = None) -> None:
        self.app = app
        self.engine = engine

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        offered = dict(scope.get("headers", [])).get(b"x-request-id", b"").decode("latin-1")
        request_id = offered if _GOOD_ID.fullmatch(offered) else secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = request_id
        token = REQUEST_ID.set(request_id)
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message["headers"] = [
                    *[(k, v) for k, v in message.get("headers", []) if k != b"x-request-id"],
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            with registry.snapshot():  # one version of the rule files per request
                await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or "(unmatched)"
            method = str(scope.get("method", "-"))
            metrics.observe_request(method, route, status, seconds)
            from sqlalchemy import Engine

            if isinstance(self.engine, Engine):
                metrics.observe_pool(self.engine)
            access_log.info(
                "%s %s %d",
                method,
                route,
                status,
                extra={
                    "method": method,
                    "route": route,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 1),
                    "request_id": request_id,
                },
            )
            REQUEST_ID.reset(token)


def metrics_allowed(settings: Settings, host: str | None) -> bool:
    """Whether a client at ``host`` may read ``/metrics`` (``CLEMENCY_METRICS_ALLOW``)."""
    if not host:
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(block, strict=False) for block in settings.metrics_allow
    )


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    from clemency.jobs import service as jobs

    state = request.app.state
    runner = getattr(state, "job_runner", None)
    queue = jobs.queue_status(
        state.engine, state.settings, runner_alive=runner.alive() if runner is not None else None
    )
    result = health.check(state.engine, queue)
    return JSONResponse(result.as_json(), status_code=200 if result.ok else 503)


@router.get("/metrics")
def metrics_page(request: Request) -> Response:
    host = request.client.host if request.client else None
    if not metrics_allowed(request.app.state.settings, host):
        return Response("Not Found", status_code=404, media_type="text/plain")
    from clemency.db.session import unit_of_work
    from clemency.jobs import service as jobs

    try:
        with unit_of_work(request.app.state.engine) as session:
            jobs.refresh_metrics(session=session)
    except Exception as error:  # metrics still answer when the database does not
        logging.getLogger(__name__).warning("job metrics not read: %s", type(error).__name__)
    body, content_type = metrics.exposition()
    return Response(body, media_type=content_type)


def install(app: FastAPI, settings: Settings) -> None:
    """Add the routes and the outermost middleware (call after every other middleware)."""
    app.include_router(router)
    app.add_middleware(RequestContext, engine=app.state.engine)
