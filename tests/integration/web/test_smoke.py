from __future__ import annotations

from tests.integration.web.conftest import Site, csrf_of


def test_pages_render_for_an_admin(site: Site) -> None:
    client = site.client(("a", "admin"))
    case_id = site.cases["a_assigned"]
    for path in [
        "/",
        "/cases",
        "/cases?q=person",
        f"/cases/{case_id}",
        f"/cases/{case_id}/screening",
        "/rulesets",
        "/rulesets/us-federal/pardon",
        "/screening",
        "/admin/audit",
        "/admin/users",
        "/account/tokens",
        "/account",
        "/account/password",
        "/account/mfa",
        "/deadlines",
        f"/cases/{case_id}/edit",
        f"/cases/{case_id}/person/edit",
        f"/cases/{case_id}/parts/convictions/new",
        "/cases/new",
    ]:
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:2000])
        csrf_of(client, path)  # every form of every page carries the session's token


def test_bulk_screening_page_upload(site: Site) -> None:
    client = site.client(("a", "volunteer"))
    token = csrf_of(client, "/screening")
    roster = b"person_id,conviction_court,offense_level\nx1,state,felony\n"
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
    assert response.status_code == 303, response.text
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
