"""Organization statistics: small counts hidden, and an attacker who knows how the table was
made cannot work a hidden count out from the totals (the test tries, by exhaustive search)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clemency.errors import BadInput
from clemency.grants import orgstats
from clemency.grants.orgstats import PublishedTable, crosstab, time_in_stage

K = 5


def rows_from(
    matrix: list[list[int]], row_key: str = "jurisdiction", col_key: str = "outcome"
) -> list[dict[str, object]]:
    """Case rows whose crosstab is ``matrix``; every row carries a person's name (a canary)."""
    rows: list[dict[str, object]] = []
    for r, line in enumerate(matrix):
        for c, n in enumerate(line):
            for i in range(n):
                rows.append(
                    {
                        row_key: f"j{r}",
                        col_key: f"o{c}",
                        "name": f"Canary Person {r}-{c}-{i}",
                        "person_id": f"P{r}{c}{i:04d}",
                    }
                )
    return rows


def attack(
    table: PublishedTable, k: int, rows: int | None = None, enough: int | None = None
) -> dict[tuple[int, int], set[int]]:
    """Every value each hidden cell can take, given only what the table shows (with ``enough``,
    only that many of a cell's values: two show that a reader cannot pin it down).

    The attacker knows: shown counts, that "<k" means 0..k-1, that "x" means at least k (and
    at most the grand total), that "withheld" means anything up to the grand total, and that
    each row and column adds up to its total. If the
    grand total is hidden, the attacker is given it anyway (``rows``): a stronger attacker.
    """
    cells = table.cells
    n_rows, n_cols = len(cells) - 1, len(cells[0]) - 1
    grand = cells[-1][-1]
    upper = int(grand) if grand.isdigit() else rows
    assert upper is not None, "the grand total is hidden: pass the number of rows"
    known: dict[tuple[int, int], int] = {}
    domain: dict[tuple[int, int], range] = {}
    for r, line in enumerate(cells):
        for c, text in enumerate(line):
            if text.isdigit():
                known[(r, c)] = int(text)
            elif text == f"<{k}":
                domain[(r, c)] = range(0, k)
            elif text == "withheld":
                domain[(r, c)] = range(0, upper + 1)
            else:
                assert text == "x"
                domain[(r, c)] = range(k, upper + 1)
    lines = orgstats._lines(n_rows, n_cols)
    hidden = sorted(domain)

    def solve(first: tuple[int, int], allowed: list[int]) -> dict[tuple[int, int], int] | None:
        """One whole table that agrees with what is shown, in which ``first`` takes one of
        ``allowed``; None if there is none (a plain depth-first search, ``first`` first)."""
        domains = {**domain, first: allowed}
        order = [first, *(cell for cell in hidden if cell != first)]
        assign: dict[tuple[int, int], int] = {}

        def value(cell: tuple[int, int]) -> int | None:
            return known.get(cell, assign.get(cell))

        def ok() -> bool:
            for members, total in lines:
                t = value(total)
                vals = [value(m) for m in members]
                partial = sum(v for v in vals if v is not None)
                if t is not None and (partial > t or (None not in vals and partial != t)):
                    return False
            return True

        def search() -> dict[tuple[int, int], int] | None:
            if len(assign) == len(hidden):
                return dict(assign)
            # a line with one unknown left forces it
            for members, total in lines:
                unknown = [c for c in [*members, total] if value(c) is None]
                if len(unknown) == 1:
                    cell = unknown[0]
                    if cell == total:
                        forced = sum(value(m) or 0 for m in members)
                    else:
                        t = value(total)
                        assert t is not None
                        forced = t - sum(value(m) or 0 for m in members if m != cell)
                    candidates = [forced] if forced in domains[cell] else []
                    break
            else:
                cell = next(c for c in order if c not in assign)
                candidates = list(domains[cell])
            for v in candidates:
                assign[cell] = v
                if ok() and (solution := search()) is not None:
                    return solution
                del assign[cell]
            return None

        return search()

    # For each hidden cell, ask again and again for a whole table in which it takes a value not
    # yet seen, until there is none (or ``enough`` are seen); every table found counts for every
    # cell.
    found: dict[tuple[int, int], set[int]] = {cell: set() for cell in hidden}
    for cell in hidden:
        while enough is None or len(found[cell]) < enough:
            unseen = [v for v in domain[cell] if v not in found[cell]]
            solution = solve(cell, unseen) if unseen else None
            if solution is None:
                break
            for other, taken in solution.items():
                found[other].add(taken)
    return found


