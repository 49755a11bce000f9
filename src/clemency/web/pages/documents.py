"""Documents of a case: upload one (type and size checked before anything is stored) and
download one (always as an attachment, sandboxed, audited)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from clemency.cases.vocab import DOCUMENT_TYPES
from clemency.digits import whole_number
from clemency.errors import BadInput, ClemencyError
from clemency.files import service as files
from clemency.web.deps import CurrentCase, CurrentIdentity, SessionDep, SettingsDep, WritableCase
from clemency.web.security import attachment
from clemency.web.templating import render

router = APIRouter(tags=["pages: documents"], include_in_schema=False)


def _form(
    request: Request,
    case: Any,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "documents/upload.html",
        {
            "nav": "cases",
            "case": case.case,
            "person": case.case.person,
            "types": DOCUMENT_TYPES,
            "errors": errors or {},
            "values": values or {},
        },
        status_code=status_code,
    )


@router.get("/cases/{case_id}/documents/new")
def upload_form(request: Request, case: WritableCase) -> Response:
    return _form(request, case)


@router.post("/cases/{case_id}/documents")
async def upload(
    request: Request,
    db: SessionDep,
    settings: SettingsDep,
    identity: CurrentIdentity,
    case: WritableCase,
) -> Response:
    """Store the uploaded file on the case; a refused file stores nothing and says why."""
    form = await request.form()
    doc_type = str(form.get("doc_type", ""))
    dated_raw = str(form.get("dated_on", "")).strip()
    values = {"doc_type": doc_type, "dated_on": dated_raw}
    errors: dict[str, str] = {}
    if doc_type not in DOCUMENT_TYPES:
        errors["doc_type"] = "Choose the kind of document."
    dated_on: date | None = None
    if dated_raw:
        try:
            dated_on = date.fromisoformat(dated_raw)
        except ValueError:
            errors["dated_on"] = f"{dated_raw!r} is not a date; use YYYY-MM-DD."
    upload_file = form.get("file")
    if upload_file is None or isinstance(upload_file, str) or not upload_file.filename:
        errors["file"] = "Choose a file to upload (PDF, PNG, JPEG, DOCX or plain text)."
    if errors:
        return _form(request, case, errors=errors, values=values, status_code=422)
    assert upload_file is not None
    assert not isinstance(upload_file, str)
    # read one byte past the limit: enough to refuse an oversized file without holding more
    content = await upload_file.read(settings.max_upload_bytes + 1)
    try:
        files.store_document(
            session=db,
            user=identity.user,
            case_id=case.id,
            filename=upload_file.filename or "file",
            content=content,
            doc_type=doc_type,
            data_dir=settings.data_dir,
            max_bytes=settings.max_upload_bytes,
            dated_on=dated_on,
            source="uploaded in the web application",
            declared=upload_file.content_type,
        )
    except ClemencyError as error:
        field = str(error.fields.get("field", "file"))
        return _form(
            request,
            case,
            errors={field: error.message},
            values=values,
            status_code=error.http_status,
        )
    return RedirectResponse(f"/cases/{case.id}?saved=1#documents", status_code=303)


@router.get("/cases/{case_id}/documents/file")
def download(
    request: Request,
    db: SessionDep,
    settings: SettingsDep,
    identity: CurrentIdentity,
    case: CurrentCase,
) -> Response:
    """One document of the case (``?document=ID``), as an attachment; the read is audited."""
    raw = request.query_params.get("document", "")
    document_id = whole_number(raw)
    if document_id is None:
        raise BadInput("Name the document to download: ?document=ID.", field="document")
    document, content = files.read_document(
        session=db,
        user=identity.user,
        case_id=case.id,
        document_id=document_id,
        data_dir=settings.data_dir,
    )
    return attachment(content, document.content_type or "", document.filename)
