"""Lay a :class:`~clemency.documents.assemble.Packet` out as one PDF.

WeasyPrint renders the cover letter, exhibit index, form, continuation pages, typed and Word
letters and the checklist from ``templates/packet.html``. Uploaded PDF exhibits are inserted
with pypdf right after their separator page. Page numbers ("Page n of N") and, for a draft, a
"DRAFT — incomplete" watermark are stamped on every page afterwards, so attached PDFs are
numbered too. The exhibit index is rendered twice: once to learn where each exhibit starts,
then with those page numbers.
"""

from __future__ import annotations

import hashlib
import io
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from clemency import dates
from clemency.documents.assemble import Packet
from clemency.files.text import PDF, TEXT, attachment_text

TEMPLATES = Path(__file__).parent / "templates"


@cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )


def layout_sha256() -> str:
    """Hash of the PDF layout templates, part of every packet's template version."""
    h = hashlib.sha256()
    for name in ("packet.html", "overlay.html"):
        h.update((TEMPLATES / name).read_bytes())
    return h.hexdigest()


def _render(html: str) -> Any:
    from weasyprint import HTML  # about 1 s of imports: paid by the first PDF, or by warm_up()

    return HTML(string=html, base_url=str(TEMPLATES)).render()


def warm_up() -> None:
    """Import WeasyPrint and lay out one page, so that a server's first packet does not pay.

    A web server calls this when it starts; without it the first PDF of each worker took
    2.4 s instead of 0.2 s. Without the `documents` extra there is nothing to warm.
    """
    try:
        _render(_env().get_template("overlay.html").render(total=1, footer="", draft=True))
    except ImportError:
        return
    import pypdf  # noqa: F401  (the first packet's other import)


def _context(
    packet: Packet, start_pages: dict[str, int], pdf_pages: dict[str, int], **extra: Any
) -> dict[str, Any]:
    texts = {
        e.label: attachment_text(e.attachment.content_type, e.attachment.data)
        for e in packet.exhibits
        if e.attachment.content_type != PDF
    }
    kinds = {
        e.label: {PDF: "PDF", TEXT: "Typed text"}.get(e.attachment.content_type, "Word document")
        for e in packet.exhibits
    }
    return {
        "p": packet,
        "prepared_on": dates.written(packet.prepared_on, style="month_first"),
        "start_pages": start_pages,
        "pdf_pages": pdf_pages,
        "texts": texts,
        "kinds": kinds,
        **extra,
    }


def _anchor_pages(document: Any) -> dict[str, int]:
    """0-based page index of every element id WeasyPrint placed."""
    where: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            where.setdefault(anchor, index)
    return where


def render_pdf(
    packet: Packet, *, register_number: str | None = None, organization: str | None = None
) -> bytes:
    """The packet as PDF bytes."""
    # imported here: a Word packet imports this module too (layout_sha256) and needs no pypdf
    from pypdf import PdfReader, PdfWriter

    readers = {
        e.label: PdfReader(io.BytesIO(e.attachment.data))
        for e in packet.exhibits
        if e.attachment.content_type == PDF
    }
    pdf_pages = {label: len(r.pages) for label, r in readers.items()}
    template = _env().get_template("packet.html")
    extra = {"register_number": register_number, "organization": organization}

    start_pages: dict[str, int] = {}
    for _attempt in range(3):
        html = template.render(**_context(packet, start_pages, pdf_pages, **extra))
        document = _render(html)
        anchors = _anchor_pages(document)
        computed: dict[str, int] = {}
        inserted = 0
        for e in packet.exhibits:
            index = anchors[f"exhibit-{e.label}"]
            computed[e.label] = index + inserted + 1
            inserted += pdf_pages.get(e.label, 0)
        if computed == start_pages:
            break
        start_pages = computed

    main = PdfReader(io.BytesIO(document.write_pdf()))
    separator_at = {anchors[f"exhibit-{label}"]: label for label in readers}
    writer = PdfWriter()
    for index, page in enumerate(main.pages):
        writer.add_page(page)
        label = separator_at.get(index)
        if label is not None:
            for attached in readers[label].pages:
                writer.add_page(attached)

    total = len(writer.pages)
    footer = packet.person_name + (f" · {register_number}" if register_number else "")
    footer += f" · {packet.form.title}"
    overlay_html = (
        _env()
        .get_template("overlay.html")
        .render(total=total, footer=footer, draft=packet.is_draft)
    )
    overlay = PdfReader(io.BytesIO(_render(overlay_html).write_pdf()))
    for page, stamp in zip(writer.pages, overlay.pages, strict=True):
        page.merge_page(stamp)
    writer.add_metadata(
        {
            "/Title": f"{packet.form.title} — {packet.person_name}",
            "/Creator": "Clemency",
            "/Subject": f"template {packet.template_version}; data {packet.data_sha256}",
        }
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
