"""Whole numbers that people and programs type into parameters and forms: ASCII digits only.

``str.isdigit()`` is also true for superscripts (``"¹"``) and for digits of other scripts, which
``int()`` refuses or reads as something the user did not see; a value that passed
``isdigit()`` then raised inside the request (the schemathesis test found
``GET /api/v1/cases?assignee=¹`` answering 500). Every such parameter is read through here.
"""

from __future__ import annotations

#: 18 digits stay below 2**63, so the number fits every database's largest integer.
MAX_DIGITS = 18


def whole_number(raw: str | None, *, max_digits: int = MAX_DIGITS) -> int | None:
    """``raw`` as an int when it is 1 to ``max_digits`` ASCII digits; otherwise None."""
    if raw is None or not 0 < len(raw) <= max_digits or not (raw.isascii() and raw.isdigit()):
        return None
    return int(raw)
