"""Partial updates with htmx (``static/htmx.min.js``, configured in ``templates/base.html``).

A route that can answer with a fragment asks :func:`is_htmx` and renders the fragment's
template instead of the page's; everything else (a plain GET, a form posted without
JavaScript, a history restore) gets the full page or the redirect as before. Responses whose
body depends on the request header say so with ``Vary: HX-Request`` (:func:`vary`).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request, Response

REQUEST = "hx-request"
HISTORY_RESTORE = "hx-history-restore-request"


def is_htmx(request: Request) -> bool:
    """True for a request htmx made to swap a fragment into the page. A history restore is
    not one: it needs the whole page (htmx is configured to reload instead, and this keeps
    that true if the configuration changes)."""
    return request.headers.get(REQUEST) == "true" and HISTORY_RESTORE not in request.headers


def vary(response: Response) -> Response:
    """Mark ``response`` as depending on ``HX-Request`` (a cache must not hand a fragment to
    a full-page request); returns it."""
    present = response.headers.get("vary")
    response.headers["vary"] = f"{present}, HX-Request" if present else "HX-Request"
    return response


def current_page(request: Request) -> str:
    """The path and query of the page the person is looking at (htmx sends it as
    ``HX-Current-URL``), for sending them back there after signing in; ``/`` if absent."""
    split = urlsplit(request.headers.get("hx-current-url", ""))
    if not split.path.startswith("/") or split.path.startswith("//"):
        return "/"
    return split.path + ("?" + split.query if split.query else "")
