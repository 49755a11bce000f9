from __future__ import annotations

import gc
import warnings
from dataclasses import dataclass, field
from html import unescape

from bs4 import BeautifulSoup

from clemency.db.session import unit_of_work
from tests.integration.web.conftest import Site, csrf_of


@dataclass
class Expect:
    """What a page is for (docs/web.md, "Pages"): its heading, text it must show and text it
    must not (another organization's records)."""

    heading: str
    shows: list[str] = field(default_factory=list)
    hides: list[str] = field(default_factory=list)


def _case(site: Site, key: str) -> tuple[str, str, str]:
    """(reference, given name, family name) of a case of the site, read from the database."""
    from clemency.cases.models import Case

    with unit_of_work(site.engine) as session:
        case = session.get(Case, site.cases[key])
        assert case is not None
        return case.reference, case.person.given_name, case.person.family_name


def test_pages_render_for_an_admin(site: Site) -> None:
    from clemency.eligibility import list_rulesets, load_ruleset

    client = site.client(("a", "admin"))
    case_id = site.cases["a_assigned"]
    ref, given, family = _case(site, "a_assigned")
    other_ref, _other_given, other_family = _case(site, "a_other")
    b_ref, _b_given, b_family = _case(site, "b_case")
    name = f"{given} {family}"
    emails_a = [email for (org, _role), (_id, email) in site.users.items() if org == "a"]
    emails_b = [email for (org, _role), (_id, email) in site.users.items() if org == "b"]
    pardon = load_ruleset("us-federal/pardon")
    federal = [r.title for r in list_rulesets() if r.jurisdiction == "us-federal"]
    pages = {
        "/": Expect(
            "Dashboard",
            [
                "Cases by stage",
                "Deadlines coming up",
                "Petitions waiting for a decision",
                "My assignments",
            ],
        ),
        "/cases": Expect("Cases", [ref, other_ref, name], [b_ref, b_family]),
        "/cases?q=person": Expect("Cases", [ref, other_ref], [b_ref]),
        f"/cases?q={other_family}": Expect("Cases", [other_ref], [ref, b_ref]),
        f"/cases/{case_id}": Expect(
            name, [ref, "Eligibility on", "Codes (for experts and the API)"]
        ),
        f"/cases/{case_id}/screening": Expect("Screening", federal),
        "/rulesets": Expect("Rulesets", [r.title for r in list_rulesets()]),
        "/rulesets/us-federal/pardon": Expect(pardon.title, [r.title for r in pardon.rules]),
        "/screening": Expect("Bulk screening", ['name="roster"', pardon.title]),
        "/admin/audit": Expect(
            "Audit log",
            [f'href="/cases/{case_id}"', f'href="/cases/{site.cases["a_other"]}"'],
            [f'href="/cases/{site.cases["b_case"]}"'],
        ),
        "/admin/users": Expect("Users and roles", emails_a, emails_b),
        "/account/tokens": Expect("API tokens", ["Token name"]),
        "/account": Expect("Your account", [site.users[("a", "admin")][1]]),
        "/account/password": Expect("Change your password", ['type="password"']),
        "/account/mfa": Expect("Two-factor sign-in", ['action="/account/mfa/start"']),
        "/deadlines": Expect("Deadlines", [], [b_ref]),
        f"/cases/{case_id}/edit": Expect("", [f'value="{ref}"']),
        f"/cases/{case_id}/person/edit": Expect("", [f'value="{given}"', f'value="{family}"']),
        f"/cases/{case_id}/parts/convictions/new": Expect("", ['name="convicted_on"']),
        "/cases/new": Expect("Open a case", ['name="reference"', "us-federal"]),
    }
    for path, expect in pages.items():
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:2000])
        page = BeautifulSoup(response.text, "html.parser")
        heading = page.h1.get_text(" ", strip=True) if page.h1 else ""
        assert heading.startswith(expect.heading), (path, heading)
        text = unescape(response.text)
        for wanted in expect.shows:
            assert wanted in text, (path, wanted)
        for unwanted in expect.hides:
            assert unwanted not in text, (path, unwanted)
        csrf_of(client, path)  # every form of every page carries the session's token


def test_bulk_screening_page_upload(site: Site) -> None:
    client = site.client(("a", "volunteer"))
    token = csrf_of(client, "/screening")
    roster = b"person_id,conviction_court,offense_level\nx1,state,felony\n"
    gc.collect()
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        response = client.post(
            "/screening",
            data={
                "csrf_token": token,
                "ruleset_id": "us-federal/pardon",
                "as_of": "2024-01-01",
                "allow_missing_columns": "true",
            },
            files={"roster": ("people.csv", roster, "text/csv")},
        )
        gc.collect()
    assert response.status_code == 303, response.text
    # The page reads its form itself: the uploaded file is closed once it has answered, not
    # left to the garbage collector (a ResourceWarning in the server).
    assert [str(w.message) for w in seen if issubclass(w.category, ResourceWarning)] == []
    run_page = client.get(response.headers["location"])
    assert "rows screened" in run_page.text
    wrong = client.post(
        "/screening",
        data={"csrf_token": token, "ruleset_id": "us-federal/pardon", "as_of": "2024-01-01"},
        files={"roster": ("people.xlsx", b"PK\x03\x04", "application/zip")},
    )
    assert wrong.status_code == 413
    assert "neither a .csv nor a .parquet" in wrong.text


def test_a_ruleset_page_shows_what_is_not_verified_under_each_rule(site: Site) -> None:
    from markupsafe import escape

    from clemency.eligibility import load_ruleset
    from clemency.eligibility.citations import unverified_notes

    client = site.client(("a", "admin"))
    page = client.get("/rulesets/us-ok/commutation")
    assert page.status_code == 200
    notes = [
        n for r in load_ruleset("us-ok/commutation").rules for n in unverified_notes(r.citation)
    ]
    assert page.text.count("Not verified against the official text") == len(
        [r for r in load_ruleset("us-ok/commutation").rules if unverified_notes(r.citation)]
    )
    assert all(str(escape(note)) in page.text for note in notes)


def test_the_screening_section_states_a_grant_and_shows_the_timeline(site: Site) -> None:
    """Issue #11 item 11 and the timeline: a case with a pardon on record is not shown as
    eligible for a pardon, says so, and shows its timeline (server-rendered, no inline script)."""
    from datetime import date

    from clemency.accounts.models import User
    from clemency.audit import service as audit
    from clemency.db.session import unit_of_work
    from clemency.petitions import service as petitions

    case_id = site.cases["a_assigned"]
    with unit_of_work(site.engine) as session:
        audit.set_origin(session=session, source="test")
        admin = session.get(User, site.users[("a", "admin")][0])
        assert admin is not None
        petitions.record_outside_decision(
            session=session,
            user=admin,
            case_id=case_id,
            kind="pardon",
            outcome="granted",
            decided_on=date(2020, 8, 28),
            terms="Full pardon",
        )
    client = site.client(("a", "admin"))
    page = client.get(f"/cases/{case_id}/screening?as_of=2026-12-04")
    assert page.status_code == 200, page.text[:2000]
    assert "Record: <strong>pardon granted on 2020-08-28</strong>" in page.text
    assert "us-federal.pardon.already_granted" in page.text
    assert "Timeline," in page.text
    assert "<script>" not in page.text
    assert "style=" not in page.text
