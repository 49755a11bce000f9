"""Whole numbers from parameters and forms: ASCII digits only (clemency.digits)."""

from __future__ import annotations

import pytest

from clemency.digits import MAX_DIGITS, whole_number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0", 0),
        ("7", 7),
        ("0042", 42),
        ("9" * MAX_DIGITS, 10**MAX_DIGITS - 1),
    ],
)
def test_ascii_digits_are_a_whole_number(raw: str, expected: int) -> None:
    assert whole_number(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        " 7",
        "7 ",
        "-7",
        "+7",
        "7.0",
        "1_000",
        "¹",  # superscript one: str.isdigit() is true, int() raises
        "²³",
        "١٢",  # Arabic-Indic digits: int() would read 12 from what the user did not type as 12
        "１２",  # fullwidth digits
        "9" * (MAX_DIGITS + 1),  # past what every database's largest integer holds
    ],
)
def test_anything_else_is_none(raw: str | None) -> None:
    assert whole_number(raw) is None


def test_max_digits_is_a_bound() -> None:
    assert whole_number("123456", max_digits=6) == 123456
    assert whole_number("1234567", max_digits=6) is None
    assert 10**MAX_DIGITS < 2**63
