"""The case page people read and the guided interview people can finish (issue #14), in a real
browser: Alice Marie Johnson's eligibility strip on three days, the interview from its first
step to the review and the determination, the 390 px layout, no CSP error on the deadlines and
letter-link pages, and axe-core finding no serious or critical violation on the main pages.
Screenshots at desktop width and at 390 px go to ``artifacts/screenshots/``."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DemoServer, shot
from tests.e2e.conftest import sign_in as sign_in_as
from tests.e2e.test_browser import CLINIC, watch_for_errors

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def sign_in(page, server: DemoServer, role: str = "attorney") -> None:  # type: ignore[no-untyped-def]
    sign_in_as(page, server, CLINIC, role)


def strip_text(page, relief: str) -> str:  # type: ignore[no-untyped-def]
    """The strip line of one ruleset in force (``us-federal/pardon``)."""
    return str(page.locator(f"#eligibility > ul li[data-ruleset='{relief}']").inner_text())


def test_alice_eligibility_strip_on_three_days(page, demo_server: DemoServer) -> None:  # type: ignore[no-untyped-def]
    """Her record: life sentence (1996), commuted on 6 June 2018 and released that day,
    pardoned on 28 August 2020 (the demo case's Decisions and custody stays, taken from the
    public record). The 2014 Initiative ended on 19 January 2017: folded away on every day."""
    problems = watch_for_errors(page)
    sign_in(page, demo_server)
    case = f"{demo_server.url}/cases/{demo_server.alice_case_id}"

    page.goto(case + "?as_of=2018-06-01")
    expect(page.get_by_role("heading", name="Eligibility on 1 June 2018")).to_be_visible()
    # still in prison, a federal sentence, no court challenge pending: she may petition
    assert "eligible" in strip_text(page, "us-federal/commutation")
    assert "not" not in strip_text(page, "us-federal/commutation")
    # not released yet: the five-year pardon wait (28 CFR 1.2) has not begun
    pardon = strip_text(page, "us-federal/pardon")
    assert pardon.startswith("Pardon")
    assert "not eligible" in pardon
    assert "Five years since" in pardon
    folded = page.locator("#eligibility details.folded")
    expect(folded.locator("summary")).to_have_text("1 ruleset not in force on 1 June 2018")
    expect(folded.locator("li")).to_be_hidden()  # folded: no row of failures
    assert page.locator("#eligibility > ul li").count() == 2
    shot(page, "14-case-page-alice-2018-06-01")

    # the date picker: the same page on another day
    page.get_by_label("As of").fill("2019-01-01")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="Eligibility on 1 January 2019")).to_be_visible()
    assert "granted on 6 June 2018" in strip_text(page, "us-federal/commutation")
    pardon = strip_text(page, "us-federal/pardon")
    assert "not eligible" in pardon
    assert "granted" not in pardon

    page.goto(case)
    today = date.today()
    expect(
        page.get_by_role("heading", name=f"Eligibility on {today.day} {today:%B %Y}")
    ).to_be_visible()
    assert "granted on 6 June 2018" in strip_text(page, "us-federal/commutation")
    assert "granted on 28 August 2020" in strip_text(page, "us-federal/pardon")
    # the summary header in words; the codes only behind the details toggle
    header = page.locator("header.case-head")
    for text in ("AMJ-14873", "14873-076", "released 6 June 2018", "decided", "federal"):
        expect(header).to_contain_text(text)
    assert "us-federal" not in header.inner_text()
    convictions = page.locator("section#convictions")
    expect(convictions).to_contain_text("federal district court")
    assert "federal_district" not in convictions.inner_text()
    codes = page.locator("details.codes")
    expect(codes.locator("code").first).to_be_hidden()
    codes.locator("summary").click()
    expect(codes).to_contain_text("us-federal/clemency-initiative-2014")
    shot(page, "14-case-page-alice-today-desktop")
    # Desktop: the side panels stand to the right of the record, level with it.
    record = page.locator(".case-cols > .record").bounding_box()
    side = page.locator(".case-cols > aside").bounding_box()
    assert side["x"] >= record["x"] + record["width"], (record, side)
    assert abs(side["y"] - record["y"]) < 2, (record, side)
    page.set_viewport_size(PHONE)
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Phone: the tasks, screening and summary come before the record, not after ~7,700 px of it.
    record = page.locator(".case-cols > .record").bounding_box()
    side = page.locator(".case-cols > aside").bounding_box()
    assert side["y"] + side["height"] <= record["y"], (record, side)
    assert side["y"] < 2500, side
    shot(page, "14-case-page-alice-today-390")
    assert problems == []


def _new_case(server: DemoServer) -> int:
    """A case with a name and nothing else (as a clinic opens one at intake)."""
    from sqlalchemy import select

    from clemency.accounts.models import Organization, User
    from clemency.cases import service
    from clemency.db.session import make_engine, unit_of_work

    engine = make_engine(f"sqlite:///{server.tmp / 'demo.db'}")
    try:
        with unit_of_work(engine) as session:
            user = session.scalar(
                select(User).where(User.email == server.email(CLINIC, "attorney"))
            )
            org = session.scalar(select(Organization.id).where(Organization.slug == CLINIC))
            case = service.create_case(
                session=session,
                user=user,
                organization_id=int(org),  # type: ignore[arg-type]
                reference="E2E-INTERVIEW-1",
                person={"given_name": "Rosa", "family_name": "Interview"},
                jurisdiction="us-federal",
            )
            return int(case.id)
    finally:
        engine.dispose()


def _stored(server: DemoServer, case_id: int) -> tuple[object, int]:
    """The primary conviction's sentencing date and the number of sentences, as stored."""
    from sqlalchemy import func, select

    from clemency.cases.models import Conviction, Sentence
    from clemency.db.session import make_engine, unit_of_work

    engine = make_engine(f"sqlite:///{server.tmp / 'demo.db'}")
    try:
        with unit_of_work(engine) as session:
            sentenced = session.scalar(
                select(Conviction.sentenced_on).where(Conviction.case_id == case_id)
            )
            count = session.scalar(
                select(func.count()).select_from(Sentence).where(Sentence.case_id == case_id)
            )
            return sentenced, int(count or 0)
    finally:
        engine.dispose()


