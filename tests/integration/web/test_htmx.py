"""Partial updates with htmx: the vendored file, its CSP-safe configuration, and the routes
that answer an ``HX-Request`` with a fragment and everything else with the page or redirect
they always gave (so the pages keep working with JavaScript off)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from clemency.accounts.models import Organization, User
from clemency.config import Settings
from clemency.db.session import unit_of_work
from clemency.search.listing import CaseFilters
from clemency.testing import factories
from clemency.web.app import create_app
from clemency.web.pages.cases import list_query
from clemency.web.security import CSP
from clemency.web.templating import STATIC_DIR, TEMPLATES_DIR
from tests.integration.web.conftest import Site, csrf_of

HX = {"HX-Request": "true"}
AS_OF = "2018-01-01"  # the factory's case misses is_deceased then (see test_api)


def _recorded_sha256(file_name: str) -> str:
    notes = (STATIC_DIR / "THIRD_PARTY.md").read_text(encoding="utf-8")
    row = next(line for line in notes.splitlines() if line.startswith(f"| `{file_name}` |"))
    found = re.findall(r"`([0-9a-f]{64})`", row)
    assert len(found) == 1, row
    return found[0]


def test_the_vendored_htmx_is_served_and_matches_its_recorded_sha256(tmp_path: Path) -> None:
    settings = Settings(
        environment="test",
        database_url=f"sqlite:///{tmp_path / 'unused.db'}",
        data_dir=tmp_path / "data",
    )
    client = TestClient(create_app(settings))
    response = client.get("/static/htmx.min.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        ("text/javascript", "application/javascript")
    )
    assert response.headers["cache-control"] == "public, max-age=3600"
    assert hashlib.sha256(response.content).hexdigest() == _recorded_sha256("htmx.min.js")
    assert b"htmx" in response.content[:200]
    notes = (STATIC_DIR / "THIRD_PARTY.md").read_text(encoding="utf-8")
    assert "| 2.0.11 | 0BSD" in notes  # name, version and licence are recorded beside it


def test_pages_load_htmx_under_the_csp_without_eval_or_inline_style(site: Site) -> None:
    client = site.client(("a", "attorney"))
    page = client.get("/cases")
    csp = page.headers["content-security-policy"]
    assert csp == CSP
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert '<script src="/static/htmx.min.js" defer></script>' in page.text
    meta = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", page.text)
    assert meta is not None
    config = json.loads(meta.group(1))
    assert config["includeIndicatorStyles"] is False  # it would inject a <style> the CSP blocks
    assert config["allowEval"] is False
    assert config["allowScriptTags"] is False
    assert "style" not in config["attributesToSettle"]  # htmx would set style attributes
    assert config["historyCacheSize"] == 0  # no copies of case pages in sessionStorage
    assert config["refreshOnHistoryMiss"] is True
    # the session's CSRF token rides along on every htmx request as X-CSRF-Token
    headers = re.search(r"<body hx-headers='([^']*)'>", page.text)
    assert headers is not None
    assert json.loads(headers.group(1)) == {"X-CSRF-Token": csrf_of(client, "/cases")}


def test_templates_have_no_style_attribute_the_csp_would_refuse() -> None:
    """Style attributes are refused by the CSP (style-src 'self'), so they would do nothing."""
    for template in TEMPLATES_DIR.rglob("*.html"):
        assert not re.search(r"\sstyle=", template.read_text(encoding="utf-8")), template


def test_templates_use_no_htmx_feature_that_needs_eval_or_inline_script() -> None:
    for template in TEMPLATES_DIR.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"\s(data-)?hx-on[:-]", text), template  # handlers are eval'd
        assert "js:" not in text, template
        assert "javascript:" not in text, template
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template  # inline script
        assert not re.search(r"hx-trigger=\"[^\"]*\[", text), template  # filters are eval'd


def test_htmx_requests_that_fail_show_the_error_page_or_sign_in_again(site: Site) -> None:
    outsider = site.client(("b", "admin"))
    hidden = outsider.get(f"/cases/{site.cases['a_assigned']}/screening", headers=HX)
    assert hidden.status_code == 404
    assert hidden.headers["hx-retarget"] == "body"
    assert "Test Person" not in hidden.text  # nothing of the case leaks
    assert "Not found" in hidden.text

    anonymous = site.client()
    current = "http://testserver/cases?q=person&stage=intake"
    expired = anonymous.get("/cases/_rows?q=person", headers={**HX, "HX-Current-URL": current})
    assert expired.status_code == 401
    assert expired.headers["hx-redirect"] == "/login?next=%2Fcases%3Fq%3Dperson%26stage%3Dintake"
    assert expired.text == ""
    # another site's address in HX-Current-URL is not followed
    foreign = anonymous.get(
        "/cases/_rows", headers={**HX, "HX-Current-URL": "https://evil.example//x"}
    )
    assert foreign.headers["hx-redirect"] == "/login?next=%2F"


# --- the case list ---------------------------------------------------------------------


def test_the_case_list_form_searches_live_with_htmx_and_works_without_it(site: Site) -> None:
    client = site.client(("a", "attorney"))
    page = client.get("/cases?q=person")
    assert page.status_code == 200
    form = re.search(r"<form [^>]*role=\"search\"[^>]*>", page.text, re.S)
    assert form is not None
    tag = form.group(0)
    # without JavaScript: a plain GET form to the list itself
    assert 'method="get"' in tag
    assert 'action="/cases"' in tag
    # with htmx: the results partial as you type, into the results only
    assert 'hx-get="/cases/_rows"' in tag
    assert 'hx-target="#case-results"' in tag
    assert "input changed delay:" in tag
    assert 'id="case-search"' in tag
    assert '<div id="case-results" class="swappable">' in page.text
    assert '<p class="muted" role="status" id="case-count">2 cases found.</p>' in page.text


def test_the_results_partial_answers_htmx_with_the_count_and_the_lists_address(
    site: Site,
) -> None:
    client = site.client(("a", "attorney"))
    typed = client.get(
        "/cases/_rows",
        params={"q": "person", "stage": "", "order": "desc"},
        headers={**HX, "HX-Trigger": "case-search"},
    )
    assert typed.status_code == 200
    assert "<html" not in typed.text
    assert "<table" in typed.text
    assert typed.text.count("<tr>") == 1 + 2  # the head and the two cases of the organization
    assert "HX-Request" in typed.headers["vary"]
    # typing replaces the history entry with the list's own (canonical) address
    assert typed.headers["hx-replace-url"] == "/cases?q=person"
    assert "hx-push-url" not in typed.headers
    assert '<p id="case-count" hx-swap-oob="innerHTML">2 cases found.</p>' in typed.text

    # a page link (no id) adds a history entry instead
    link = client.get("/cases/_rows", params={"q": "person", "sort": "name"}, headers=HX)
    assert link.headers["hx-push-url"] == "/cases?q=person&sort=name"
    assert "hx-replace-url" not in link.headers

    # the same partial without htmx: the table alone, no status line, no history headers
    plain = client.get("/cases/_rows", params={"q": "person"})
    assert plain.status_code == 200
    assert "<table" in plain.text
    assert "hx-swap-oob" not in plain.text
    assert "hx-replace-url" not in plain.headers
    assert "hx-push-url" not in plain.headers


def test_page_links_are_plain_links_that_htmx_loads_into_the_results(site: Site) -> None:
    with unit_of_work(site.engine) as session:
        admin = session.get(User, site.users[("a", "admin")][0])
        organization = session.get(Organization, site.orgs["a"])
        assert admin is not None
        assert organization is not None
        for _ in range(50):
            factories.make_case(session, admin, organization)
    client = site.client(("a", "attorney"))
    first = client.get("/cases/_rows", params={"sort": "reference", "order": "asc"}, headers=HX)
    assert (
        '<a href="/cases?sort=reference&amp;order=asc&amp;page=2" rel="next" '
        'hx-get="/cases/_rows?sort=reference&amp;order=asc&amp;page=2" hx-target="#case-results"'
    ) in first.text
    second = client.get("/cases?sort=reference&order=asc&page=2")  # the link without htmx
    assert second.status_code == 200
    assert 'href="/cases?sort=reference&amp;order=asc" rel="prev"' in second.text


def test_list_query_leaves_out_what_is_the_default() -> None:
    assert list_query(CaseFilters(), 1) == ""
    assert list_query(CaseFilters(q="a b", stage="intake", descending=False), 3) == (
        "q=a+b&stage=intake&order=asc&page=3"
    )


# --- the screening panel -----------------------------------------------------------------


def _screening(case_id: int) -> str:
    return f"/cases/{case_id}/screening?as_of={AS_OF}"


def _version(html: str) -> str:
    found = set(re.findall(r'name="version" value="(\d+)"', html))
    assert len(found) == 1, found
    return found.pop()


def test_the_screening_page_or_its_panel_alone_for_htmx(site: Site) -> None:
    client = site.client(("a", "attorney"))
    case_id = site.cases["a_assigned"]
    page = client.get(_screening(case_id))
    assert page.status_code == 200
    assert "<html" in page.text
    assert '<div id="screening-panel" class="swappable">' in page.text
    # the re-screen form: a plain GET, or with htmx the panel alone and the address pushed
    assert 'hx-get="/cases/' + str(case_id) + '/screening"' in page.text
    assert 'hx-push-url="true"' in page.text

    panel = client.get(_screening(case_id), headers=HX)
    assert panel.status_code == 200
    assert "<html" not in panel.text
    assert "<h1>" not in panel.text
    assert 'id="us-federal-pardon"' in panel.text
    assert "Questions to ask" in panel.text
    assert "HX-Request" in panel.headers["vary"]
    # its forms post with htmx into the panel and still work as plain forms
    for form in re.findall(r"<form method=\"post\"[^>]*>", panel.text):
        action = re.search(r'action="([^"]+)"', form)
        assert action is not None
        assert f'hx-post="{action.group(1)}" hx-target="#screening-panel"' in form

    # a history restore needs the whole page, even though htmx marks it
    restore = client.get(_screening(case_id), headers={**HX, "HX-History-Restore-Request": "true"})
    assert "<html" in restore.text


def test_saving_a_fact_with_htmx_answers_with_the_refreshed_panel(site: Site) -> None:
    client = site.client(("a", "attorney"))
    case_id = site.cases["a_assigned"]
    before = client.get(_screening(case_id), headers=HX).text
    assert 'name="fact:is_deceased"' in before
    token = csrf_of(client, _screening(case_id))
    form = {"csrf_token": token, "version": _version(before), "as_of": AS_OF}

    saved = client.post(
        f"/cases/{case_id}/facts", data={**form, "fact:is_deceased": "false"}, headers=HX
    )
    assert saved.status_code == 200
    assert "<html" not in saved.text
    assert 'role="status" tabindex="-1" autofocus>Saved;' in saved.text
    # the panel shows the answer and carries the case's new version for the next save
    assert re.search(r'<option value="false" selected>no</option>', saved.text)
    assert int(_version(saved.text)) > int(form["version"])
    again = client.post(
        f"/cases/{case_id}/facts",
        data={**form, "version": _version(saved.text), "fact:is_deceased": "false"},
        headers=HX,
    )
    assert again.status_code == 200
    assert "Nothing to save" in again.text

    # the same form without htmx: the redirect to the page, as before
    plain = client.post(
        f"/cases/{case_id}/facts",
        data={**form, "version": _version(again.text), "fact:is_deceased": "true"},
    )
    assert plain.status_code == 303
    assert plain.headers["location"] == f"/cases/{case_id}/screening?as_of={AS_OF}&saved=1"


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_an_invalid_or_stale_fact_form_shows_the_message_next_to_the_field(
    site: Site, htmx: bool
) -> None:
    client = site.client(("a", "attorney"))
    case_id = site.cases["a_assigned"]
    headers = HX if htmx else {}
    html = client.get(_screening(case_id)).text
    form = {"csrf_token": csrf_of(client, _screening(case_id)), "as_of": AS_OF}

    invalid = client.post(
        f"/cases/{case_id}/facts",
        data={**form, "version": _version(html), "fact:is_deceased": "perhaps"},
        headers=headers,
    )
    assert invalid.status_code == 422
    assert ("<html" in invalid.text) is not htmx
    field = re.search(r'<select id="fact-is_deceased"[^>]*>', invalid.text)
    assert field is not None
    assert 'aria-invalid="true" aria-describedby="fact-is_deceased-err"' in field.group(0)
    assert re.search(
        '<p class="error" id="fact-is_deceased-err">fact is_deceased: &#39;perhaps&#39; is not valid',
        invalid.text,
    )

    stale = client.post(
        f"/cases/{case_id}/facts",
        data={**form, "version": str(int(_version(html)) - 1), "fact:is_deceased": "true"},
        headers=headers,
    )
    assert stale.status_code == 409
    assert ("<html" in stale.text) is not htmx
    assert re.search(r'<p class="notice bad" role="alert" tabindex="-1" autofocus>', stale.text)


def test_an_override_with_htmx_refreshes_the_panel_or_shows_why_not(site: Site) -> None:
    client = site.client(("a", "attorney"))
    case_id = site.cases["a_assigned"]
    token = csrf_of(client, _screening(case_id))
    form = {"csrf_token": token, "as_of": AS_OF, "ruleset_id": "us-federal/pardon"}
    refused = client.post(
        f"/cases/{case_id}/overrides", data={**form, "outcome": "eligible"}, headers=HX
    )
    assert refused.status_code == 422
    assert "<html" not in refused.text
    # the message next to the reason of the ruleset whose form was sent
    reason = re.search(
        r'<textarea id="(o-reason-\d+)" name="reason" rows="3" aria-invalid="true" '
        r'aria-describedby="o-reason-\d+-err" autofocus>',
        refused.text,
    )
    assert reason is not None
    assert f'<p class="error" id="{reason.group(1)}-err">Say why' in refused.text
    recorded = client.post(
        f"/cases/{case_id}/overrides",
        data={**form, "outcome": "eligible", "reason": "The board's own finding of 2017."},
        headers=HX,
    )
    assert recorded.status_code == 200
    assert "<html" not in recorded.text
    assert "The reviewer&#39;s decision is recorded." in recorded.text
    assert "The board&#39;s own finding of 2017." in recorded.text


def test_htmx_posts_carry_the_csrf_token_as_a_header_and_a_bad_one_is_refused(
    site: Site,
) -> None:
    client = site.client(("a", "attorney"))
    case_id = site.cases["a_assigned"]
    html = client.get(_screening(case_id)).text
    token = csrf_of(client, _screening(case_id))
    data = {"version": _version(html), "as_of": AS_OF, "fact:is_deceased": "false"}
    url = f"/cases/{case_id}/facts"

    accepted = client.post(url, data=data, headers={**HX, "X-CSRF-Token": token})
    assert accepted.status_code == 200, accepted.text[:500]

    for headers in (
        HX,  # neither header nor field
        {**HX, "X-CSRF-Token": ""},
        {**HX, "X-CSRF-Token": token[:-2] + "xx"},
    ):
        refused = client.post(url, data=data, headers=headers)
        assert refused.status_code == 403, headers
        assert "security token is missing or out of date" in refused.text
        # htmx shows the error page in place of the page, not inside the panel
        assert refused.headers["hx-retarget"] == "body"
        assert refused.headers["hx-reswap"] == "innerHTML"
    # the header, when sent, is the token that counts: a wrong one is not rescued by the field
    wrong = client.post(
        url, data={**data, "csrf_token": token}, headers={**HX, "X-CSRF-Token": "forged"}
    )
    assert wrong.status_code == 403
