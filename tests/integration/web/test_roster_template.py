"""Bulk screening for clinics: the roster template (every fact column, and a second file with
each column's format), the roster's own columns carried to the results, and results linked to
stored cases by register number, only for cases the user may see."""

from __future__ import annotations

import csv
import io

from clemency.accounts.models import User
from clemency.db.session import unit_of_work
from clemency.eligibility import load_ruleset
from clemency.testing import factories
from tests.integration.web.conftest import Site, csrf_of


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_template_has_every_fact_column_and_a_file_of_formats(site: Site) -> None:
    client = site.client(("a", "viewer"))
    template = client.get("/screening/template.csv?ruleset=us-federal/pardon")
    assert template.status_code == 200
    assert template.headers["content-type"].startswith("text/csv")
    assert "attachment" in template.headers["content-disposition"]
    header = template.text.strip().split(",")
    facts = set(load_ruleset("us-federal/pardon").facts_used()) - {"person_id"}
    assert header[:4] == ["person_id", "name", "housing_unit", "bop_register_number"]
    assert set(header[4:]) == facts
    formats = {row["column"]: row for row in _rows(client.get(
        "/screening/template-columns.csv?ruleset=us-federal/pardon"
    ).text)}  # fmt: skip
    assert set(formats) == set(header)
    assert "YYYY-MM-DD" in formats["latest_release_date"]["format"]
    assert "exactly one of:" in formats["conviction_court"]["format"]
    assert "federal_district" in formats["conviction_court"]["format"]
    assert client.get("/screening/template.csv?ruleset=../../etc").status_code == 422
    assert client.get("/screening/template.csv?ruleset=us-nowhere/x").status_code == 404
    assert (
        'href="/screening/template.csv?ruleset=us-federal/pardon"' in client.get("/screening").text
    )


def _run(site: Site, who: tuple[str, str], roster: str) -> tuple[object, str]:
    client = site.client(who)
    token = csrf_of(client, "/screening")
    response = client.post(
        "/screening",
        data={"csrf_token": token, "ruleset_id": "us-federal/pardon", "as_of": "2024-01-01"},
        files={"roster": ("people.csv", roster.encode(), "text/csv")},
    )
    assert response.status_code == 303, response.text[:2000]
    return client, response.headers["location"]


def test_results_carry_the_roster_columns_and_link_to_stored_cases(site: Site) -> None:
    with unit_of_work(site.engine) as session:
        admin = session.get(User, site.users[("a", "admin")][0])
        assert admin is not None
        organization = admin.memberships[0].organization
        stored = factories.make_case(
            session,
            admin,
            organization,
            person={
                "given_name": "Rosa",
                "family_name": "Park",
                "bop_register_number": "12345-678",
            },
        ).id
    client = site.client(("a", "attorney"))
    header = client.get("/screening/template.csv?ruleset=us-federal/pardon").text.strip()
    columns = header.split(",")
    empty_facts = [""] * (len(columns) - 4)
    lines = [
        header,
        ",".join(["r1", "Rosa Park", "B-12", "12345-678", *empty_facts]),
        ",".join(["r2", "=HYPERLINK(1)", "C-3", "", *empty_facts]),
        ",".join(["12345-678", "Rosa again", "B-12", "", *empty_facts]),
    ]
    client, location = _run(site, ("a", "attorney"), "\n".join(lines) + "\n")
    assert "results-with-cases.csv" in client.get(location).text
    text = client.get(location + "/results-with-cases.csv")
    assert text.status_code == 200
    rows = {row["person_id"]: row for row in _rows(text.text)}
    assert (rows["r1"]["name"], rows["r1"]["housing_unit"]) == ("Rosa Park", "B-12")
    assert (rows["r1"]["case_id"], rows["r1"]["case_url"]) == (str(stored), f"/cases/{stored}")
    assert rows["r1"]["outcome"] in ("eligible", "needs_review", "ineligible")
    assert rows["12345-678"]["case_id"] == str(stored)  # the row id is a register number
    assert (rows["r2"]["case_id"], rows["r2"]["name"]) == ("", "'=HYPERLINK(1)")
    # Someone in another organization gets no link to a's case.
    other, other_location = _run(site, ("b", "admin"), "\n".join(lines) + "\n")
    other_rows = {
        r["person_id"]: r for r in _rows(other.get(other_location + "/results-with-cases.csv").text)
    }  # type: ignore[attr-defined]
    assert other_rows["r1"]["case_id"] == ""
    # And no one but the person who ran it may download it.
    assert other.get(location + "/results-with-cases.csv").status_code == 404  # type: ignore[attr-defined]