#: The answers given in the interview (the rest: "I don't know").
ANSWERS = {
    "resides_in_us": "yes",
    "conviction_court": "federal_district",
    "conviction_date": "2009-03-02",
    "sentence_date": "2009-07-15",
    "is_capital_case": "no",
    "has_pending_court_challenge": "no",
}


def test_guided_interview_start_to_review_to_determination(page, demo_server: DemoServer) -> None:  # type: ignore[no-untyped-def]
    problems = watch_for_errors(page)
    case_id = _new_case(demo_server)
    sign_in(page, demo_server)
    page.goto(f"{demo_server.url}/cases/{case_id}/interview")
    asked: list[str] = []
    topics: list[str] = []
    for step in range(20):
        form = page.locator("form.interview")
        title = form.get_by_role("heading", level=2).inner_text()
        if title == "Review your answers":
            break
        topics.append(title)
        for fieldset in form.locator("fieldset.question").all():
            fact = str(fieldset.get_attribute("id"))[2:]
            asked.append(fact)
            answer = ANSWERS.get(fact)
            if answer is None:
                if fieldset.locator("input[type=checkbox]").count():
                    fieldset.get_by_label("I don't know").check()
                continue  # radios start on "I don't know"
            kind = fieldset.locator("input").first.get_attribute("type")
            if kind == "radio":
                fieldset.locator(f"input[value='{answer}']").check()
            else:
                fieldset.locator("input").first.fill(answer)
        shot(page, f"14-interview-step-{step + 1}")
        form.get_by_role("button", name="Next").click()
    else:
        pytest.fail("the interview did not reach its review")
    # one topic per step, in the interview's order
    assert topics[:3] == ["The person", "The conviction", "The sentence"]
    from clemency.petitions.intake import TOPICS

    assert set(topics) <= {title for _topic, title in TOPICS}
    # the dates the rules need, asked where they belong
    assert {"sentence_date", "is_capital_case"} <= set(asked)
    # branching: sentenced to death "no" settles the capital rule; no execution questions
    assert "execution_date_set" not in asked
    assert "execution_notice_date" not in asked
    assert len(asked) == len(set(asked))  # nothing asked twice

    review = page.locator("form.interview")
    expect(review).to_contain_text("Nothing is saved yet")
    expect(review).to_contain_text("Sentenced to death?")
    expect(review).to_contain_text("15 July 2009")
    expect(review).to_contain_text("I don't know")
    shot(page, "14-interview-review")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "14-interview-review-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    review.get_by_role("button", name="Save answers").click()
    expect(page.get_by_role("status").filter(has_text="Answers saved")).to_be_visible()
    result = page.locator("section.panel", has=page.get_by_role("heading", name="The result"))
    expect(result).to_contain_text("Commutation")
    expect(result).to_contain_text("still missing")  # custody, supervision: not answered
    shot(page, "14-interview-determination")

    # the record: a conviction with its court and dates; no empty sentence from "no"
    page.goto(f"{demo_server.url}/cases/{case_id}")
    expect(page.locator("section#convictions")).to_contain_text("federal district court")
    assert _stored(demo_server, case_id) == (date(2009, 7, 15), 0)
    expect(page.locator("section#sentences")).to_contain_text("None recorded.")
    # adding the sentence afterwards works (it used to end in "Something went wrong")
    page.locator("section#sentences").get_by_role("link", name="Add").click()
    page.get_by_label("Prison months").fill("120")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("section#sentences")).to_contain_text("120")
    assert "Something went wrong" not in page.content()
    assert problems == []


