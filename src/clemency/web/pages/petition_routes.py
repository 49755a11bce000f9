"""The routers of the petitions feature, in registration order (the lead adds them to
``clemency.web.app._routers``; tests and the e2e server add them with :func:`include`)."""

from __future__ import annotations

import logging
import re

from fastapi import APIRouter, FastAPI
from sqlalchemy import Table

_SECRET_PATHS = re.compile(r"^/(letters|deadlines/feed)/[^/?]+")


class RedactLinkTokens(logging.Filter):
    """Keep private-link tokens out of the access log: ``/letters/<token>`` is logged as
    ``/letters/…`` (the token is a credential until it is used or expires)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            path = _SECRET_PATHS.sub(lambda m: f"/{m.group(1)}/…", args[2])
            record.args = (*args[:2], path, *args[3:])
        return True


def _redact_access_log() -> None:
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactLinkTokens) for f in access.filters):
        access.addFilter(RedactLinkTokens())


def routers() -> list[APIRouter]:
    from clemency.web.api import petitions as api_petitions
    from clemency.web.pages import letters, petitions

    return [petitions.router, letters.router, api_petitions.router]


def petition_tables() -> list[Table]:
    """This feature's tables (no migration yet: the lead generates it after merging)."""
    from clemency.documents.models import PacketRecord
    from clemency.petitions.models import LetterRequest, PetitionAnswer, PetitionStage

    models = (PetitionStage, PetitionAnswer, LetterRequest, PacketRecord)
    return [model.__table__ for model in models]  # type: ignore[misc]


def include(app: FastAPI) -> FastAPI:
    """Add the petitions routers to an application built by ``create_app`` (idempotent);
    outside production, create this feature's tables if no migration has yet."""
    if getattr(app.state, "petitions_included", False):
        return app
    from clemency.db.base import Base

    if app.state.settings.environment != "production":
        Base.metadata.create_all(app.state.engine, tables=petition_tables(), checkfirst=True)
    for router in routers():
        app.include_router(router)
    _redact_access_log()
    app.state.petitions_included = True
    return app


def create_app() -> FastAPI:
    """``uvicorn --factory clemency.web.pages.petition_routes:create_app`` (until the routers
    are registered in the main factory)."""
    from clemency.web.app import create_app as base

    return include(base())
