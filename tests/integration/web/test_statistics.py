"""The statistics pages: the public record with its charts and CSV, an organization's
suppressed statistics, and a case's precedents (a case route, so the matrix covers it too)."""

from __future__ import annotations

import csv
import io

import pytest

from clemency.db.session import unit_of_work
from clemency.grants import service as grants_service
from tests.conftest import DOJ_PAGES
from tests.integration.web.conftest import Site

BUSH_41 = DOJ_PAGES / "George_H_W_Bush_1989-1993.html"


@pytest.fixture
def site_with_grants(site: Site) -> Site:
    if not BUSH_41.exists():
        pytest.skip(f"shared data not found at {BUSH_41}")
    with unit_of_work(site.engine) as session:
        grants_service.import_page(session=session, path=BUSH_41)
    return site


def test_statistics_page_shows_charts_and_tables_of_the_imported_grants(
    site_with_grants: Site,
) -> None:
    client = site_with_grants.client(("a", "viewer"))
    page = client.get("/statistics")
    assert page.status_code == 200
    assert (
        "74 grants (74 pardons and other grants, 0 commutations) parsed from 1 source" in page.text
    )
    assert "public domain" in page.text  # the source is cited with its licence
    assert '<img src="/statistics/charts/by_year.svg' in page.text
    svg = client.get("/statistics/charts/by_year.svg")
    assert svg.status_code == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in svg.content
    assert b"<script" not in svg.content
    png = client.get("/statistics/charts/by_category.png")
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_statistics_tables_download_as_csv(site_with_grants: Site) -> None:
    client = site_with_grants.client(("a", "viewer"))
    response = client.get("/statistics/grants.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 74
    assert client.get("/statistics/nonsense.csv").status_code == 404


def test_statistics_need_a_signed_in_user(site_with_grants: Site) -> None:
    anonymous = site_with_grants.client()
    response = anonymous.get("/statistics", headers={"Accept": "application/json"})
    assert response.status_code in (401, 303)


def test_organization_statistics_show_only_suppressed_counts(site: Site) -> None:
    client = site.client(("a", "admin"))
    page = client.get("/statistics/organization")
    assert page.status_code == 200
    assert "Cases by stage and jurisdiction" in page.text
    # the test world has two cases in organization a: every count is small and suppressed
    assert "&lt;5" in page.text
    other = client.get(f"/statistics/organization?org={site.orgs['b']}")
    assert other.status_code == 404


def test_precedents_page_lists_reasons(site_with_grants: Site) -> None:
    client = site_with_grants.client(("a", "attorney"))
    case_id = site_with_grants.cases["a_other"]
    page = client.get(f"/cases/{case_id}/precedents?as_of=2020-01-01")
    assert page.status_code == 200
    assert "Precedents for" in page.text
    outsider = site_with_grants.client(("b", "admin"))
    assert outsider.get(f"/cases/{case_id}/precedents").status_code == 404


@pytest.fixture
def site_with_commutations(site_with_grants: Site) -> Site:
    from tests.unit.grants.test_commutations_csv import CSV_PATH

    with unit_of_work(site_with_grants.engine) as session:
        grants_service.import_page(session=session, path=CSV_PATH)
    return site_with_grants


def test_statistics_page_shows_commutations_across_kinds(site_with_commutations: Site) -> None:
    client = site_with_commutations.client(("a", "viewer"))
    page = client.get("/statistics")
    assert page.status_code == 200
    text = page.text
    assert (
        "1460 grants (74 pardons and other grants, 1386 commutations) parsed from 2 sources" in text
    )
    assert "CC BY 4.0" in text
    assert "FiveThirtyEight" in text
    assert '<img src="/statistics/charts/commutation_sentences.svg' in text
    assert "Commutation summary" in text or "commutation summary" in text.lower()
    assert "1,716" in text  # the gap to the published 1,715 explained
    chart = client.get("/statistics/charts/commutation_sentences.svg")
    assert chart.status_code == 200
    assert b"FiveThirtyEight" in chart.content
    rows = list(csv.DictReader(io.StringIO(client.get("/statistics/commutations.csv").text)))
    assert len(rows) == 1386
    abulencia = next(r for r in rows if r["name"] == "Pablo Abrugar Abulencia")
    assert (abulencia["commuted_to"], abulencia["commuted_months"]) == ("term", "205.0")
    assert abulencia["location"] == "lines 6190-6193"


def test_precedents_page_can_rank_for_a_commutation(site_with_commutations: Site) -> None:
    client = site_with_commutations.client(("a", "attorney"))
    case_id = site_with_commutations.cases["a_other"]
    page = client.get(f"/cases/{case_id}/precedents?as_of=2020-01-01&relief=commutation")
    assert page.status_code == 200
    assert "Ranked for a <strong>commutation</strong>" in page.text
    assert '<option value="commutation" selected>' in page.text
