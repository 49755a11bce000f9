"""Every ClemencyError has one pinned JSON shape: ok, code, message, details."""

from __future__ import annotations

import pytest

from clemency import errors


def _all_error_classes() -> list[type[errors.ClemencyError]]:
    found: list[type[errors.ClemencyError]] = []
    pending: list[type[errors.ClemencyError]] = [errors.ClemencyError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


@pytest.mark.parametrize("cls", _all_error_classes(), ids=lambda c: c.__name__)
def test_error_serializes_to_the_pinned_shape(cls: type[errors.ClemencyError]) -> None:
    error = cls("Something is wrong; here is how to fix it.", field="x")
    body = error.to_dict()
    assert set(body) == {"ok", "code", "message", "details"}
    assert body["ok"] is False
    assert body["code"] == str(cls.code)
    assert body["details"] == {"field": "x"}
    assert 400 <= cls.http_status < 600


def test_error_codes_are_stable_snake_case() -> None:
    for code in errors.ErrorCode:
        assert code.value == code.value.lower()
        assert " " not in code.value
