"""Lay a :class:`~clemency.documents.assemble.Packet` out as an editable Word document.

Built with python-docx so that every paragraph stays editable: the cover letter, the
exhibit index, the form as tables, continuation pages, the text of each letter (typed,
Word, or the text layer of an uploaded PDF, whose original is attached to the PDF packet),
and the missing-items list. The footer carries a PAGE / NUMPAGES field that Word fills in.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph

from clemency import dates
from clemency.documents.assemble import Packet
from clemency.files.text import PDF, TEXT, attachment_text

RED = RGBColor(0xB0, 0x00, 0x00)


def _field(paragraph: Paragraph, instruction: str) -> None:
    """Insert a Word field (PAGE, NUMPAGES) that Word computes when it opens the file."""
    run = paragraph.add_run()
    for kind, text in (
        ("begin", None),
        (None, instruction),
        ("separate", None),
        (None, "1"),
        ("end", None),
    ):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "1":
            element = OxmlElement("w:t")
            element.text = "1"
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
        run._r.append(element)


def _page_break(document: Any) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def render_docx(
    packet: Packet, *, register_number: str | None = None, organization: str | None = None
) -> bytes:
    """The packet as DOCX bytes."""
    document = Document()
    document.styles["Normal"].font.size = Pt(10.5)
    footer = document.sections[0].footer.paragraphs[0]
    footer.text = (
        packet.person_name + (f" · {register_number}" if register_number else "") + " · Page "
    )
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")
    if packet.is_draft:
        document.sections[0].header.paragraphs[0].text = "DRAFT — incomplete; not ready to file"

    if packet.is_draft:
        banner = document.add_paragraph().add_run(
            f"DRAFT — incomplete: {len(packet.missing)} item(s) missing (listed at the end)."
        )
        banner.bold = True
        banner.font.color.rgb = RED
    document.add_paragraph(
        "\n".join(
            x
            for x in (
                packet.signer,
                organization,
                dates.written(packet.prepared_on, style="month_first"),
            )
            if x
        )
    )
    document.add_paragraph("\n".join(packet.addressee))
    re_line = f"Re: {packet.form.title} — {packet.person_name}"
    if register_number:
        re_line += f", register no. {register_number}"
    document.add_paragraph().add_run(re_line).bold = True
    for para in packet.cover_letter:
        document.add_paragraph(para)
    document.add_paragraph(f"Respectfully submitted,\n\n\n{packet.signer}")

    _page_break(document)
    document.add_heading("Exhibit index", level=1)
    if packet.exhibits:
        table = document.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ("Exhibit", "Description", "Type"), strict=True):
            cell.text = text
        for e in packet.exhibits:
            kind = {PDF: "PDF", TEXT: "Typed text"}.get(e.attachment.content_type, "Word document")
            row = table.add_row().cells
            row[0].text, row[1].text, row[2].text = e.label, e.description, kind
    else:
        document.add_paragraph("No exhibits are attached yet.")

    _page_break(document)
    document.add_heading(packet.form.title, level=1)
    document.add_paragraph(f"Form version {packet.form.form_version}")
    for s in packet.sections:
        document.add_heading(f"{s.number}. {s.title}", level=2)
        table = document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for r in s.rows:
            cells = table.add_row().cells
            cells[0].text = r.label
            if r.missing:
                run = cells[1].paragraphs[0].add_run("Not yet provided")
                run.italic = True
                run.font.color.rgb = RED
            else:
                cells[1].text = r.value + (
                    f" … (continued on continuation page {r.continuation})"
                    if r.continuation
                    else ""
                )

    if packet.continuations:
        _page_break(document)
        document.add_heading("Continuation pages", level=1)
        for c in packet.continuations:
            document.add_heading(f"{c.ref} — {c.section}: {c.label} (continued)", level=2)
            document.add_paragraph("… " + c.text)

    for e in packet.exhibits:
        _page_break(document)
        document.add_heading(f"Exhibit {e.label}", level=1)
        document.add_paragraph().add_run(e.description).bold = True
        a = e.attachment
        note = {
            PDF: "Text of the uploaded PDF; the original is attached to the PDF packet.",
            TEXT: "Typed by the author through the secure upload page.",
        }.get(a.content_type, "Text of the uploaded Word document.")
        document.add_paragraph(f"{note} sha256 {a.sha256}")
        for line in attachment_text(a.content_type, a.data).split("\n"):
            document.add_paragraph(line)

    _page_break(document)
    document.add_heading("Before filing", level=1)
    if packet.missing:
        document.add_heading(f"Still missing ({len(packet.missing)})", level=2)
        for m in packet.missing:
            document.add_paragraph(m, style="List Bullet").runs[0].font.color.rgb = RED
    else:
        document.add_paragraph("All required items are present.")
    document.add_heading("Checklist", level=2)
    for item in packet.before_filing:
        document.add_paragraph(item, style="List Bullet")
    document.add_paragraph(
        f"Generated by Clemency · template {packet.template_version} · data sha256 {packet.data_sha256}"
    )
    core = document.core_properties
    core.title = f"{packet.form.title} — {packet.person_name}"
    core.subject = f"template {packet.template_version}; data {packet.data_sha256}"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
