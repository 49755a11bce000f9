"""`[unverified: …]` notes are found in citations, so `clemency rules show/list` can report them."""

from __future__ import annotations

from clemency.eligibility.citations import unverified_notes


def test_each_note_is_returned_trimmed_and_in_order() -> None:
    citation = (
        "OAC 515:15-15-1 [unverified: whether the 2024\n    amendments changed it]; "
        "28 CFR 1.2 [unverified: effective day]"
    )
    assert unverified_notes(citation) == [
        "whether the 2024 amendments changed it",
        "effective day",
    ]


def test_brackets_inside_a_note_are_balanced_and_an_unclosed_note_runs_to_the_end() -> None:
    assert unverified_notes('JM [unverified: marked "[added April 2018]" only] more') == [
        'marked "[added April 2018]" only'
    ]
    assert unverified_notes("x [unverified: no closing") == ["no closing"]
    assert unverified_notes("28 CFR 1.3 (quoted)") == []
