"""Packets rendered to PDF and DOCX and read back (pypdf text, python-docx)."""

from __future__ import annotations

import io
from dataclasses import replace

import docx
import pytest
from pypdf import PdfReader

from clemency.documents import assemble as asm
from clemency.documents import forms as packet_forms
from clemency.documents.render_docx import render_docx
from clemency.documents.render_pdf import layout_sha256, render_pdf
from tests.sweeps import sampled

from .samples import ALICE_OFFENSES, alice_input


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


def docx_text(data: bytes) -> str:
    d = docx.Document(io.BytesIO(data))
    parts = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


def norm(text: str) -> str:
    return " ".join(text.split())


LETTER_LINES = (
    "Ms. Johnson has been a model inmate under my supervision.",  # the warden's PDF
    "I write in support of Alice Marie Johnson's petition.",  # the case manager's DOCX
    "Ms. Johnson tutored other women in my vocational class for years.",  # typed
)


def assert_has_alice_and_letters(text: str) -> None:
    """Name, register number, offenses, sentence and every attached letter are in ``text``."""
    core = ("Alice Marie Johnson", "14873-076", "Life imprisonment without parole")
    for needle in (*core, *ALICE_OFFENSES, *LETTER_LINES):
        assert needle in text, needle


@pytest.fixture(scope="module")
def complete_packet() -> asm.Packet:
    return asm.assemble(alice_input(), layout_sha256=layout_sha256())


@pytest.fixture(scope="module")
def complete_pdf(complete_packet: asm.Packet) -> bytes:
    return render_pdf(complete_packet, register_number="14873-076", organization="Example Clinic")


def test_complete_packet_has_nothing_missing(complete_packet: asm.Packet) -> None:
    assert complete_packet.missing == ()
    assert not complete_packet.is_draft
    assert [e.label for e in complete_packet.exhibits] == ["A", "B", "C"]


def test_pdf_reads_back_with_every_item(complete_pdf: bytes) -> None:
    text = norm(pdf_text(complete_pdf))
    assert_has_alice_and_letters(text)
    assert "DRAFT" not in text
    assert "Exhibit index" in text


def test_pdf_pages_are_numbered_including_attached_pdf(complete_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(complete_pdf))
    total = len(reader.pages)
    for n, page in enumerate(reader.pages, start=1):
        assert f"Page {n} of {total}" in (page.extract_text() or "")


def test_exhibit_index_points_at_the_right_pages(complete_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(complete_pdf))
    pages = [norm(p.extract_text() or "") for p in reader.pages]
    index = next(p for p in pages if p.startswith("Exhibit index") or "Exhibit index" in p[:40])
    for label in "ABC":
        start = next(i for i, p in enumerate(pages, start=1) if p.startswith(f"Exhibit {label}"))
        assert f"{start}" in index
    # the warden's PDF letter is the page right after its separator
    sep = next(i for i, p in enumerate(pages) if p.startswith("Exhibit A"))
    assert "model inmate" in pages[sep + 1]


def test_long_answer_overflows_to_a_continuation_page_without_loss(
    complete_packet: asm.Packet, complete_pdf: bytes
) -> None:
    assert len(complete_packet.continuations) == 1
    text = norm(pdf_text(complete_pdf))
    assert "continued on continuation page C-1" in text
    assert "END-OF-REASONS" in text
    row = next(r for s in complete_packet.sections for r in s.rows if r.continuation == "C-1")
    full = alice_input().answers["reasons"]
    assert norm(row.value + " " + complete_packet.continuations[0].text) == norm(full)


def test_docx_reads_back_with_every_item(complete_packet: asm.Packet) -> None:
    data = render_docx(complete_packet, register_number="14873-076")
    text = norm(docx_text(data))
    assert_has_alice_and_letters(text)
    assert "END-OF-REASONS" in text
    footer = docx.Document(io.BytesIO(data)).sections[0].footer._element.xml
    assert "PAGE" in footer
    assert "NUMPAGES" in footer


def test_incomplete_data_gives_a_marked_draft_listing_what_is_missing() -> None:
    data = alice_input("us-federal/pardon")
    data = replace(
        data,
        person=replace(data.person, register_number="1487-076"),
        answers={"reasons": "To vote."},
        letters=data.letters[:1],
    )
    packet = asm.assemble(data)
    assert packet.is_draft
    assert "Personal information: Places lived" not in packet.missing
    assert "Education and housing: Places lived" in packet.missing
    assert any("not relatives: 1 of at least 3" in m for m in packet.missing)
    pdf = norm(pdf_text(render_pdf(packet)))
    assert "DRAFT — incomplete" in pdf
    assert "Education and housing: Places lived" in pdf
    assert "DRAFT — incomplete" in norm(docx_text(render_docx(packet)))


def test_register_number_pattern_is_checked() -> None:
    data = alice_input()
    data = replace(data, person=replace(data.person, register_number="1487-076"))
    missing = asm.assemble(data).missing
    assert any("'1487-076' is not in the expected form" in m for m in missing)


def test_pardon_needs_three_non_relative_letters() -> None:
    data = alice_input("us-federal/pardon")
    relative = replace(data.letters[2], is_relative=True)
    packet = asm.assemble(replace(data, letters=(data.letters[0], data.letters[1], relative)))
    assert any("not relatives: 2 of at least 3" in m for m in packet.missing)


def test_data_hash_changes_with_the_data_and_template_version_with_the_form() -> None:
    a = asm.assemble(alice_input())
    b = asm.assemble(
        replace(alice_input(), answers={**alice_input().answers, "release_plan": "Other"})
    )
    assert a.data_sha256 != b.data_sha256
    assert a.template_version == b.template_version
    assert asm.assemble(alice_input("us-federal/pardon")).template_version != a.template_version


@pytest.mark.parametrize("form_id", packet_forms.available())
def test_every_form_renders_docx(form_id: str) -> None:
    packet = asm.assemble(alice_input(form_id, long_reasons=False))
    assert packet.form.title in norm(docx_text(render_docx(packet)))


# A PDF costs about 0.6 s: the loop renders a federal and a state form, `make test` every one.
@pytest.mark.parametrize(
    "form_id",
    sampled(packet_forms.available(), loop=["us-federal/pardon", "us-ny/commutation"]),
)
def test_every_form_renders_pdf(form_id: str) -> None:
    packet = asm.assemble(alice_input(form_id, long_reasons=False))
    assert "Alice Marie Johnson" in norm(pdf_text(render_pdf(packet)))


def test_unknown_form_lists_the_known_ones() -> None:
    from clemency.errors import NotFound

    with pytest.raises(NotFound, match="us-federal/commutation"):
        asm.assemble(replace(alice_input(), form_id="us-federal/remission"))


def test_user_text_is_escaped_not_interpreted() -> None:
    data = alice_input(long_reasons=False)
    data = replace(
        data, answers={**data.answers, "release_plan": "<script>alert(1)</script> {{7*7}}"}
    )
    text = norm(pdf_text(render_pdf(asm.assemble(data))))
    assert "<script>alert(1)</script> {{7*7}}" in text
