"""Checks on an uploaded file, made BEFORE anything is stored.

The type is decided by the content (magic bytes and structure), never by the name or the
browser's Content-Type; the declared type must agree with it. Accepted: PDF without active
content, DOCX without macros (and not a zip bomb), and UTF-8 typed text. Anything else is
refused with a message that says what was wrong and what to send instead.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass

from clemency.documents.text import DOCX, PDF, TEXT
from clemency.errors import UploadRejected

#: PDF names that run code or carry payloads; a letter never needs them.
_ACTIVE_PDF = re.compile(
    rb"/(JavaScript|JS|Launch|EmbeddedFile|EmbeddedFiles|OpenAction|AA|RichMedia|XFA|SubmitForm)\b"
)
_PDF_NAME_ESCAPE = re.compile(rb"/[A-Za-z]*#[0-9A-Fa-f]{2}")
MAX_DOCX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_DOCX_MEMBERS = 500
MAX_DOCX_RATIO = 100

EXTENSIONS = {".pdf": PDF, ".docx": DOCX, ".txt": TEXT}


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    data: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


class UploadTooLarge(UploadRejected):
    http_status = 413


class UploadWrongType(UploadRejected):
    http_status = 415


class UploadUnreadable(UploadRejected):
    http_status = 422


_BY_STATUS: dict[int, type[UploadRejected]] = {
    413: UploadTooLarge,
    415: UploadWrongType,
    422: UploadUnreadable,
}


def _reject(message: str, status: int = 415, **fields: object) -> UploadRejected:
    return _BY_STATUS[status](message, **fields)


def check_size(size: int, limit: int) -> None:
    """Refuse anything over ``limit`` bytes (413)."""
    if size > limit:
        raise _reject(
            f"the file is {size:,} bytes; the limit is {limit:,} bytes. Send a smaller scan "
            "(for example 200 dpi, black and white) or type the letter instead.",
            413,
            size=size,
            limit=limit,
        )
    if size == 0:
        raise _reject("the file is empty; choose the letter file again.", 422)


# Content type -> how such a file starts.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    PDF: (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    DOCX: (b"PK\x03\x04",),
}


def sniff_content_type(content: bytes) -> str | None:
    """The content type the bytes really have, or None if it is not an accepted type."""
    for content_type, prefixes in SIGNATURES.items():
        if content.startswith(prefixes):
            return content_type
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text/plain" if "\x00" not in text else None


def _sniff(data: bytes) -> str | None:
    """PDF or DOCX (a DOCX is confirmed structurally below); letters accept nothing else."""
    content_type = sniff_content_type(data)
    return content_type if content_type in (PDF, DOCX) else None


def _dangerous_action(annot: object) -> bool:
    """A link annotation may open a web address; anything else (scripts, launch) is refused."""
    if not isinstance(annot, dict) or "/A" not in annot:
        return False
    action = annot["/A"].get_object()
    if action.get("/S") != "/URI":
        return True
    return str(action.get("/URI", "")).strip().lower().startswith(("javascript:", "file:", "data:"))


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if _ACTIVE_PDF.search(data) or _PDF_NAME_ESCAPE.search(data):
        raise _reject(
            "the PDF contains active content (scripts, launch actions or embedded files), which "
            "we do not accept. Print it to a new PDF or scan the paper letter, and upload that.",
        )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _reject("the PDF is password-protected; upload an unprotected copy.")
        if len(reader.pages) == 0:
            raise _reject("the PDF has no pages.")
        for page in reader.pages:
            if "/AA" in page or any(
                _dangerous_action(annot.get_object()) for annot in (page.get("/Annots") or [])
            ):
                raise _reject(
                    "the PDF has page actions or links with actions; upload a plain scan."
                )
    except PyPdfError as error:
        raise _reject(f"the file starts like a PDF but cannot be read as one ({error}).") from error


def _check_docx(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise _reject("the file is not a Word (.docx) document or a PDF.") from error
    infos = archive.infolist()
    if len(infos) > MAX_DOCX_MEMBERS:
        raise _reject("the Word document has too many parts to be a letter.")
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_DOCX_UNCOMPRESSED or total / packed > MAX_DOCX_RATIO:
        raise _reject("the Word document expands to an implausible size; it was not opened.")
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        raise _reject("the file is a zip archive, not a Word (.docx) document.")
    if any(n.lower().endswith("vbaproject.bin") for n in names) or b"macroEnabled" in archive.read(
        "[Content_Types].xml"
    ):
        raise _reject("macro-enabled Word documents (.docm) are not accepted; save it as .docx.")
    if any(n.startswith(("/", "..")) or "/../" in n for n in names):
        raise _reject("the Word document has unsafe part names.")


def _check_text(data: bytes) -> None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _reject(
            "the typed letter is not UTF-8 text; paste it into the text box instead.", 422
        ) from error
    if "\x00" in text:
        raise _reject("the typed letter contains binary data.", 422)
    if not text.strip():
        raise _reject("the typed letter is empty.", 422)


def check_upload(
    data: bytes, *, declared: str | None, limit: int, filename: str | None = None
) -> CheckedUpload:
    """The upload with its real type and hash, or UploadRejected; nothing is stored here."""
    check_size(len(data), limit)
    sniffed = _sniff(data)
    expected = declared
    if filename:
        suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        by_name = EXTENSIONS.get(suffix)
        if by_name is None:
            raise _reject(
                f"files ending in {suffix or '(no extension)'} are not accepted; send a PDF, a "
                "Word .docx document, or type the letter."
            )
        expected = expected or by_name
        if declared and declared != by_name and declared not in ("application/octet-stream",):
            expected = by_name
    if expected == TEXT:
        if sniffed is not None:
            raise _reject("typed text was expected but the content is a PDF or Word file.")
        _check_text(data)
        content_type = TEXT
    elif sniffed is None:
        raise _reject(
            "the file is not a PDF or a Word (.docx) document, whatever its name says; "
            "send a PDF, a .docx, or type the letter.",
            claimed=expected,
        )
    elif expected not in (None, "application/octet-stream", sniffed):
        raise _reject(
            f"the file claims to be {expected} but its content is {sniffed}; rename it or send "
            "the right file.",
            claimed=expected,
            actual=sniffed,
        )
    else:
        content_type = sniffed
        (_check_pdf if sniffed == PDF else _check_docx)(data)
    return CheckedUpload(
        content_type=content_type, data=data, sha256=hashlib.sha256(data).hexdigest()
    )
