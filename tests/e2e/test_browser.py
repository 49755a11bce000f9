"""The critical flows in a real browser (run with ``pytest --e2e``)."""

from __future__ import annotations

import csv
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DemoServer, shot, shot_of, sign_in

pytestmark = pytest.mark.e2e
CLINIC = "justice-clinic"  # Alice Marie Johnson's organization in the demo
OTHER = "pardon-project"


def watch_for_errors(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Console errors and uncaught exceptions of ``page`` from now on (a CSP violation is one)."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'CSP: ' + e.violatedDirective + ' on ' + (e.target.outerHTML || '').slice(0, 200)))"
    )
    return problems


def mark_the_document(page) -> None:  # type: ignore[no-untyped-def]
    """Leave a mark on the loaded document that a page load would wipe out."""
    page.evaluate("window.__notReloaded = true")


def still_the_same_document(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("window.__notReloaded === true"))


def test_sign_in_and_find_alice_marie_johnson(page, demo_server: DemoServer) -> None:  # type: ignore[no-untyped-def]
    page.goto(demo_server.url + "/cases")
    page.wait_for_url(re.compile(r"/login"))
    page.get_by_label("E-mail").fill(demo_server.email(CLINIC, "attorney"))
    page.get_by_label("Password").fill("wrong password for sure")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text().startswith("The e-mail address or password")
    shot(page, "01-sign-in-refused")
    page.get_by_label("Password").fill(demo_server.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(demo_server.url + "/cases")  # back where the person was going
    page.get_by_role("link", name="Dashboard").click()
    assert page.get_by_role("heading", name="Dashboard").is_visible()
    shot(page, "02-dashboard")
    page.get_by_role("link", name="Cases", exact=True).click()
    page.get_by_label("Search names, register numbers, offenses").fill("14873-076")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Alice Marie Johnson").wait_for()
    shot(page, "03-case-list-search")
    page.get_by_role("link", name="Alice Marie Johnson").click()
    page.wait_for_url(f"{demo_server.url}/cases/{demo_server.alice_case_id}")
    assert page.get_by_role("heading", name="Alice Marie Johnson").is_visible()
    assert page.get_by_text("Conspiracy to possess with intent to distribute cocaine").is_visible()
    shot(page, "04-case-page")


def test_live_search_without_a_page_load(page, demo_server: DemoServer) -> None:  # type: ignore[no-untyped-def]
    problems = watch_for_errors(page)
    sign_in(page, demo_server, CLINIC, "attorney")
    page.goto(demo_server.url + "/cases")
    mark_the_document(page)
    results = page.locator("#case-results")
    everyone = results.locator("tbody tr").count()
    assert everyone > 1
    box = page.get_by_label("Search names, register numbers, offenses")
    box.press_sequentially("14873-07", delay=40)  # typing, no button pressed
    expect(results.get_by_role("link", name="Alice Marie Johnson")).to_be_visible()
    expect(results.locator("tbody tr")).to_have_count(1)
    expect(page.locator("#case-count")).to_have_text("1 case found.")
    # the address says what is shown (replaced, not added: Back leaves the list)
    expect(page).to_have_url(re.compile(r"/cases\?q=14873-07$"))
    assert still_the_same_document(page)
    shot(page, "03b-live-search")
    # a filter narrows the same way
    page.get_by_label("Stage").select_option("closed")  # Alice's case is decided, not closed
    expect(page).to_have_url(re.compile(r"/cases\?q=14873-07&stage=closed$"))
    expect(page.locator("#case-count")).to_have_text("0 cases found.")
    expect(results.get_by_role("link", name="Alice Marie Johnson")).to_have_count(0)
    box.fill("")
    page.get_by_label("Stage").select_option("")
    expect(page).to_have_url(re.compile(r"/cases$"))
    expect(results.locator("tbody tr")).to_have_count(everyone)
    assert still_the_same_document(page)
    # the address of a live search is a page of its own (a reload or a bookmark shows the same)
    page.goto(demo_server.url + "/cases?q=14873-07")
    expect(page.get_by_label("Search names, register numbers, offenses")).to_have_value("14873-07")
    expect(page.locator("#case-results tbody tr")).to_have_count(1)
    assert problems == []


def test_search_and_facts_without_javascript(browser, demo_server: DemoServer) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    try:
        sign_in(page, demo_server, CLINIC, "attorney")
        page.goto(demo_server.url + "/cases")
        page.get_by_label("Search names, register numbers, offenses").fill("14873-076")
        page.get_by_role("button", name="Search").click()  # a plain GET of the list
        page.wait_for_url(re.compile(r"/cases\?q=14873-076&"))
        page.get_by_role("link", name="Alice Marie Johnson").click()
        page.get_by_role("link", name="Screening", exact=True).click()
        page.get_by_label("As of").fill("2017-01-01")
        page.get_by_role("button", name="Re-screen").click()
        page.wait_for_url(re.compile(r"/screening\?as_of=2017-01-01$"))
        facts = page.locator(
            "section", has=page.get_by_role("heading", name="Facts used by these rules")
        )
        facts.get_by_role("button", name="Save facts").click()  # nothing changed: redirect back
        page.wait_for_url(re.compile(r"/screening\?as_of=2017-01-01$"))
        assert page.get_by_role("heading", name="Screening", exact=True).is_visible()
        shot(page, "05c-screening-without-javascript")
    finally:
        context.close()


def test_read_why_a_rule_failed(page, demo_server: DemoServer) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, demo_server, CLINIC, "attorney")
    page.goto(f"{demo_server.url}/cases/{demo_server.alice_case_id}")
    page.get_by_role("link", name="Screening", exact=True).click()
    page.get_by_label("As of").fill("2017-01-01")  # still in prison, before the commutation
    page.get_by_role("button", name="Re-screen").click()
    page.wait_for_url(re.compile(r"as_of=2017-01-01"))
    section = page.locator("section#us-federal-pardon")
    assert section.locator(".badge").first.inner_text() == "ineligible"
    failed = section.locator("li.rule.fail")
    assert failed.count() == 1
    text = failed.inner_text()
    assert "waiting_period" in text
    assert "Source: 28 CFR" in text
    failed.scroll_into_view_if_needed()
    shot(page, "05-screening-panel")
    shot_of(section, "05b-why-the-pardon-rule-failed")


