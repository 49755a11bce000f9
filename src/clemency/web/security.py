"""Security headers on every response and a request-size limit in front of body parsing.

Both are plain ASGI middleware (no per-request task switching), so they cost microseconds.
The Content-Security-Policy allows scripts, styles and images from this server only: the
pages load nothing from elsewhere, which also means they work on an offline network.
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
_COMMON = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # not no-referrer: with it browsers send "Origin: null" on form posts and the CSRF check
    # could not tell this site from another
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
_HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


class SecurityHeaders:
    """Adds the headers above; case data is never cached (``Cache-Control: no-store``),
    static files may be cached for an hour."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in _COMMON:
                    if name not in present:
                        headers.append((name, value))
                if self.hsts:
                    headers.append(_HSTS)
                if b"cache-control" not in present:
                    cache = b"public, max-age=3600" if is_static else b"no-store"
                    headers.append((b"cache-control", cache))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuses a request body larger than ``max_bytes`` with 413 before anything parses or
    stores it: by its Content-Length when given, and by counting the bytes as they stream."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                await _too_large(scope, send, self.max_bytes)
                return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        try:
            await self.app(scope, counting_receive, send)
        except BodyTooLarge:
            await _too_large(scope, send, self.max_bytes)


class BodyTooLarge(Exception):
    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"request body larger than {max_bytes} bytes")


def size_in_words(limit: int) -> str:
    """An upload limit as people read it: ``10 MB`` (rounded; a form's few kilobytes of
    envelope do not show), or ``500 KB`` below a megabyte."""
    megabytes = limit / (1024 * 1024)
    if megabytes >= 1:
        return f"{round(megabytes):,} MB"
    return f"{max(1, round(limit / 1024)):,} KB"


def too_large_message(path: str, limit: int) -> str:
    """What a person who sent too large a file reads: the limit, and what to do instead (never
    a server setting to change: that is the administrator's business)."""
    size = size_in_words(limit)
    if path.startswith("/screening"):
        advice = (
            "Split the roster into smaller files (the same header row in each) and screen "
            "them one after another; if a single file must be larger, ask your organization's "
            "administrator."
        )
    else:
        advice = (
            "Upload a smaller file: scan at a lower resolution or in black and white, or split "
            "a long document into parts; if it cannot be made smaller, ask your "
            "organization's administrator."
        )
    return f"The file is larger than the upload limit of {size}; nothing was stored. {advice}"


def _same_site_referer(scope: Scope) -> str | None:
    """The page the upload came from (path and query), when it is a page of this site: the
    link back to the form. Anything else (another site, no Referer) gives no link."""
    from urllib.parse import urlsplit

    headers: dict[str, str] = {
        bytes(name).decode("latin-1").lower(): bytes(value).decode("latin-1")
        for name, value in scope.get("headers", [])
    }
    referer = urlsplit(headers.get("referer", ""))
    host = headers.get("host", "")
    if not referer.path.startswith("/") or not host or referer.netloc != host:
        return None
    return referer.path + (f"?{referer.query}" if referer.query else "")


def _too_large_body(scope: Scope, max_bytes: int) -> tuple[int, str, bytes]:
    """The 413 in the site's own page (the base template with its styles), or the API's JSON
    error; the bare page only if rendering the template fails."""
    from clemency.errors import UploadRejected
    from clemency.web.errors import render_error_bytes, wants_json

    path = str(scope.get("path", ""))
    error = UploadRejected(
        too_large_message(path, max_bytes), max_bytes=max_bytes, limit=size_in_words(max_bytes)
    )
    if wants_json(scope):
        return render_error_bytes(scope, error)
    try:
        from starlette.requests import Request

        from clemency.web.templating import render

        context = {"error": error, "back": _same_site_referer(scope)}
        response = render(Request(scope), "error.html", context, error.http_status)
        return error.http_status, "text/html; charset=utf-8", bytes(response.body)
    except Exception:  # the plain page still says the limit
        return render_error_bytes(scope, error)


async def _too_large(scope: Scope, send: Send, max_bytes: int) -> None:
    status, content_type, body = _too_large_body(scope, max_bytes)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def attachment(content: bytes, media_type: str, filename: str, **headers: str) -> Response:
    """A download that is never rendered in the browser: ``Content-Disposition: attachment``
    with a harmless file name, ``nosniff``, a sandboxing CSP and no caching."""
    from clemency.files.service import safe_filename

    return Response(
        content,
        media_type=media_type or "application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="{safe_filename(filename)}"',
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox",
            "Cache-Control": "no-store",
            **headers,
        },
    )
