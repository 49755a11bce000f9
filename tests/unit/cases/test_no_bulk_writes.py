"""security.md test 32: no bulk UPDATE/DELETE statements on versioned tables (they would skip
the version check and so allow lost updates)."""

from __future__ import annotations

import re
from pathlib import Path

import clemency
from clemency.db.base import VersionedMixin
from clemency.db.models import Base

SOURCE = Path(clemency.__file__).parent
BULK = re.compile(r"\b(?:update|delete)\(\s*(\w+)\s*\)")


def test_no_bulk_update_or_delete_names_a_versioned_model() -> None:
    versioned = {
        mapper.class_.__name__
        for mapper in Base.registry.mappers
        if issubclass(mapper.class_, VersionedMixin)
    }
    assert {"Case", "Person", "Conviction", "User"} <= versioned
    offenders = [
        f"{path.relative_to(SOURCE)}: {match.group(0)}"
        for path in SOURCE.rglob("*.py")
        if "migrations" not in path.parts
        for match in BULK.finditer(path.read_text(encoding="utf-8"))
        if match.group(1) in versioned
    ]
    assert offenders == []
