"""Statistics an organization may publish about its own cases, with small counts suppressed.

Input is plain rows (dicts) with the keys ``stage``, ``jurisdiction``, ``year``, ``outcome``
and ``days_in_stage``; anything else on a row (a name, an id) is never read. Grouping is
allowed only by those coarse keys, and their values must be codes (``us-federal``,
``denied``, ``2024``), so no output can carry a person's name (security.md PR-3).

Suppression (PR-3(c)): a table is published with its row and column totals; every cell,
total included, whose count is below the threshold ``k`` (default 5) is shown as ``"<k"``.
Complementary suppression then hides further cells (shown as ``"x"``) until no hidden
count can be worked out from what is shown. The check models what a reader knows: the
shown counts, that a ``"<k"`` cell holds 0 to k-1, that an ``"x"`` cell holds at least k, and
that rows and columns add up to their totals. A hidden cell counts as recovered when
linear algebra pins it (it is a combination of shown values), when interval reasoning on the
lines does (its lowest and highest possible values meet), or when no whole-number table
consistent with what is shown gives it any other value: the first two are quick and used to
choose complementary cells, the last is exact (a search for a second table) and decides
when to stop. A search that runs past its budget counts the cell as recovered, so an
undecided table is hidden further, never published as it is.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from clemency.errors import BadInput

GROUP_KEYS = ("stage", "jurisdiction", "year", "outcome")
_CODE = re.compile(r"^[a-z0-9][a-z0-9_.\-]{0,63}$")
PRIMARY = "primary"
COMPLEMENTARY = "complementary"
WITHHELD = "withheld"  # the whole table: no suppression pattern could protect it
TOTAL = "total"


@dataclass(frozen=True)
class PublishedTable:
    """A table safe to publish: only labels and display strings, never the hidden counts."""

    row_keys: tuple[str, ...]
    column_key: str
    rows: tuple[str, ...]  # row labels, then "total"
    columns: tuple[str, ...]  # column labels, then "total"
    cells: tuple[tuple[str, ...], ...]
    threshold: int

    def as_dicts(self) -> list[dict[str, str]]:
        label = "/".join(self.row_keys)
        return [
            {label: row} | dict(zip(self.columns, values, strict=True))
            for row, values in zip(self.rows, self.cells, strict=True)
        ]


def _value(row: Mapping[str, Any], key: str, index: int) -> str:
    if key not in GROUP_KEYS:
        raise BadInput(
            f"cannot group by {key!r}: public statistics group only by {', '.join(GROUP_KEYS)}",
            field=key,
        )
    raw = row.get(key)
    if raw is None or raw == "":
        return "unknown"
    if key == "year":
        text = str(raw)
        if not re.fullmatch(r"\d{4}", text):
            raise BadInput(f"row {index}: year {raw!r} is not a four-digit year", field="year")
        return text
    text = str(raw)
    if not _CODE.match(text):
        raise BadInput(
            f"row {index}: {key} {raw!r} is not a code (lower-case letters, digits, '-', '_'); "
            "names and free text never go into public statistics",
            field=key,
        )
    return text


def _lines(n_rows: int, n_cols: int) -> list[tuple[list[tuple[int, int]], tuple[int, int]]]:
    """Each line of the table with margins: (member cells, total cell)."""
    lines = []
    for r in range(n_rows + 1):
        lines.append(([(r, c) for c in range(n_cols)], (r, n_cols)))
    for c in range(n_cols + 1):
        lines.append(([(r, c) for r in range(n_rows)], (n_rows, c)))
    return lines


def _domain(kind: str, k: int, upper: int) -> tuple[int, int]:
    """What a reader knows of a hidden cell: "<k" is 0..k-1, "x" is k or more, "withheld" is
    anything up to the grand total."""
    return {PRIMARY: (0, k - 1), COMPLEMENTARY: (k, upper)}.get(kind, (0, upper))


def _bounds(
    grid: np.ndarray, hidden: dict[tuple[int, int], str], k: int, lines: list[Any]
) -> dict[tuple[int, int], tuple[int, int]]:
    grand = int(grid[-1, -1])
    upper = max(grand, k)
    bounds = {cell: _domain(kind, k, upper) for cell, kind in hidden.items()}

    def get(cell: tuple[int, int]) -> tuple[int, int]:
        if cell in bounds:
            return bounds[cell]
        value = int(grid[cell])
        return value, value

    for _ in range(100):
        changed = False
        for members, total in lines:
            t_lo, t_hi = get(total)
            lows = [get(m)[0] for m in members]
            highs = [get(m)[1] for m in members]
            if total in bounds:
                new = (max(t_lo, sum(lows)), min(t_hi, sum(highs)))
                if new != bounds[total]:
                    bounds[total] = new
                    changed = True
            for index, member in enumerate(members):
                if member not in bounds:
                    continue
                others_lo = sum(lows) - lows[index]
                others_hi = sum(highs) - highs[index]
                lo, hi = bounds[member]
                new = (max(lo, t_lo - others_hi), min(hi, t_hi - others_lo))
                if new != (lo, hi):
                    bounds[member] = new
                    changed = True
        if not changed:
            break
    return bounds


def _determined_by_algebra(
    hidden: Sequence[tuple[int, int]], lines: list[Any]
) -> set[tuple[int, int]]:
    """Hidden cells whose value is a linear combination of shown values."""
    index = {cell: i for i, cell in enumerate(hidden)}
    rows = []
    for members, total in lines:
        coefficients = np.zeros(len(hidden))
        for member in members:
            if member in index:
                coefficients[index[member]] += 1
        if total in index:
            coefficients[index[total]] -= 1
        if coefficients.any():
            rows.append(coefficients)
    if not rows:
        return set()
    matrix = np.array(rows)
    rank = np.linalg.matrix_rank(matrix)
    found = set()
    for cell, i in index.items():
        unit = np.zeros(len(hidden))
        unit[i] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.add(cell)
    return found


_SEARCH_BUDGET = 20_000  # search nodes per hidden cell before giving up (and hiding more)


def _propagate(
    grid: np.ndarray, bounds: dict[tuple[int, int], tuple[int, int]], lines: list[Any]
) -> dict[tuple[int, int], tuple[int, int]] | None:
    """Tighten the hidden cells' bounds until the lines allow no more; None if they conflict."""
    bounds = dict(bounds)

    def get(cell: tuple[int, int]) -> tuple[int, int]:
        if cell in bounds:
            return bounds[cell]
        value = int(grid[cell])
        return value, value

    changed = True
    while changed:
        changed = False
        for members, total in lines:
            t_lo, t_hi = get(total)
            lows = [get(m)[0] for m in members]
            highs = [get(m)[1] for m in members]
            if sum(lows) > t_hi or sum(highs) < t_lo:
                return None
            for cell, lo, hi in [
                (total, sum(lows), sum(highs)),
                *(
                    (m, t_lo - (sum(highs) - highs[i]), t_hi - (sum(lows) - lows[i]))
                    for i, m in enumerate(members)
                ),
            ]:
                if cell not in bounds:
                    continue
                old = bounds[cell]
                new = (max(old[0], lo), min(old[1], hi))
                if new[0] > new[1]:
                    return None
                if new != old:
                    bounds[cell] = new
                    changed = True
    return bounds


