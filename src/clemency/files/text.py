"""Plain text out of the attachment formats we accept (typed text, DOCX, PDF)."""

from __future__ import annotations

import io

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT = "text/plain"


def docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    return "\n".join(p.text for p in document.paragraphs)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def attachment_text(content_type: str, data: bytes) -> str:
    """The readable text of an attachment, for transcription into a packet."""
    if content_type == TEXT:
        return data.decode("utf-8")
    if content_type == DOCX:
        return docx_text(data)
    if content_type == PDF:
        return pdf_text(data)
    raise ValueError(f"unsupported attachment type {content_type!r}")


def unreadable_reason(content_type: str, data: bytes) -> str | None:
    """Why a stored attachment cannot go into a packet, or None when it can.

    The file is opened the way the renderers open it (every PDF page parsed and its text
    extracted, the Word document's paragraphs read), so a file that passes here renders.
    """
    try:
        if content_type == PDF:
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                return "it is password-protected"
            if len(reader.pages) == 0:
                return "it has no pages"
            for page in reader.pages:
                page.extract_text()
        else:
            attachment_text(content_type, data)
    except Exception as error:  # parsers of hostile files raise every kind
        return f"it is damaged ({type(error).__name__})"
    return None
