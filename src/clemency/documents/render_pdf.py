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
import importlib
import io
import os
import sys
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

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


LDCONFIG = "/sbin/ldconfig"


class FindLibrary(Protocol):
    """The signature of ``ctypes.util.find_library``."""

    def __call__(self, name: str) -> str | None: ...


# ctypes.util's names for the C library ABIs that ldconfig lists (any other machine: "libc6")
_ABI = {
    "x86_64-64": "libc6,x86-64",
    "ppc64-64": "libc6,64bit",
    "sparc64-64": "libc6,64bit",
    "s390x-64": "libc6,64bit",
    "ia64-64": "libc6,IA-64",
}


def linker_cache_lookup() -> FindLibrary | None:
    """A ``ctypes.util.find_library`` that reads ``ldconfig -p`` once (None off Linux).

    It answers as the standard one does from the linker cache (the same pattern), but a name
    the cache does not list is simply not found: the standard one then runs ``gcc`` and ``ld``
    as well, for every such name."""
    if not sys.platform.startswith("linux") or not os.path.exists(LDCONFIG):
        return None
    import re
    import subprocess

    try:
        listing = subprocess.run(  # noqa: S603 - a fixed program and argument, no shell
            [LDCONFIG, "-p"],
            capture_output=True,
            text=True,
            env={"LC_ALL": "C", "LANG": "C"},
            timeout=30,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    machine = os.uname().machine + ("-64" if sys.maxsize > 2**32 else "-32")
    abi = re.escape(_ABI.get(machine, "libc6"))

    def find_library(name: str) -> str | None:
        found = re.search(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({abi}", listing)
        return found.group(1) if found else None

    return find_library


def import_weasyprint() -> ModuleType:
    """``weasyprint``, with its C libraries looked up in the linker cache in one read.

    WeasyPrint tries several names for each of its seven libraries (one per platform), and
    cffi hands every name it cannot open to ``ctypes.util.find_library``, which on Linux runs
    ``ldconfig -p``, then ``gcc``, then ``ld`` for a name it does not find: 22 look-ups and
    about 50 subprocesses, 0.3 s of every process that makes its first PDF. If a library is
    then missing (one outside the linker cache), the import is retried with the standard
    look-up, so nothing that loaded before fails now."""
    loaded = sys.modules.get("weasyprint")
    if loaded is not None:
        return loaded
    lookup = linker_cache_lookup()
    if lookup is not None:
        import ctypes.util

        standard = ctypes.util.find_library
        ctypes.util.find_library = lookup
        try:
            return importlib.import_module("weasyprint")
        except OSError:
            pass  # a library the linker cache does not list: the standard look-up may find it
        finally:
            ctypes.util.find_library = standard
    return importlib.import_module("weasyprint")


def _render(html: str) -> Any:
    # about 0.5 s of imports: paid by the first PDF of a process, or by warm_up()
    return import_weasyprint().HTML(string=html, base_url=str(TEMPLATES)).render()


def warm_up() -> None:
    """Render one empty packet, so that a server's or a worker's first packet costs what
    the later ones do.

    Importing WeasyPrint is not enough: its first document also computes the styles of the
    packet's elements, loads the fonts, and on writing, cffi parses the C types of
    HarfBuzz's font subsetter (0.25 s more for the first packet of a web worker, measured
    2026-12-05). Without the `documents` extra there is nothing to warm.
    """
    from datetime import date

    from clemency.documents import forms
    from clemency.documents.assemble import PacketInput, PersonData, assemble

    try:
        import_weasyprint()
    except ImportError:
        return
    data = PacketInput(
        form_id=forms.available()[0],
        prepared_on=date(2000, 1, 1),
        person=PersonData(full_name="Warm-up"),
    )
    render_pdf(assemble(data, layout_sha256=layout_sha256()))


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
