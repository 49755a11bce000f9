"""The routers of the petitions feature, in registration order (``clemency.web.app._routers``
registers them), and the filter that keeps private-link tokens out of the access log."""

from __future__ import annotations

import logging
import re

from fastapi import APIRouter

_SECRET_PATHS = re.compile(r"^/(letters|deadlines/feed|invitations)/[^/?]+")


class RedactLinkTokens(logging.Filter):
    """Keep private-link tokens out of the access log: ``/letters/<token>`` is logged as
    ``/letters/…`` (the token is a credential until it is used or expires)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            path = _SECRET_PATHS.sub(lambda m: f"/{m.group(1)}/…", args[2])
            record.args = (*args[:2], path, *args[3:])
        return True


def redact_access_log() -> None:
    """Install :class:`RedactLinkTokens` on uvicorn's access log (idempotent)."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactLinkTokens) for f in access.filters):
        access.addFilter(RedactLinkTokens())


def routers() -> list[APIRouter]:
    from clemency.web.api import petitions as api_petitions
    from clemency.web.pages import letters, petitions

    return [petitions.router, letters.router, api_petitions.router]
