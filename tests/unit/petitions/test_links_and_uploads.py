from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from clemency.errors import LinkInvalid, UploadRejected
from clemency.files.text import DOCX, PDF, TEXT
from clemency.files.uploads import check_upload
from clemency.petitions import links

from .samples import docx_letter, pdf_letter

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LIMIT = 200_000


def test_new_link_stores_only_a_hash_and_expires() -> None:
    link = links.new_link(NOW, valid_days=14)
    assert len(link.token) >= 40
    assert link.token_hash == links.hash_token(link.token)
    assert link.token not in link.token_hash
    assert link.expires_at == NOW + timedelta(days=14)
    assert links.new_link(NOW).token != link.token


def test_link_expiry_boundary_use_and_revocation() -> None:
    expires = NOW + timedelta(days=1)
    links.check_usable(
        now=expires - timedelta(seconds=1), expires_at=expires, used_at=None, revoked_at=None
    )
    with pytest.raises(LinkInvalid, match="expired"):
        links.check_usable(now=expires, expires_at=expires, used_at=None, revoked_at=None)
    with pytest.raises(LinkInvalid, match="already been uploaded"):
        links.check_usable(now=NOW, expires_at=expires, used_at=NOW, revoked_at=None)
    with pytest.raises(LinkInvalid, match="withdrawn"):
        links.check_usable(now=NOW, expires_at=expires, used_at=None, revoked_at=NOW)


def test_real_pdf_docx_and_text_are_accepted() -> None:
    assert (
        check_upload(pdf_letter("Hello"), declared=PDF, limit=LIMIT, filename="l.pdf").content_type
        == PDF
    )
    assert (
        check_upload(
            docx_letter("Hello"), declared=None, limit=LIMIT, filename="l.docx"
        ).content_type
        == DOCX
    )
    checked = check_upload("Bonjour é".encode(), declared=TEXT, limit=LIMIT)
    assert checked.content_type == TEXT
    assert len(checked.sha256) == 64


def _docx_with(extra: dict[str, bytes], content_types: bytes = b"<Types/>") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", content_types)
        z.writestr("word/document.xml", b"<w:document/>")
        for name, data in extra.items():
            z.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "declared", "filename", "status", "message"),
    [
        (b"<html><script>alert(1)</script></html>", PDF, "letter.pdf", 415, "not a PDF \\(judged"),
        (b"%PDF-1.4 garbage", PDF, "letter.pdf", 415, "cannot be read"),
        (
            b"%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
            PDF,
            "l.pdf",
            415,
            "active content",
        ),
        (b"%PDF-1.4\n1 0 obj << /J#61vaScript 1 >>", PDF, "l.pdf", 415, "active content"),
        (b"MZ\x90\x00", None, "letter.exe", 415, "not accepted"),
        (b"x" * (LIMIT + 1), TEXT, None, 413, "the limit is 200,000 bytes"),
        (b"", TEXT, None, 422, "empty"),
        (b"\xff\xfe\x00", TEXT, None, 422, "not UTF-8"),
        (_docx_with({"word/vbaProject.bin": b"x"}), DOCX, "l.docx", 415, "macro-enabled"),
        (_docx_with({}, b"<Types>macroEnabled</Types>"), DOCX, "l.docm.docx", 415, "macro-enabled"),
        (_docx_with({"big.xml": b"0" * 3_000_000}), DOCX, "l.docx", 415, "implausible size"),
    ],
)
def test_bad_uploads_are_refused_with_a_reason(
    data: bytes, declared: str | None, filename: str | None, status: int, message: str
) -> None:
    with pytest.raises(UploadRejected, match=message) as info:
        check_upload(
            data,
            declared=declared,
            limit=LIMIT * 20 if "big" in str(data[:200]) else LIMIT,
            filename=filename,
        )
    assert info.value.http_status == status


def test_limit_exactly_is_accepted() -> None:
    assert check_upload(b"a" * LIMIT, declared=TEXT, limit=LIMIT).size == LIMIT


def test_pdf_named_docx_is_refused() -> None:
    with pytest.raises(UploadRejected, match="claims to be"):
        check_upload(pdf_letter("x"), declared=DOCX, limit=LIMIT, filename="letter.docx")


def test_access_log_never_shows_a_link_token() -> None:
    import logging

    from clemency.web.pages.petition_routes import RedactLinkTokens

    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "GET", "/letters/SECRET-token_x?y=1", "1.1", 200),
        None,
    )
    assert RedactLinkTokens().filter(record)
    assert "SECRET" not in record.getMessage()
    assert "/letters/…?y=1" in record.getMessage()
    feed = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        "%s %s %s",
        ("a", "GET", "/deadlines/feed/abc.ics"),
        None,
    )
    RedactLinkTokens().filter(feed)
    assert feed.getMessage() == "a GET /deadlines/feed/…"
