"""What `clemency grants import` accepts, recognised by content (never by file name).

* a saved HTML grant page (UTF-8, or UTF-16 with its byte-order mark) → :mod:`parser`;
* the two-column commutation CSV (``key,info``) → :mod:`commutation_csv`.

Anything else is refused with one line saying what the file is and what to give instead:
binary data, text that is neither HTML nor such a CSV, an HTML page with no grant on it, and
a page nested too deeply to be a grant page. A refused file yields no :class:`ParsedPage`,
so nothing (not even an empty source) can be stored from it.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from clemency.errors import ParseError
from clemency.grants.commutation_csv import looks_like_commutation_csv, parse_commutation_csv
from clemency.grants.parser import parse_html, sha256_of
from clemency.grants.schemas import ParsedPage

_HOW = "give a saved 'Pardons Granted by President …' page (HTML) or the commutation CSV"


def _decode(data: bytes, name: str) -> str:
    """The file's text: a UTF-16 or UTF-8 byte-order mark is honoured; binary is refused."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF8, "utf-8"),
    ):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as error:
                raise ParseError(
                    f"{name}: the file starts with a {encoding.upper()} byte-order mark but is "
                    f"not valid {encoding.upper()} at byte {error.start + len(bom)}; {_HOW}",
                    path=name,
                ) from error
    head = data[:65536]
    if b"\x00" in head:
        even, odd = head[0::2], head[1::2]
        if even.count(0) > len(even) * 0.4 or odd.count(0) > len(odd) * 0.4:
            raise ParseError(
                f"{name}: this looks like UTF-16 text without a byte-order mark; save it as "
                f"UTF-8 (or UTF-16 with its byte-order mark) and try again",
                path=name,
            )
        raise ParseError(f"{name}: this is binary data, not a grant page; {_HOW}", path=name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    sample = text[:65536]
    controls = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\r\n\f") or ch == "\ufffd")
    if sample and controls / len(sample) > 0.01:
        raise ParseError(f"{name}: this is binary data, not a grant page; {_HOW}", path=name)
    return text


def parse_bytes(data: bytes, *, source_file: str) -> ParsedPage:
    """Parse the bytes of a page or CSV; :class:`ParseError` (one line) when it is neither."""
    digest = sha256_of(data)
    if not data.strip():
        raise ParseError(f"{source_file}: the file is empty; {_HOW}", path=source_file)
    text = _decode(data, source_file)
    if looks_like_commutation_csv(text):
        page = parse_commutation_csv(text.encode("utf-8"), source_file=source_file, sha256=digest)
        if not page.grants:
            raise ParseError(
                f"{source_file}: the CSV holds no person with an offense; {_HOW}",
                path=source_file,
            )
        return page
    if "<" not in text[:4096]:
        raise ParseError(
            f"{source_file}: this is not an HTML page or a commutation CSV; {_HOW}",
            path=source_file,
        )
    try:
        page = parse_html(text, source_file=source_file, sha256=digest)
    except RecursionError as error:
        raise ParseError(
            f"{source_file}: the page nests its elements too deeply to be a grant page; {_HOW}",
            path=source_file,
        ) from error
    if not page.grants:
        raise ParseError(
            f"{source_file}: no grant found on the page (title {page.title[:60]!r}); {_HOW}",
            path=source_file,
        )
    return page


def parse_source(path: Path) -> ParsedPage:
    """Parse the file at ``path``; the error names the file when it cannot be read or used."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ParseError(
            f"{path}: cannot read the file ({error.strerror or error})", path=str(path)
        ) from error
    return parse_bytes(data, source_file=path.name)