def _another_table(
    grid: np.ndarray,
    start: dict[tuple[int, int], tuple[int, int]],
    lines: list[Any],
    budget: list[int],
) -> dict[tuple[int, int], int] | None:
    """A whole-number table within ``start`` that satisfies every line, or None (depth-first,
    the tightest cell first; ``budget`` counts the nodes left and stops the search at zero)."""
    bounds = _propagate(grid, start, lines)
    if bounds is None:
        return None
    open_cells = [cell for cell, (lo, hi) in bounds.items() if lo < hi]
    if not open_cells:
        return {cell: lo for cell, (lo, _hi) in bounds.items()}
    cell = min(open_cells, key=lambda c: (bounds[c][1] - bounds[c][0], c))
    lo, hi = bounds[cell]
    for value in range(lo, hi + 1):
        budget[0] -= 1
        if budget[0] < 0:
            return None
        found = _another_table(grid, {**bounds, cell: (value, value)}, lines, budget)
        if found is not None:
            return found
    return None


def pinned_cells(
    grid: np.ndarray, hidden: Mapping[tuple[int, int], str], k: int
) -> set[tuple[int, int]]:
    """Hidden cells that take the same value in every table a reader could reconstruct (the
    exact check; a cell whose search runs out of budget is counted as pinned)."""
    n_rows, n_cols = grid.shape[0] - 1, grid.shape[1] - 1
    lines = _lines(n_rows, n_cols)
    upper = max(int(grid[-1, -1]), k)
    domain = {cell: _domain(kind, k, upper) for cell, kind in hidden.items()}
    free: set[tuple[int, int]] = set()  # cells already seen with a value other than the true one
    pinned: set[tuple[int, int]] = set()
    for cell in sorted(hidden):
        if cell in free:
            continue
        truth = int(grid[cell])
        lo, hi = domain[cell]
        found = None
        for part in ((lo, truth - 1), (truth + 1, hi)):
            if part[0] <= part[1]:
                found = _another_table(grid, {**domain, cell: part}, lines, [_SEARCH_BUDGET])
                if found is not None:
                    break
        if found is None:
            pinned.add(cell)
            continue
        free.update(c for c, value in found.items() if value != int(grid[c]))
    return pinned


def exposed_cells(
    grid: np.ndarray, hidden: Mapping[tuple[int, int], str], k: int
) -> set[tuple[int, int]]:
    """Hidden cells a reader can work out from the published table."""
    n_rows, n_cols = grid.shape[0] - 1, grid.shape[1] - 1
    lines = _lines(n_rows, n_cols)
    bounds = _bounds(grid, dict(hidden), k, lines)
    exposed = {cell for cell, (lo, hi) in bounds.items() if lo >= hi}
    return exposed | _determined_by_algebra(list(hidden), lines)