def assert_safe(table: PublishedTable, k: int = K, rows: int | None = None) -> None:
    for cell, values in attack(table, k, rows, enough=2).items():
        assert len(values) >= 2, f"hidden cell {cell} can only be {values}: {table.cells}"


MATRIX = [[12, 3, 8], [7, 9, 2], [15, 6, 11]]


def test_small_cells_are_hidden_and_cannot_be_solved_for() -> None:
    table = crosstab(rows_from(MATRIX), "jurisdiction", "outcome")
    assert table.rows == ("j0", "j1", "j2", "total")
    assert table.columns == ("o0", "o1", "o2", "total")
    shown = {(r, c): v for r, line in enumerate(table.cells) for c, v in enumerate(line)}
    assert shown[(0, 1)] == "<5"
    assert shown[(1, 2)] == "<5"
    assert shown[(3, 3)] == "73"
    # complementary cells were added: each hidden row and column has two or more hidden cells
    assert sum(v == "x" for v in shown.values()) >= 2
    assert_safe(table)
    # a cell at or above the threshold and not needed for protection stays visible
    assert shown[(2, 0)] == "15"


def test_primary_suppression_alone_would_leak() -> None:
    """The attack is real: without complementary cells the hidden counts come out exactly."""
    grid = np.array([[12, 3, 8, 23], [7, 9, 2, 18], [15, 6, 11, 32], [34, 18, 21, 73]])
    hidden = {(0, 1): orgstats.PRIMARY, (1, 2): orgstats.PRIMARY}
    cells = tuple(
        tuple("<5" if (r, c) in hidden else str(grid[r, c]) for c in range(4)) for r in range(4)
    )
    naive = PublishedTable(
        ("j",), "o", ("a", "b", "c", "total"), ("x", "y", "z", "total"), cells, 5
    )
    solved = attack(naive, K)
    assert solved == {(0, 1): {3}, (1, 2): {2}}
    assert orgstats.exposed_cells(grid, hidden, K) == {(0, 1), (1, 2)}


def test_a_table_that_no_suppression_protects_is_withheld() -> None:
    """Found by Hypothesis: with every cell hidden, a reader who knows there are 6 rows still
    solves the table, so none of it is published."""
    matrix = [[0, 0, 1], [0, 1, 4]]
    grid = np.array([[0, 1, 1], [1, 4, 5], [1, 5, 6]])
    hidden = {cell: orgstats.PRIMARY for cell in [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (2, 0)]}
    hidden |= {(1, 2): orgstats.COMPLEMENTARY, (2, 1): orgstats.COMPLEMENTARY}
    hidden |= {(2, 2): orgstats.COMPLEMENTARY}
    assert orgstats.exposed_cells(grid, hidden, K)
    assert orgstats.pinned_cells(grid, hidden, K) == set(hidden)
    table = crosstab(rows_from(matrix), "jurisdiction", "outcome")
    assert {text for line in table.cells for text in line} == {"withheld"}
    assert_safe(table, rows=6)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=7), min_size=2, max_size=3),
        min_size=2,
        max_size=2,
    ).filter(lambda m: len({len(line) for line in m}) == 1),
    st.sets(st.tuples(st.integers(0, 2), st.integers(0, 3)), min_size=1, max_size=8),
)
def test_the_exact_check_agrees_with_an_exhaustive_attack(
    matrix: list[list[int]], chosen: set[tuple[int, int]]
) -> None:
    """For any hiding pattern, ``pinned_cells`` names exactly the cells the attack solves."""
    grid = np.array(matrix)
    grid = np.vstack([grid, grid.sum(axis=0)])
    grid = np.hstack([grid, grid.sum(axis=1, keepdims=True)])
    n_rows, n_cols = grid.shape
    hidden = {
        (r, c): orgstats.PRIMARY if grid[r, c] < K else orgstats.COMPLEMENTARY
        for r, c in chosen
        if r < n_rows and c < n_cols
    }
    cells = tuple(
        tuple(
            ("<5" if hidden[(r, c)] == orgstats.PRIMARY else "x")
            if (r, c) in hidden
            else str(grid[r, c])
            for c in range(n_cols)
        )
        for r in range(n_rows)
    )
    table = PublishedTable(
        ("j",), "o", tuple(map(str, range(n_rows))), tuple(map(str, range(n_cols))), cells, K
    )
    solved = {
        cell
        for cell, values in attack(table, K, int(grid[-1, -1]), enough=2).items()
        if len(values) == 1
    }
    assert orgstats.pinned_cells(grid, hidden, K) == solved