def test_answer_a_question_and_see_the_determination_change(page, demo_server: DemoServer) -> None:  # type: ignore[no-untyped-def]
    """As of 2016-08-01 Alice's 2014 Initiative screening turns on three disputed facts.
    (Her pardon is not used here: her record holds the pardon of 2020-08-28, so it is never
    shown as open again; issue #11.)"""
    problems = watch_for_errors(page)
    sign_in(page, demo_server, CLINIC, "attorney")
    address = f"{demo_server.url}/cases/{demo_server.alice_case_id}/screening?as_of=2016-08-01"
    page.goto(address)
    mark_the_document(page)
    section = "section#us-federal-clemency-initiative-2014"
    initiative = page.locator(section)
    assert initiative.locator(".badge").first.inner_text() == "needs review"
    assert "likely_lower_sentence_today" in initiative.inner_text()
    questions = page.locator("section", has=page.get_by_role("heading", name="Questions to ask"))
    for fact, answer in (
        ("likely_lower_sentence_today", "true"),
        ("is_low_level_offender", "true"),
        ("gang_or_cartel_ties", "false"),
    ):
        questions.locator(f"select[name='fact:{fact}']").select_option(answer)
    shot(page, "06-question-answered")
    questions.get_by_role("button", name="Save answers").click()
    # htmx swaps the refreshed panel in: no page load, the address stays, focus on the answer
    saved = page.get_by_role("status").filter(has_text="Saved; the determinations below")
    expect(saved).to_be_focused()
    expect(page.locator(f"{section} .badge").first).to_have_text("eligible")
    assert still_the_same_document(page)
    assert page.url == address
    assert page.locator("select[name='fact:gang_or_cartel_ties']").count() == 1  # facts form only
    shot(page, "07-determination-changed")
    shot_of(page.locator(section), "07b-initiative-now-eligible")

    # edit a fact in the refreshed panel (its forms work after the swap, with the new version)
    facts = page.locator(
        "section", has=page.get_by_role("heading", name="Facts used by these rules")
    )
    facts.locator("select[name='fact:gang_or_cartel_ties']").select_option("true")
    facts.get_by_role("button", name="Save facts").click()
    expect(page.locator(f"{section} .badge").first).not_to_have_text("eligible")
    expect(page.get_by_role("status").filter(has_text="Saved;")).to_be_focused()
    assert still_the_same_document(page)
    assert page.locator("p.notice.bad").count() == 0  # no stale-version conflict
    shot(page, "07c-fact-edited-in-the-panel")
    facts = page.locator(
        "section", has=page.get_by_role("heading", name="Facts used by these rules")
    )
    facts.locator("select[name='fact:gang_or_cartel_ties']").select_option("false")
    facts.get_by_role("button", name="Save facts").click()
    expect(page.locator(f"{section} .badge").first).to_have_text("eligible")
    # her pardon: the record's grant is stated, never "eligible" again
    page.goto(f"{demo_server.url}/cases/{demo_server.alice_case_id}/screening?as_of=2026-12-04")
    pardon = page.locator("section#us-federal-pardon")
    assert pardon.locator(".badge").first.inner_text() == "ineligible"
    assert "pardon granted on 2020-08-28" in pardon.inner_text()
    assert problems == []


