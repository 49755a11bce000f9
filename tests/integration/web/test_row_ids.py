"""A row id too large for the database (PostgreSQL INTEGER, SQLite's 64 bits) in a path is
refused as invalid input, 422, never a 500 from the driver's overflow (the schemathesis run
found three: a task, an assignee and a petition id)."""

from __future__ import annotations

import pytest

from tests.integration.web.conftest import Site

TOO_LARGE = [2**31, 2**63, 10**40]


@pytest.mark.parametrize("row_id", TOO_LARGE)
def test_an_out_of_range_id_in_a_path_is_422(site: Site, row_id: int) -> None:
    client = site.client(("a", "admin"))
    case = site.cases["a_assigned"]
    for path in (
        f"/cases/{row_id}",
        f"/api/v1/cases/{row_id}",
        f"/api/v1/cases/{case}/parts/convictions/{row_id}",
    ):
        response = client.get(path)
        assert response.status_code == 422, (path, response.status_code, response.text[:200])


def test_the_largest_id_the_database_holds_is_simply_not_found(site: Site) -> None:
    client = site.client(("a", "admin"))
    response = client.get(f"/api/v1/cases/{2**31 - 1}")
    assert response.status_code == 404
