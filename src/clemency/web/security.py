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


async def _too_large(scope: Scope, send: Send, max_bytes: int) -> None:
    from clemency.errors import UploadRejected
    from clemency.web.errors import render_error_bytes

    error = UploadRejected(
        f"The upload is larger than the limit of {max_bytes // (1024 * 1024)} MB "
        f"({max_bytes} bytes); nothing was stored. Split the file or ask an administrator "
        "to raise CLEMENCY_MAX_UPLOAD_BYTES.",
        max_bytes=max_bytes,
    )
    status, content_type, body = render_error_bytes(scope, error)
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