def test_upload_a_roster_and_download_the_results(page, demo_server: DemoServer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "person_id,conviction_court,offense_level,resides_in_us,is_deceased,on_supervision\n"
        "p1,federal_district,felony,true,false,false\n"
        "p2,state,felony,true,false,false\n"
        "p3,federal_district,misdemeanor,,false,\n"
    )
    sign_in(page, demo_server, CLINIC, "attorney")
    page.get_by_role("link", name="Bulk screening").click()
    page.get_by_label("Roster (.csv or .parquet").set_input_files(str(roster))
    page.get_by_label("Ruleset").select_option("us-federal/pardon")
    page.get_by_label("As of").fill("2024-01-01")
    page.get_by_label("Treat missing columns as unknown for everyone").check()
    shot(page, "08-bulk-upload")
    page.get_by_role("button", name="Screen roster").click()
    page.wait_for_url(re.compile(r"/screening/runs/[0-9a-f]{32}$"))
    assert page.get_by_text("rows screened").is_visible()
    shot(page, "09-bulk-results")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download results (CSV)").click()
    path = download_info.value.path()
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["person_id"] for r in rows] == ["p1", "p2", "p3"]
    assert rows[1]["outcome"] == "ineligible"


def test_an_oversize_roster_is_refused_in_the_sites_own_page(  # type: ignore[no-untyped-def]
    page, demo_server: DemoServer, tmp_path
) -> None:
    """Over the demo server's 10 MB limit: 413 in the page's own style, the limit in MB and
    what to do (split the roster), a way back to the form, no server setting to change."""
    roster = tmp_path / "big.csv"
    row = "p,federal_district,felony,true,false,false\n"
    roster.write_text(
        "person_id,conviction_court,offense_level,resides_in_us,is_deceased,on_supervision\n"
        + row * (11 * 1024 * 1024 // len(row))
    )
    sign_in(page, demo_server, CLINIC, "attorney")
    page.goto(demo_server.url + "/screening")
    page.get_by_label("Roster (.csv or .parquet").set_input_files(str(roster))
    page.get_by_label("Ruleset").select_option("us-federal/pardon")
    page.get_by_label("As of").fill("2024-01-01")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Screen roster").click()
    assert answer.value.status == 413
    expect(page.get_by_role("heading", name="File too large")).to_be_visible()
    text = page.locator("main").inner_text()
    assert "upload limit of 10 MB" in text
    assert "Split the roster into smaller files" in text
    assert "CLEMENCY_MAX_UPLOAD_BYTES" not in text
    # styled: the site's stylesheet applies (the body is not the browser's default serif page)
    assert page.evaluate("getComputedStyle(document.body).fontFamily") != "Times New Roman"
    assert page.locator('link[rel="stylesheet"][href^="/static/"]').count() == 1
    shot(page, "08b-bulk-upload-too-large")
    page.get_by_role("link", name="Back to the form").click()
    expect(page.get_by_label("Roster (.csv or .parquet")).to_be_visible()


def test_another_organization_cannot_open_the_case_by_url(page, demo_server: DemoServer) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, demo_server, OTHER, "admin")
    response = page.goto(f"{demo_server.url}/cases/{demo_server.alice_case_id}")
    assert response.status == 404
    assert page.get_by_role("heading", name="Not found").is_visible()
    assert "Johnson" not in page.content()
    shot(page, "10-other-organization-404")
    page.goto(f"{demo_server.url}/cases?q=johnson")
    assert page.get_by_role("link", name="Alice Marie Johnson").count() == 0