def _exposed_exactly(
    grid: np.ndarray, hidden: Mapping[tuple[int, int], str], k: int
) -> set[tuple[int, int]]:
    """The quick checks first; when they find nothing, the exact one."""
    return exposed_cells(grid, hidden, k) or pinned_cells(grid, hidden, k)


def suppress(grid: np.ndarray, k: int) -> dict[tuple[int, int], str]:
    """Which cells of ``grid`` (margins in the last row and column) to hide, and why."""
    n_rows, n_cols = grid.shape[0] - 1, grid.shape[1] - 1
    lines = _lines(n_rows, n_cols)
    hidden: dict[tuple[int, int], str] = {
        (r, c): PRIMARY for r in range(n_rows + 1) for c in range(n_cols + 1) if grid[r, c] < k
    }
    all_cells = [(r, c) for r in range(n_rows + 1) for c in range(n_cols + 1)]
    for _ in range(len(all_cells) + 1):
        exposed = _exposed_exactly(grid, hidden, k) if hidden else set()
        if not exposed:
            return hidden
        target = min(exposed)
        candidates = [
            cell
            for members, total in lines
            if target in members or target == total
            for cell in [*members, total]
            if cell not in hidden
        ]
        if not candidates:
            candidates = [cell for cell in all_cells if cell not in hidden]
        if not candidates:
            break

        # never the grand total if anything else will do; then the cell that leaves the
        # fewest cells exposed; then interior cells before
        # totals; then the smallest count (the least information lost)
        def cost(cell: tuple[int, int]) -> tuple[bool, int, bool, int, tuple[int, int]]:
            trial = hidden | {cell: COMPLEMENTARY}
            return (
                cell == (n_rows, n_cols),  # the grand total only as a last resort
                len(exposed_cells(grid, trial, k)),
                cell[0] == n_rows or cell[1] == n_cols,
                int(grid[cell]),
                cell,
            )

        choice = min(set(candidates), key=cost)
        hidden[choice] = COMPLEMENTARY
    # Every cell is hidden and a count can still be worked out (a tiny table whose grand total
    # the reader may know): withhold the whole table rather than publish any of it.
    return dict.fromkeys(all_cells, WITHHELD)


def crosstab(
    rows: Iterable[Mapping[str, Any]],
    row_keys: str | Sequence[str],
    column_key: str,
    *,
    k: int = 5,
) -> PublishedTable:
    """Counts of rows by ``row_keys`` × ``column_key`` with totals, safe to publish."""
    if k < 1:
        raise BadInput("the suppression threshold must be at least 1", field="k")
    keys = (row_keys,) if isinstance(row_keys, str) else tuple(row_keys)
    counts: dict[tuple[str, str], int] = {}
    for index, row in enumerate(rows, start=1):
        label = "/".join(_value(row, key, index) for key in keys)
        column = _value(row, column_key, index)
        counts[(label, column)] = counts.get((label, column), 0) + 1
    labels = sorted({label for label, _ in counts})
    columns = sorted({column for _, column in counts})
    grid = np.zeros((len(labels) + 1, len(columns) + 1), dtype=int)
    for (label, column), n in counts.items():
        grid[labels.index(label), columns.index(column)] = n
    grid[:-1, -1] = grid[:-1, :-1].sum(axis=1)
    grid[-1, :] = grid[:-1, :].sum(axis=0)
    hidden = suppress(grid, k)
    cells = tuple(
        tuple(
            {PRIMARY: f"<{k}", COMPLEMENTARY: "x"}.get(hidden[(r, c)], WITHHELD)
            if (r, c) in hidden
            else str(int(grid[r, c]))
            for c in range(grid.shape[1])
        )
        for r in range(grid.shape[0])
    )
    return PublishedTable(
        row_keys=keys,
        column_key=column_key,
        rows=(*labels, TOTAL),
        columns=(*columns, TOTAL),
        cells=cells,
        threshold=k,
    )


def time_in_stage(rows: Iterable[Mapping[str, Any]], *, k: int = 5) -> list[dict[str, str]]:
    """Cases and median days per stage; a suppressed count hides its median too."""
    by_stage: dict[str, list[int]] = {}
    materialized = list(rows)
    for index, row in enumerate(materialized, start=1):
        stage = _value(row, "stage", index)
        days = row.get("days_in_stage")
        if days is None or days == "":
            continue
        if isinstance(days, bool) or not isinstance(days, int | float) or days < 0:
            raise BadInput(
                f"row {index}: days_in_stage {days!r} is not a number of days",
                field="days_in_stage",
            )
        by_stage.setdefault(stage, []).append(int(days))
    counted = [
        {"stage": stage, "outcome": "cases"} for stage, values in by_stage.items() for _ in values
    ]
    table = crosstab(counted, "stage", "outcome", k=k)
    out = []
    for label, values in zip(table.rows, table.cells, strict=True):
        shown = values[0]
        days = [d for v in by_stage.values() for d in v] if label == TOTAL else by_stage[label]
        median = f"{statistics.median(days):g}" if shown.isdigit() and days else "suppressed"
        out.append({"stage": label, "cases": shown, "median_days": median})
    return out
