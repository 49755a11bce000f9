"""Issue #14: rows stored before the entry checks existed (a jurisdiction typed as "Federal", a
birth date in the future, dates out of order, a negative term) never break a page: every list,
the organization statistics and the API list answer, and show the row flagged "needs
correction"."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.integration.web.conftest import Site, csrf_of, put_on_every_work_list

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


def _spoil_everywhere(site: Site) -> int:
    """The volunteer's case, spoiled three ways behind the checks' back (jurisdiction "Federal",
    a birth date in the future, a negative prison term) and put on every work list: a stored
    eligible screening (the queue), an open task (the tasks list), a letter requested today
    (a follow-up deadline: the deadlines page and the dashboard), assigned (the dashboard)."""
    case_id = put_on_every_work_list(site, "a_assigned", task_title="Call the family")
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
        connection.execute(
            text("UPDATE sentences SET prison_months = -12 WHERE case_id = :id"), {"id": case_id}
        )
    return case_id


def _flag_near(page_text: str, case_id: int) -> str:
    """The stretch of the page from the first link to the case to the end of its entry."""
    anchor = page_text.find(f'href="/cases/{case_id}')
    assert anchor >= 0, f"case {case_id} is not listed"
    return page_text[anchor : anchor + 1500]


@pytest.mark.parametrize(
    "path",
    ["/queues", "/tasks", "/tasks/_mine", "/deadlines", "/", "/cases"],
)
def test_each_work_list_lists_the_bad_case_flagged(site: Site, path: str) -> None:
    case_id = _spoil_everywhere(site)
    client = site.client(("a", "volunteer"))
    page = client.get(path)
    assert page.status_code == 200, (path, page.text[-800:])
    entry = _flag_near(page.text, case_id)
    assert "needs correction" in entry, (path, entry)
    # what to correct, in words: all three problems
    assert "Federal" in entry, (path, entry)
    assert "2099-01-01 is in the future" in entry, (path, entry)
    assert "-12 is negative" in entry, (path, entry)


def test_the_flag_is_one_check_for_every_list(site: Site) -> None:
    """The queue's, the tasks' and the case list's flags come from the same function, so they
    name the same problems, and a clean case carries none."""
    from clemency.accounts.models import User
    from clemency.cases import corrections
    from clemency.db.session import unit_of_work
    from clemency.queues import service as queues
    from clemency.search import listing
    from clemency.tasks import service as tasks

    case_id = _spoil_everywhere(site)
    with unit_of_work(site.engine) as session:
        user = session.get(User, site.users[("a", "volunteer")][0])
        assert user is not None
        expected = corrections.needs_correction(
            session=session, case_ids=[case_id, site.cases["a_other"]]
        )
        assert set(expected) == {case_id}
        assert len(expected[case_id]) == 3
        from datetime import date

        queued = queues.queue(session=session, user=user, today=date.today()).rows
        assert [row.needs_correction for row in queued] == [expected[case_id]]
        mine = tasks.for_user(session=session, user=user)
        assert [row.needs_correction for row in mine] == [expected[case_id]]
        listed = listing.list_cases(session=session, user=user, filters=listing.CaseFilters())
        assert [row.needs_correction for row in listed.rows] == [expected[case_id]]
