"""Issue #14 in a real browser: bad data typed into the case forms is refused with a message
next to each field and a summary at the top that gets the focus, keeping what was typed; a
person who matches an existing case gets a warning linking to it and is opened only once the
user confirms a different person. Screenshots of both, at desktop width."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DemoServer, shot
from tests.e2e.conftest import sign_in as sign_in_as
from tests.e2e.test_browser import CLINIC, watch_for_errors

pytestmark = pytest.mark.e2e

TOMORROW = (date.today() + timedelta(days=1)).isoformat()


def _unexpected(errors: list[str]) -> list[str]:
    """Console errors other than the browser's own note of the refused save's status (a form
    answered 422 or 409 on purpose): a CSP violation or a script error still fails."""
    return [e for e in errors if not re.search(r"status of (409|422) ", e)]


def _open_case(page, server: DemoServer, reference: str, **person: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/cases/new")
    page.locator("#f-reference").fill(reference)
    page.locator("#f-jurisdiction").select_option("us-federal")
    for name, value in person.items():
        page.locator(f"#f-{name}").fill(value)
    page.get_by_role("button", name="Open the case").click()


def test_bad_data_in_the_case_form_is_shown_field_by_field(page, demo_server: DemoServer) -> None:  # type: ignore[no-untyped-def]
    errors = watch_for_errors(page)
    sign_in_as(page, demo_server, CLINIC, "attorney")
    page.goto(demo_server.url + "/cases/new")
    # the jurisdiction is a choice of the jurisdictions Clemency knows, not free text
    options = page.locator("#f-jurisdiction option").all_inner_texts()
    assert "us-federal" in options
    assert "Federal" not in options
    _open_case(
        page,
        demo_server,
        "E2E-BAD-1",
        given_name="N" * 5000,
        family_name="",
        date_of_birth=TOMORROW,
        bop_register_number="123",
    )
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("4 problems")
    expect(page.locator("#f-given_name-err")).to_contain_text("at most 100")
    expect(page.locator("#f-family_name-err")).to_contain_text("required")
    expect(page.locator("#f-date_of_birth-err")).to_contain_text("in the future")
    expect(page.locator("#f-bop_register_number-err")).to_contain_text("NNNNN-NNN")
    expect(page.locator("#f-reference")).to_have_value("E2E-BAD-1")  # what was typed is kept
    expect(page.locator("#f-date_of_birth")).to_have_value(TOMORROW)
    # each line of the summary leads to its field
    summary.get_by_role("link", name=re.compile("^Date of birth")).click()
    expect(page).to_have_url(re.compile("#f-date_of_birth$"))
    shot(page, "case-form-errors")
    assert not _unexpected(errors), errors


def test_bad_parts_show_date_order_and_number_messages(page, demo_server: DemoServer) -> None:  # type: ignore[no-untyped-def]
    errors = watch_for_errors(page)
    sign_in_as(page, demo_server, CLINIC, "attorney")
    _open_case(
        page,
        demo_server,
        "E2E-PARTS-1",
        given_name="Pat",
        family_name="Parts",
        date_of_birth="1980-02-03",
    )
    page.wait_for_url(re.compile(r"/cases/\d+\?saved=1$"))
    case_url = page.url.split("?")[0]
    page.goto(case_url + "/parts/convictions/new")
    page.locator("#f-convicted_on").fill("1985-01-01")  # the person would be four
    page.locator("#f-sentenced_on").fill("1984-12-31")  # and sentenced before the conviction
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#f-sentenced_on-err")).to_contain_text("before the convicted on")
    page.locator("#f-sentenced_on").fill("1985-01-01")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#f-convicted_on-err")).to_contain_text("4 years old")
    page.goto(case_url + "/parts/custody/new")
    page.locator("#f-facility").fill("FCI Test")
    page.locator("#f-started_on").fill("2005-05-05")
    page.locator("#f-released_on").fill(TOMORROW)
    page.locator("#f-projected_release_on").fill("2004-01-01")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#f-released_on-err")).to_contain_text("in the future")
    expect(page.locator("#f-projected_release_on-err")).to_contain_text("before the started on")
    expect(page.locator("#f-facility")).to_have_value("FCI Test")
    assert not _unexpected(errors), errors


def test_duplicate_person_warning_and_confirmation(page, demo_server: DemoServer) -> None:  # type: ignore[no-untyped-def]
    errors = watch_for_errors(page)
    sign_in_as(page, demo_server, CLINIC, "attorney")
    _open_case(
        page,
        demo_server,
        "E2E-DUP-1",
        given_name="Renée",
        family_name="Doublet",
        date_of_birth="1975-07-08",
        bop_register_number="99999-001",
    )
    page.wait_for_url(re.compile(r"/cases/\d+\?saved=1$"))
    first_url = page.url.split("?")[0]
    _open_case(
        page,
        demo_server,
        "E2E-DUP-2",
        given_name="renee",
        family_name="DOUBLET",
        date_of_birth="1975-07-08",
    )
    warning = page.locator("#duplicate-warning")
    expect(warning).to_be_focused()
    expect(warning).to_contain_text("E2E-DUP-1")
    expect(warning).to_contain_text("name and date of birth")
    link = warning.get_by_role("link", name="Open case E2E-DUP-1")
    assert link.get_attribute("href") == first_url.replace(demo_server.url, "")
    expect(page.locator("#f-given_name")).to_have_value("renee")
    shot(page, "case-duplicate-warning")
    page.get_by_label("This is a different person").check()
    page.get_by_role("button", name="Open the case").click()
    page.wait_for_url(re.compile(r"/cases/\d+\?saved=1$"))
    assert page.url.split("?")[0] != first_url
    assert not _unexpected(errors), errors
