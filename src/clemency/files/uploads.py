"""The one check every uploaded file passes BEFORE anything is stored (case documents, support
letters, anything else that takes a file).

- **Type by content.** The type is decided by the bytes (magic numbers and structure), never by
  the name or the browser's Content-Type; the name's extension must agree with the content.
- **An allow-list per purpose** (:data:`PURPOSES`): a support letter is a PDF, a Word .docx or
  typed text; a case document may also be a PNG or JPEG scan.
- **Active content refused.** PDFs with scripts, automatic or launch actions, embedded files
  or rich media; Word files with macros, ActiveX controls, embedded OLE objects or a remote
  template; text that is really markup (HTML, SVG, XML); any file carrying HTML after or
  inside its real content (polyglots).
- **Sizes bounded.** The upload itself (413 above the limit), a .docx's expanded size, part
  count and compression ratio read from the zip's directory before anything is inflated, an
  image's pixel count read from its header before it is decoded, a PDF's page count.
- **Images rewritten.** A PNG or JPEG is decoded and encoded again, so anything riding along
  (appended bytes, metadata such as GPS position, comments) is dropped from the stored copy.

Refusals are :class:`~clemency.errors.UploadRejected` (413 too large, 415 wrong or dangerous
type, 422 unreadable or empty) with a message that says what was wrong and what to send.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zipfile
from dataclasses import dataclass

from clemency.errors import EmptyUpload, UploadRejected
from clemency.files.text import DOCX, PDF, TEXT

PNG = "image/png"
JPEG = "image/jpeg"

#: PDF names that run code or carry payloads; no letter or court document needs them.
_ACTIVE_PDF = re.compile(
    rb"/(JavaScript|JS|Launch|EmbeddedFile|EmbeddedFiles|OpenAction|AA|RichMedia|XFA|"
    rb"SubmitForm|ImportData|GoToE|Sound|Movie)\b"
)
_PDF_NAME_ESCAPE = re.compile(rb"/[A-Za-z]*#[0-9A-Fa-f]{2}")
#: Markup a browser would run if it ever rendered the bytes as a page: searched in binary
#: files (polyglots: a PDF or image that is also an HTML page) ...
_MARKUP = re.compile(
    rb"<\s*(script|html|body|iframe|object|embed|!doctype|\?php)\b|javascript:", re.IGNORECASE
)
#: ... and, with XML and SVG besides, in text (an SVG or web page saved as .txt).
_TEXT_MARKUP = re.compile(
    rb"<\s*(script|html|body|iframe|object|embed|svg|!doctype|\?xml|\?php)\b|javascript:",
    re.IGNORECASE,
)
MAX_DOCX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_DOCX_MEMBERS = 500
MAX_DOCX_RATIO = 100
MAX_PDF_PAGES = 2000
#: 40 megapixels: a letter-size page scanned at 600 dpi is 33.7.
MAX_IMAGE_PIXELS = 40_000_000

EXTENSIONS = {
    ".pdf": PDF,
    ".docx": DOCX,
    ".txt": TEXT,
    ".png": PNG,
    ".jpg": JPEG,
    ".jpeg": JPEG,
}
_NAMES = {PDF: "a PDF", DOCX: "a Word .docx", TEXT: "typed text", PNG: "a PNG", JPEG: "a JPEG"}


@dataclass(frozen=True)
class Purpose:
    """What an upload is for, and so which types it may be."""

    name: str
    allowed: tuple[str, ...]
    send_instead: str


SUPPORT_LETTER = Purpose(
    "support letter", (PDF, DOCX, TEXT), "send a PDF, a Word .docx document, or type the letter"
)
CASE_DOCUMENT = Purpose(
    "case document",
    (PDF, DOCX, TEXT, PNG, JPEG),
    "scan paper documents to PDF, or send a Word .docx, a PNG or JPEG image, or plain text",
)
PURPOSES = {"support_letter": SUPPORT_LETTER, "case_document": CASE_DOCUMENT}


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    data: bytes  # what is stored: the upload itself, or the rewritten image
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
    return _BY_STATUS[status](message, field="file", **fields)


def check_size(size: int, limit: int) -> None:
    """Refuse anything over ``limit`` bytes (413) and an empty file (422)."""
    if size > limit:
        raise _reject(
            f"the file is {size:,} bytes; the limit is {limit:,} bytes. Send a smaller scan "
            "(for example 200 dpi, black and white) or type the letter instead.",
            413,
            size=size,
            limit=limit,
        )
    if size == 0:
        raise EmptyUpload("the file is empty; choose the file again.", field="file")


# Content type -> how such a file starts.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    PDF: (b"%PDF-",),
    PNG: (b"\x89PNG\r\n\x1a\n",),
    JPEG: (b"\xff\xd8\xff",),
    DOCX: (b"PK\x03\x04",),
}


def sniff_content_type(content: bytes) -> str | None:
    """The content type the bytes really have (by their first bytes), or None if it is none
    of the types Clemency knows. Text is UTF-8 without NUL; whether it is acceptable text (not
    markup) is decided by :func:`check_upload`."""
    for content_type, prefixes in SIGNATURES.items():
        if content.startswith(prefixes):
            return content_type
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return TEXT if "\x00" not in text else None


# --------------------------------------------------------------------------- per type


def _dangerous_action(annot: object) -> bool:
    """A link annotation may open a web address; anything else (scripts, launch) is refused."""
    if not isinstance(annot, dict) or "/A" not in annot:
        return False
    action = annot["/A"].get_object()
    if action.get("/S") != "/URI":
        return True
    return str(action.get("/URI", "")).strip().lower().startswith(("javascript:", "file:", "data:"))


def _check_pdf(data: bytes) -> bytes:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if _ACTIVE_PDF.search(data) or _PDF_NAME_ESCAPE.search(data):
        raise _reject(
            "the PDF contains active content (scripts, automatic or launch actions, or embedded "
            "files), which we do not accept. Print it to a new PDF or scan the paper, and upload "
            "that."
        )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _reject("the PDF is password-protected; upload an unprotected copy.")
        pages = len(reader.pages)
        if pages == 0:
            raise _reject("the PDF has no pages.")
        if pages > MAX_PDF_PAGES:
            raise _reject(f"the PDF has {pages:,} pages; the limit is {MAX_PDF_PAGES:,}.", 413)
        for page in reader.pages:
            if "/AA" in page or any(
                _dangerous_action(annot.get_object()) for annot in (page.get("/Annots") or [])
            ):
                raise _reject(
                    "the PDF has page actions or links with actions; upload a plain scan."
                )
    except PyPdfError as error:
        raise _reject(f"the file starts like a PDF but cannot be read as one ({error}).") from error
    return data


def _docx_refusal(archive: zipfile.ZipFile) -> str | None:
    """Why this zip is not an acceptable Word document, judged from its directory and its two
    small XML parts only (nothing large is inflated), or None."""
    infos = archive.infolist()
    if len(infos) > MAX_DOCX_MEMBERS:
        return "the Word document has too many parts to be a letter or court document."
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if (
        total > MAX_DOCX_UNCOMPRESSED
        or total / packed > MAX_DOCX_RATIO
        or any(i.file_size > MAX_DOCX_UNCOMPRESSED for i in infos)
    ):
        return "the Word document expands to an implausible size; it was not opened."
    names = [i.filename for i in infos]
    if any(
        n.startswith(("/", "\\")) or ".." in n.replace("\\", "/").split("/") or ":" in n
        for n in names
    ) or any((i.external_attr >> 16) & 0o170000 == 0o120000 for i in infos):
        return "the Word document has unsafe part names."
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        return "the file is a zip archive, not a Word (.docx) document."
    lowered = [n.lower() for n in names]
    types = archive.open("[Content_Types].xml").read(1_000_000)
    if any(n.endswith("vbaproject.bin") for n in lowered) or b"macroEnabled" in types:
        return "macro-enabled Word documents (.docm) are not accepted; save it as .docx."
    if any(n.startswith(("word/activex/", "word/embeddings/")) for n in lowered):
        return (
            "the Word document contains ActiveX controls or embedded objects; save a copy "
            "without them (or print it to PDF)."
        )
    for name in names:
        if name.endswith(".rels"):
            rels = archive.open(name).read(1_000_000)
            if b'TargetMode="External"' in rels and re.search(
                rb"relationships/(attachedTemplate|oleObject|frame|subDocument)", rels
            ):
                return (
                    "the Word document loads a template or object from the network; print "
                    "it to PDF and upload that."
                )
    return None


def _check_docx(data: bytes) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            refusal = _docx_refusal(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError) as error:
        raise _reject("the file is not a Word (.docx) document or a PDF.") from error
    if refusal is not None:
        raise _reject(refusal)
    return data


def _image_size(data: bytes, content_type: str) -> tuple[int, int] | None:
    """Width and height from the image's header, without decoding any pixels."""
    if content_type == PNG:
        if len(data) < 24 or data[12:16] != b"IHDR":
            return None
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    index = 2
    while index + 9 < len(data):  # JPEG: walk the markers to the first start-of-frame
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            index += 2
            continue
        length = int.from_bytes(data[index + 2 : index + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return int(width), int(height)
        index += 2 + length
    return None


def _rewrite_image(data: bytes, content_type: str) -> bytes:
    from PIL import Image, UnidentifiedImageError

    size = _image_size(data, content_type)
    if size is None:
        raise _reject("the image cannot be read; scan it again or send a PDF.", 422)
    width, height = size
    if width * height > MAX_IMAGE_PIXELS or width == 0 or height == 0:
        raise _reject(
            f"the image claims {width:,} × {height:,} pixels; the limit is "
            f"{MAX_IMAGE_PIXELS // 1_000_000} megapixels. Scan at a lower resolution.",
            413,
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.size != size:
                raise _reject("the image's header disagrees with its content.", 422)
            image.load()
            out = io.BytesIO()
            if content_type == PNG:
                image.save(out, "PNG")
            else:
                rgb = image if image.mode in ("RGB", "L") else image.convert("RGB")
                rgb.save(out, "JPEG", quality=90)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise _reject("the image cannot be read; scan it again or send a PDF.", 422) from error
    return out.getvalue()


def _check_text(data: bytes) -> bytes:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _reject(
            "the text is not UTF-8; save it as UTF-8 plain text or paste it instead.", 422
        ) from error
    if "\x00" in text:
        raise _reject("the text contains binary data.", 422)
    if not text.strip():
        raise _reject("the text is empty.", 422)
    if _TEXT_MARKUP.search(data):
        raise _reject(
            "the text is a web page, an SVG image or other markup, which we do not store; "
            "send a PDF or plain text."
        )
    return data


_CHECKS = {PDF: _check_pdf, DOCX: _check_docx, TEXT: _check_text}


def check_upload(
    data: bytes,
    *,
    declared: str | None,
    limit: int,
    filename: str | None = None,
    purpose: Purpose = SUPPORT_LETTER,
) -> CheckedUpload:
    """The upload with its real type, the bytes to store and their hash, or UploadRejected.

    ``declared`` is the browser's claim and ``filename`` the uploaded name: both must agree
    with the content, which alone decides the type. Nothing is stored here."""
    check_size(len(data), limit)
    expected = declared if declared in _NAMES else None
    if filename is not None:
        suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        by_name = EXTENSIONS.get(suffix)
        if by_name is None or by_name not in purpose.allowed:
            raise _reject(
                f"files ending in {suffix or '(no extension)'} are not accepted as a "
                f"{purpose.name}; {purpose.send_instead}."
            )
        expected = by_name
    sniffed = sniff_content_type(data)
    if sniffed is None and expected == TEXT:
        _check_text(data)  # says why it is not text (not UTF-8, binary)
    if sniffed is None or sniffed not in purpose.allowed:
        raise _reject(
            f"the file is not {' or '.join(_NAMES[t] for t in purpose.allowed)} (judged by its "
            f"contents), whatever its name says; {purpose.send_instead}.",
            claimed=expected,
        )
    if expected is not None and expected != sniffed and sniffed == TEXT:
        raise _reject(
            f"the file is not {_NAMES[expected]} (judged by its contents), whatever its name "
            f"says; {purpose.send_instead}.",
            claimed=expected,
            actual=sniffed,
        )
    if expected is not None and expected != sniffed:
        raise _reject(
            f"the file claims to be {expected} but its content is {sniffed}; rename it or send "
            "the right file.",
            claimed=expected,
            actual=sniffed,
        )
    if sniffed != TEXT and _MARKUP.search(data):
        raise _reject(
            f"the file is {_NAMES[sniffed]} that also carries web-page markup (a polyglot); "
            f"{purpose.send_instead}."
        )
    rewrite = _rewrite_image if sniffed in (PNG, JPEG) else None
    stored = rewrite(data, sniffed) if rewrite is not None else _CHECKS[sniffed](data)
    return CheckedUpload(
        content_type=sniffed, data=stored, sha256=hashlib.sha256(stored).hexdigest()
    )
