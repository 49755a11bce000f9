"""A new case has no default jurisdiction (issue #16): the form leaves it empty, a case posted
without one is refused with the field's message (422, nothing stored), and one posted with a
state is stored with that state."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from clemency.cases.models import Case
from tests.integration.web.conftest import Site, csrf_of


def _form(site: Site, token: str, **overrides: str) -> dict[str, str]:
    data = {
        "csrf_token": token,
        "organization_id": str(site.orgs["a"]),
        "reference": "NEW-JUR-1",
        "stage": "intake",
        "given_name": "Ada",
        "family_name": "Example",
    }
    data.update(overrides)
    return data


def test_the_new_case_form_does_not_preselect_a_jurisdiction(site: Site) -> None:
    client = site.client(("a", "admin"))
    page = client.get("/cases/new")
    assert page.status_code == 200
    select = re.search(r'<select id="f-jurisdiction".*?</select>', page.text, flags=re.DOTALL)
    assert select is not None
    options = re.findall(r'<option value="([^"]*)" (selected)?', select.group(0))
    # The empty "Choose…" option is the one selected: a browser would otherwise pick the first
    # state in the list for the user.
    assert [value for value, chosen in options if chosen] == [""]
    assert "us-federal" in [value for value, _ in options]


def test_a_case_without_a_jurisdiction_is_refused_and_not_stored(site: Site) -> None:
    client = site.client(("a", "admin"))
    response = client.post("/cases/new", data=_form(site, csrf_of(client, "/cases/new")))
    assert response.status_code == 422
    assert "Jurisdiction is required." in response.text
    with Session(site.engine) as session:
        assert session.scalars(select(Case).where(Case.reference == "NEW-JUR-1")).first() is None


def test_a_case_with_a_state_jurisdiction_is_stored_with_it(site: Site) -> None:
    client = site.client(("a", "admin"))
    token = csrf_of(client, "/cases/new")
    response = client.post("/cases/new", data=_form(site, token, jurisdiction="us-tx"))
    assert response.status_code == 303, response.text
    with Session(site.engine) as session:
        case = session.scalars(select(Case).where(Case.reference == "NEW-JUR-1")).one()
        assert case.jurisdiction == "us-tx"


def test_the_api_has_no_default_jurisdiction_either(site: Site) -> None:
    client = site.client(("a", "admin"))
    headers = {"x-csrf-token": csrf_of(client, "/")}
    body = {
        "organization_id": site.orgs["a"],
        "reference": "NEW-JUR-API",
        "person": {"given_name": "Ada", "family_name": "Example"},
    }
    response = client.post("/api/v1/cases", json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert "jurisdiction" in response.text
    with Session(site.engine) as session:
        assert session.scalars(select(Case).where(Case.reference == "NEW-JUR-API")).first() is None
