"""Issue #14: rows stored before the entry checks existed (a jurisdiction typed as "Federal", a
birth date in the future, dates out of order, a negative term) never break a page: every list,
the organization statistics and the API list answer, and show the row flagged "needs
correction"."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.integration.web.conftest import Site, csrf_of

LIST_PAGES = (
    "/",
    "/cases",
    "/cases/_rows",
    "/cases?q=Person",
    "/queues",
    "/tasks",
    "/deadlines",
    "/screening",
)
API_LISTS = ("/api/v1/cases", "/api/v1/queues/screening", "/api/v1/tasks")


def _spoil(site: Site) -> int:
    """Write bad values straight into the database, as an older version would have stored."""
    case_id = site.cases["a_other"]
    with site.engine.begin() as connection:
        connection.execute(
            text("UPDATE cases SET jurisdiction = 'Federal' WHERE id = :id"), {"id": case_id}
        )
        connection.execute(
            text(
                "UPDATE people SET date_of_birth = '2099-01-01' "
                "WHERE id = (SELECT person_id FROM cases WHERE id = :id)"
            ),
            {"id": case_id},
        )
    return case_id


@pytest.fixture
def spoiled(site: Site) -> tuple[Site, int]:
    return site, _spoil(site)


def test_every_list_answers_and_flags_the_bad_row(spoiled: tuple[Site, int]) -> None:
    site, case_id = spoiled
    client = site.client(("a", "admin"))
    for path in LIST_PAGES:
        page = client.get(path)
        assert page.status_code == 200, (path, page.status_code, page.text[-500:])
    listed = client.get("/cases")
    assert "needs correction" in listed.text
    assert "Federal" in listed.text
    for path in API_LISTS:
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.text[-500:])
    items = client.get("/api/v1/cases").json()["items"]
    flagged = {item["id"]: item["needs_correction"] for item in items}
    assert any("jurisdiction" in problem for problem in flagged[case_id]), flagged
    assert any("date of birth" in problem.lower() for problem in flagged[case_id]), flagged


def test_organization_statistics_answer_and_flag(spoiled: tuple[Site, int]) -> None:
    site, _case_id = spoiled
    client = site.client(("a", "admin"))
    page = client.get(f"/statistics/organization?org={site.orgs['a']}")
    assert page.status_code == 200, page.text[-800:]
    assert "needs correction" in page.text


def test_the_case_page_and_its_api_answer(spoiled: tuple[Site, int]) -> None:
    site, case_id = spoiled
    client = site.client(("a", "admin"))
    headers = {"x-csrf-token": csrf_of(client, "/")}
    assert client.get(f"/cases/{case_id}").status_code == 200
    assert client.get(f"/api/v1/cases/{case_id}").status_code == 200
    assert client.get(f"/api/v1/cases/{case_id}/determinations").status_code == 200
    # the bad row can be corrected; an unrelated edit is not refused because of it
    fixed = client.patch(
        f"/api/v1/cases/{case_id}",
        json={"expected_version": 1, "changes": {"summary": "checked"}},
        headers=headers,
    )
    assert fixed.status_code == 200, fixed.text
    TestClient  # noqa: B018 - imported for the type of site.client
