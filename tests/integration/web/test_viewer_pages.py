"""Issue #14: a viewer (reads every case of the organization, changes none: cases/access.py)
is not offered actions they cannot take. Every case page is opened as a viewer: it answers, has
no form that changes anything, and no link it offers leads to a refusal; the pages that only
change a case refuse with 403 and say whom to ask."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient

from tests.integration.web.conftest import Site, csrf_of, put_on_every_work_list

CASE_PAGES = (
    "",
    "/petitions",
    "/screening",
    "/tasks",
    "/tasks/_panel",
    "/activity",
    "/precedents",
    "/packet",
)
WRITE_PAGES = (
    "/edit",
    "/person/edit",
    "/interview",
    "/petition-answers",
    "/documents/new",
    "/parts/convictions/new",
)
FORM = re.compile(r"<form\b[^>]*>", re.IGNORECASE)
CHANGING = re.compile(r"\bhx-(post|put|patch|delete)=", re.IGNORECASE)
LINK = re.compile(r'href="(/[^"#]*)')


def _fill(site: Site) -> int:
    """Give the case something on every page: a conviction, a task for the viewer, a letter
    requested, a stored eligible screening (the queue)."""
    return put_on_every_work_list(
        site,
        "a_other",
        task_title="Read the file",
        task_assignee=site.users[("a", "viewer")][0],
        convicted_on=date(2001, 2, 3),
    )


def _changing_forms(html: str) -> list[str]:
    """Forms that post (anything but the sign-out form every page has) and htmx writes."""
    forms = [f for f in FORM.findall(html) if "post" in f.lower() and 'action="/logout"' not in f]
    return forms + CHANGING.findall(html)


@pytest.fixture
def viewer(site: Site) -> tuple[TestClient, int]:
    case_id = _fill(site)
    return site.client(("a", "viewer")), case_id


def test_no_case_page_offers_a_viewer_a_change(viewer: tuple[TestClient, int]) -> None:
    client, case_id = viewer
    offered: set[str] = set()
    for suffix in CASE_PAGES:
        path = f"/cases/{case_id}{suffix}"
        page = client.get(path)
        assert page.status_code == 200, (path, page.status_code, page.text[-400:])
        assert _changing_forms(page.text) == [], path
        offered |= {link for link in LINK.findall(page.text) if link.startswith("/cases/")}
    # every link the pages offer opens for the viewer: nothing leads to a refusal
    refused = {}
    for link in sorted(offered):
        status = client.get(link.replace("&amp;", "&")).status_code
        if status == 403:
            refused[link] = status
    assert refused == {}
    assert f"/cases/{case_id}/interview" not in offered
    assert f"/cases/{case_id}/edit" not in offered


def test_the_work_lists_offer_a_viewer_no_change(viewer: tuple[TestClient, int]) -> None:
    client, case_id = viewer
    for path in ("/queues", "/tasks", "/", "/deadlines"):
        page = client.get(path)
        assert page.status_code == 200, path
        if path != "/":  # the dashboard lists the viewer's own assignments: none
            assert f'href="/cases/{case_id}' in page.text, (path, "the case is listed")
        assert _changing_forms(page.text) == [], path
    queue = client.get("/queues").text
    assert "ask an attorney or administrator" in queue


@pytest.mark.parametrize("suffix", WRITE_PAGES)
def test_a_page_that_only_changes_a_case_refuses_a_viewer_saying_whom_to_ask(
    viewer: tuple[TestClient, int], suffix: str
) -> None:
    client, case_id = viewer
    page = client.get(f"/cases/{case_id}{suffix}")
    assert page.status_code == 403, (suffix, page.status_code)
    assert "ask an administrator of" in page.text, suffix


def test_the_attorney_is_still_offered_the_interview(site: Site) -> None:
    case_id = _fill(site)
    client = site.client(("a", "attorney"))
    petitions = client.get(f"/cases/{case_id}/petitions").text
    assert f'href="/cases/{case_id}/interview"' in petitions
    assert client.get(f"/cases/{case_id}/interview").status_code == 200
    assert _changing_forms(client.get("/queues").text) != []


def test_an_api_refusal_says_whom_to_ask_too(viewer: tuple[TestClient, int]) -> None:
    client, case_id = viewer
    answer = client.post(
        f"/api/v1/cases/{case_id}/tasks",
        json={"title": "Call the warden"},
        headers={"accept": "application/json", "x-csrf-token": csrf_of(client, "/")},
    )
    assert answer.status_code == 403, answer.text
    ask = answer.json()["details"]["ask"]
    assert "ask an administrator of" in ask
    assert "Users" in ask