def test_pages_fit_a_phone(browser, demo_server: DemoServer) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        sign_in(page, demo_server)
        wide = {}
        for path in MAIN_PAGES(demo_server):
            page.goto(demo_server.url + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                wide[path] = width
        assert wide == {}, f"pages wider than 390 px (horizontal scroll): {wide}"
        page.goto(f"{demo_server.url}/cases")
        expect(page.locator("#case-results .badge.synthetic").first).to_be_visible()
        shot(page, "14-case-list-390")
    finally:
        context.close()


def test_no_csp_errors_on_deadlines_and_the_letter_link(browser, demo_server: DemoServer) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=demo_server.url)
    page = context.new_page()
    try:
        problems = watch_for_errors(page)
        sign_in(page, demo_server)
        page.goto(demo_server.url + "/deadlines")
        expect(page.get_by_role("link", name="Upcoming")).to_have_attribute("aria-current", "page")
        page.get_by_role("link", name="Passed").click()
        expect(page.get_by_role("link", name="Passed")).to_have_attribute("aria-current", "page")
        page.goto(f"{demo_server.url}/cases/{demo_server.alice_case_id}/petitions")
        page.get_by_label("Supporter's name").fill("Pastor Lee Grant")
        page.get_by_role("button", name="Create private link").click()
        link = page.get_by_label("Link")
        assert "/letters/" in link.input_value()
        link.focus()  # the old page's inline onfocus handler was refused here by the CSP
        page.get_by_role("button", name="Copy link").click()
        expect(page.locator("#link-status")).to_have_text("Copied.")
        assert page.evaluate("navigator.clipboard.readText()") == link.input_value()
        shot(page, "14-letter-link")
        assert problems == []
    finally:
        context.close()


def MAIN_PAGES(server: DemoServer) -> list[str]:
    alice = server.alice_case_id
    return [
        "/",
        "/cases",
        f"/cases/{alice}",
        f"/cases/{alice}/screening",
        f"/cases/{alice}/interview",
        "/screening",
        "/deadlines",
        "/queues",
        "/statistics",
    ]


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, PHONE], ids=["desktop", "390px"]
)
def test_no_serious_accessibility_violation(browser, demo_server: DemoServer, viewport) -> None:  # type: ignore[no-untyped-def]
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    try:
        sign_in(page, demo_server)
        axe = Axe()
        found: dict[str, list[str]] = {}
        for path in MAIN_PAGES(demo_server):
            page.goto(demo_server.url + path)
            results = axe.run(page)
            assert results.response["testEngine"]["version"].startswith("4.")  # axe ran
            bad = [
                f"{v['id']} ({v['impact']}): {len(v['nodes'])} node(s), e.g. {v['nodes'][0]['html'][:120]}"
                for v in results.response["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            if bad:
                found[path] = bad
        assert found == {}, found
    finally:
        context.close()