def test_line_of_hidden_cells_pinned_by_bounds_gets_more_protection() -> None:
    # row j0: 4 + 4 with total 8 -> both "<5" cells would have to be 4
    matrix = [[4, 4, 20], [10, 12, 9], [11, 13, 30]]
    table = crosstab(rows_from(matrix), "jurisdiction", "outcome")
    assert table.cells[0][0] == "<5"
    assert table.cells[-1][-1] == "113"
    assert_safe(table)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=9), min_size=3, max_size=3),
        min_size=2,
        max_size=3,
    ).filter(lambda m: sum(map(sum, m)) >= K)
)
def test_no_generated_table_leaks(matrix: list[list[int]]) -> None:
    rows = rows_from(matrix)
    table = crosstab(rows, "jurisdiction", "outcome")
    assert_safe(table, rows=len(rows))
    text = repr(table.as_dicts())
    assert "Canary" not in text
    assert "P0" not in text


def test_no_output_names_anyone() -> None:
    rows = rows_from(MATRIX)
    table = crosstab(rows, ["jurisdiction"], "outcome")
    text = repr(table) + repr(table.as_dicts())
    assert "Canary" not in text
    with pytest.raises(BadInput, match="cannot group by 'name'"):
        crosstab(rows, "name", "outcome")
    with pytest.raises(BadInput, match="cannot group by 'person_id'"):
        crosstab(rows, "jurisdiction", "person_id")
    # a name smuggled into a grouping field is refused, not published
    with pytest.raises(BadInput, match="names and free text never go into public statistics"):
        crosstab(
            [{"jurisdiction": "Alice Marie Johnson", "outcome": "denied"}],
            "jurisdiction",
            "outcome",
        )
    with pytest.raises(BadInput, match="four-digit year"):
        crosstab([{"year": "2024-05-01", "outcome": "denied"}], "year", "outcome")


def test_outcomes_by_jurisdiction_and_year() -> None:
    rows = [
        {"jurisdiction": "us-federal", "year": 2023, "outcome": o}
        for o in ["granted"] * 6 + ["denied"] * 14 + ["pending"] * 2
    ] + [
        {"jurisdiction": "us-ny", "year": 2024, "outcome": o}
        for o in ["granted"] * 7 + ["denied"] * 9 + ["pending"] * 8
    ]
    table = crosstab(rows, ["jurisdiction", "year"], "outcome")
    assert table.rows == ("us-federal/2023", "us-ny/2024", "total")
    assert table.columns == ("denied", "granted", "pending", "total")
    assert table.cells[0][2] == "<5"
    assert_safe(table)
    assert table.as_dicts()[0]["jurisdiction/year"] == "us-federal/2023"


def test_time_in_stage_hides_small_stages_and_their_medians() -> None:
    rows = (
        [
            {"stage": "docketed", "days_in_stage": d, "name": "Canary"}
            for d in (10, 20, 30, 40, 50, 60)
        ]
        + [{"stage": "investigation", "days_in_stage": d} for d in (100, 200, 300, 400, 500)]
        + [{"stage": "recommendation", "days_in_stage": d} for d in (7, 9)]
        + [{"stage": "submitted", "days_in_stage": None}]
    )
    result = {r["stage"]: r for r in time_in_stage(rows)}
    assert result["docketed"] == {"stage": "docketed", "cases": "6", "median_days": "35"}
    assert result["recommendation"] == {
        "stage": "recommendation",
        "cases": "<5",
        "median_days": "suppressed",
    }
    assert result["investigation"] == {
        "stage": "investigation",
        "cases": "x",
        "median_days": "suppressed",
    }
    assert result["total"] == {"stage": "total", "cases": "13", "median_days": "50"}
    # the small stage cannot be recovered: one other stage is hidden as well
    hidden = [r for r in result.values() if not r["cases"].isdigit()]
    assert len(hidden) >= 2
    assert "Canary" not in repr(result)
    with pytest.raises(BadInput, match="days_in_stage"):
        time_in_stage([{"stage": "docketed", "days_in_stage": "soon"}])
