"""The supporter's page: opened from a private link, without an account.

It shows guidance on what a good letter says and takes one upload (PDF, Word .docx) or a
typed letter. The size is checked while reading, before anything is stored; the type is
checked by content in the service. Forms carry the double-submit CSRF token (as the sign-in
page does). Pages are ``no-store`` and send no referrer, so the token does not leak.
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from clemency.errors import BadInput, LinkInvalid, UploadRejected
from clemency.petitions import letters as letter_service
from clemency.web import deps
from clemency.web.deps import SessionDep
from clemency.web.templating import render

router = APIRouter(tags=["pages: support letters"], include_in_schema=False)

# same-origin, not no-referrer: the token never leaves the site, and browsers still send the
# Origin header that the CSRF check needs on the upload form.
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "same-origin", "X-Robots-Tag": "noindex"}


def _form_page(
    request: Request,
    view: letter_service.LinkView,
    *,
    error: str | None = None,
    typed: str = "",
    status: int = 200,
) -> Response:
    token = request.cookies.get(deps.PRELOGIN_COOKIE) or secrets.token_urlsafe(32)
    request.state.prelogin_csrf = token
    response: Response = render(
        request,
        "letters/upload.html",
        {
            "view": view,
            "error": error,
            "typed": typed,
            "max_mb": request.app.state.settings.max_upload_bytes / 1024 / 1024,
        },
        status_code=status,
    )
    response.set_cookie(
        deps.PRELOGIN_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=deps.cookie_is_secure(request),
        path="/",
    )
    response.headers.update(PRIVATE)
    return response


def _gone(request: Request, error: LinkInvalid) -> Response:
    response: Response = render(
        request, "letters/invalid.html", {"message": error.message}, status_code=410
    )
    response.headers.update(PRIVATE)
    return response


@router.get("/letters/{token}")
def letter_page(request: Request, db: SessionDep, token: str) -> Response:
    try:
        view = letter_service.open_link(session=db, token=token, now=deps.now(request))
    except LinkInvalid as error:
        return _gone(request, error)
    return _form_page(request, view)


async def _read_limited(upload: UploadFile, limit: int) -> bytes:
    """Read at most ``limit`` + 1 bytes: enough to know it is too big, never more."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = await upload.read(min(64 * 1024, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


@router.post("/letters/{token}")
async def letter_upload(request: Request, db: SessionDep, token: str) -> Response:
    moment = deps.now(request)
    try:
        view = letter_service.open_link(session=db, token=token, now=moment)
    except LinkInvalid as error:
        return _gone(request, error)
    settings = request.app.state.settings
    form = await request.form(max_files=1, max_fields=10)
    upload = form.get("file")
    typed = str(form.get("typed_text") or "")
    data = None
    filename = None
    declared = None
    if isinstance(upload, UploadFile) and upload.filename:
        data = await _read_limited(upload, settings.max_upload_bytes)
        filename = upload.filename
        declared = upload.content_type
    try:
        with db.begin_nested():
            letter_service.upload_via_link(
                session=db,
                token=token,
                now=moment,
                settings=settings,
                data=data,
                filename=filename,
                declared=declared,
                typed_text=typed or None,
            )
    except (UploadRejected, BadInput) as error:
        return _form_page(request, view, error=error.message, typed=typed, status=error.http_status)
    except LinkInvalid as error:
        return _gone(request, error)
    response: Response = render(request, "letters/thanks.html", {"view": view})
    response.headers.update(PRIVATE)
    return response
