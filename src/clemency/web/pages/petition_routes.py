"""The routers of the petitions feature, in registration order (the lead adds them to
``clemency.web.app._routers``; tests and the e2e server add them with :func:`include`)."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI


def routers() -> list[APIRouter]:
    from clemency.web.api import petitions as api_petitions
    from clemency.web.pages import letters, petitions

    return [petitions.router, letters.router, api_petitions.router]


def include(app: FastAPI) -> FastAPI:
    """Add the petitions routers to an application built by ``create_app`` (idempotent)."""
    if getattr(app.state, "petitions_included", False):
        return app
    import clemency.documents.models
    import clemency.petitions.models  # noqa: F401 - map the feature's tables

    for router in routers():
        app.include_router(router)
    app.state.petitions_included = True
    return app


def create_app() -> FastAPI:
    """``uvicorn --factory clemency.web.pages.petition_routes:create_app`` (until the routers
    are registered in the main factory)."""
    from clemency.web.app import create_app as base

    return include(base())
