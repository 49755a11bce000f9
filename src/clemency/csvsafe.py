"""Spreadsheet formula injection: one rule for every CSV file Clemency writes.

A spreadsheet reads a cell beginning with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return before one) as a formula, so a roster cell or a name typed by anyone could run in the
spreadsheet of whoever opens an export (OWASP "CSV Injection"). Every *free-text* cell is
therefore written with a leading apostrophe when it begins with one of those characters, which
spreadsheets show as text. A cell that begins with an apostrophe gets one more, so that
:func:`csv_untext` (for Clemency's own readers) gives back exactly the text that was written.

Typed cells (numbers, dates, booleans) are never touched: a negative amount stays ``-5``. The
rule exists once, here, in two renderings: :func:`csv_text` for Python writers and
:func:`csv_text_sql` / :func:`csv_untext_sql` for SQL engines (DuckDB and Spark SQL) that write
or read CSV themselves.
"""

from __future__ import annotations

from typing import Any

ESCAPE = "'"
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED_STARTS = (*FORMULA_STARTS, ESCAPE)


def csv_text(value: str) -> str:
    """A free-text cell as written to CSV (see the module's docstring)."""
    return ESCAPE + value if value.startswith(_ESCAPED_STARTS) else value


def csv_untext(cell: str) -> str:
    """The text a cell written by :func:`csv_text` holds."""
    return cell[1:] if cell.startswith(ESCAPE) else cell


def csv_cell(value: Any) -> Any:
    """For Python writers given typed values: text goes through :func:`csv_text`; numbers,
    dates, booleans and None are left alone."""
    return csv_text(value) if isinstance(value, str) else value


def _sql_char(character: str) -> str:
    return f"chr({ord(character)})"  # no quoting rules to get wrong in either dialect


def csv_text_sql(expression: str) -> str:
    """:func:`csv_text` as a SQL expression over a text ``expression`` (DuckDB, Spark SQL)."""
    starts = ", ".join(_sql_char(c) for c in _ESCAPED_STARTS)
    return (
        f"CASE WHEN substr({expression}, 1, 1) IN ({starts}) "
        f"THEN concat({_sql_char(ESCAPE)}, {expression}) ELSE {expression} END"
    )


def csv_untext_sql(expression: str) -> str:
    """:func:`csv_untext` as a SQL expression (DuckDB, Spark SQL)."""
    return (
        f"CASE WHEN substr({expression}, 1, 1) = {_sql_char(ESCAPE)} "
        f"THEN substr({expression}, 2) ELSE {expression} END"
    )
