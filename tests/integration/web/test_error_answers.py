"""web.errors: every error answered in one of two forms, chosen by the path and the Accept
header (JSON for the API and for clients that ask for JSON only, an HTML page for people), and
a person who is not signed in sent to sign in, back to where they were."""

from __future__ import annotations

from urllib.parse import quote

from tests.integration.web.conftest import Site

JSON_ONLY = {"accept": "application/json"}
BROWSER = {"accept": "text/html,application/xhtml+xml,application/json;q=0.9"}


def test_a_missing_page_is_a_page_for_a_browser_and_json_for_a_client_asking_json(
    site: Site,
) -> None:
    client = site.client(("a", "attorney"))
    page = client.get("/no/such/page", headers=BROWSER)
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "There is no page at this address." in page.text
    answer = client.get("/no/such/page", headers=JSON_ONLY)
    assert answer.status_code == 404
    assert answer.json() == {
        "ok": False,
        "code": "not_found",
        "message": "There is no page at this address.",
        "details": {"path": "/no/such/page"},
    }
    # Under /api/ the answer is JSON whatever the client accepts.
    api = client.get("/api/v1/no-such-thing", headers=BROWSER)
    assert (api.status_code, api.json()["code"]) == (404, "not_found")


def test_a_failed_htmx_request_replaces_the_whole_page_with_the_error(site: Site) -> None:
    client = site.client(("a", "attorney"))
    answer = client.get("/no/such/fragment", headers={**BROWSER, "hx-request": "true"})
    assert answer.status_code == 404
    assert (answer.headers["hx-retarget"], answer.headers["hx-reswap"]) == ("body", "innerHTML")
    plain = client.get("/no/such/fragment", headers=BROWSER)
    assert "hx-retarget" not in plain.headers


def test_signing_in_is_asked_for_in_the_form_each_client_can_follow(site: Site) -> None:
    client = site.client()
    page = client.get("/cases?q=doe&page=2", headers=BROWSER)
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=" + quote("/cases?q=doe&page=2", safe="")
    # htmx would put a followed redirect inside the fragment's target: it is told to load the
    # sign-in page as a page, coming back to the page the person is on.
    fragment = client.get(
        "/cases?q=doe",
        headers={**BROWSER, "hx-request": "true", "hx-current-url": "http://testserver/tasks?x=1"},
    )
    assert fragment.status_code == 401
    assert fragment.headers["hx-redirect"] == "/login?next=" + quote("/tasks?x=1", safe="")
    api = client.get("/api/v1/cases")
    assert api.status_code == 401
    assert api.headers["www-authenticate"] == "Bearer"
    assert api.json()["code"] == "not_authenticated"


def test_a_refusal_in_json_says_whom_to_ask(site: Site) -> None:
    client = site.client(("a", "viewer"))
    answer = client.get("/admin/users", headers=JSON_ONLY)
    assert answer.status_code == 403
    body = answer.json()
    assert body["code"] == "permission_denied"
    organization = body["details"]["ask"].removeprefix(
        "To be given access, ask an administrator of "
    )
    assert organization.startswith("A-")  # the organization's name, from factories' slug
    page = client.get("/admin/users", headers=BROWSER)
    assert page.status_code == 403
    assert "ask an administrator of" in page.text


def test_invalid_query_values_are_one_bad_input_naming_each_field(site: Site) -> None:
    client = site.client(("a", "attorney"))
    answer = client.get("/api/v1/cases", params={"order": "sideways", "page": "0"})
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == "bad_input"
    assert set(body["details"]["fields"]) == {"order", "page"}
    assert body["message"].startswith("Some fields are not valid: ")
    assert "order: " in body["message"]
    assert "page: " in body["message"]
