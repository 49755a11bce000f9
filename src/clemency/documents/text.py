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
