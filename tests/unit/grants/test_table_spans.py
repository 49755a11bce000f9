"""Table cell spans on a grant page are read as HTML reads them, whatever the page says."""

from __future__ import annotations

from bs4 import BeautifulSoup

from clemency.grants.parser import _grid


def test_spans_that_are_not_ascii_numbers_or_zero_are_one_and_a_huge_span_stops_at_1000() -> None:
    soup = BeautifulSoup(
        "<table>"
        '<tr><td colspan="¹">a</td><td colspan="0">b</td><td colspan="3">c</td></tr>'
        '<tr><td colspan="99999999999">d</td></tr>'
        '<tr><td rowspan="²">e</td><td>f</td></tr>'
        "</table>",
        "html.parser",
    )
    assert soup.table is not None
    grid = _grid(soup.table)
    assert [len(row) for row in grid] == [1 + 1 + 3, 1000, 2]
    assert [cell.get_text() for cell, first in grid[0] if first] == ["a", "b", "c"]
