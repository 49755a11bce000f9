"""Partial updates with htmx: the vendored file, its CSP-safe configuration, and the routes
that answer an ``HX-Request`` with a fragment and everything else with the page or redirect
they always gave (so the pages keep working with JavaScript off)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

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


# Style attributes are refused by the CSP (style-src 'self'), so they do nothing. The case
# page still has one (the margin above its columns): move it into clemency.css when that
# template is next changed.
STYLE_ATTRIBUTES_LEFT = {"cases/detail.html"}


def test_templates_have_no_style_attribute_the_csp_would_refuse() -> None:
    for template in TEMPLATES_DIR.rglob("*.html"):
        if template.relative_to(TEMPLATES_DIR).as_posix() not in STYLE_ATTRIBUTES_LEFT:
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
    assert "<table>" in typed.text
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
    assert "<table>" in plain.text
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
