"""Issue #14: case data checked on entry, through the API (one test per rule: refused with a
message naming the field, and the edge that passes), duplicates refused with 409, and every
problem of one save reported at once."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.integration.web.conftest import Site, csrf_of

TODAY = date.today()
TOMORROW = (TODAY + timedelta(days=1)).isoformat()


def _api(site: Site, who: tuple[str, str] = ("a", "attorney")) -> tuple[TestClient, dict[str, str]]:
    client = site.client(who)
    return client, {"x-csrf-token": csrf_of(client, "/")}


def _create(
    client: TestClient, headers: dict[str, str], site: Site, reference: str, **extra: Any
) -> Any:
    person = {"given_name": "Ada", "family_name": f"Checked{reference}"}
    person.update(extra.pop("person", {}))
    body = {
        "organization_id": site.orgs["a"],
        "reference": reference,
        "jurisdiction": "us-federal",
        "person": person,
        **extra,
    }
    return client.post("/api/v1/cases", json=body, headers=headers)


def _refused(response: Any, field: str, *words: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "bad_input"
    listed = {e["field"]: e["message"] for e in body["details"]["errors"]}
    assert field in listed, listed
    for word in words:
        assert word in listed[field], listed[field]
    assert "invalid literal" not in response.text
    assert "Traceback" not in response.text


def _part(
    client: TestClient, headers: dict[str, str], case_id: int, part: str, **values: Any
) -> Any:
    return client.post(
        f"/api/v1/cases/{case_id}/parts/{part}", json={"values": values}, headers=headers
    )


@pytest.fixture
def api(site: Site) -> tuple[TestClient, dict[str, str], Site]:
    client, headers = _api(site)
    return client, headers, site


def test_birth_date_not_in_the_future(api: tuple[TestClient, dict[str, str], Site]) -> None:
    client, headers, site = api
    refused = _create(client, headers, site, "DOB-1", person={"date_of_birth": TOMORROW})
    _refused(refused, "date_of_birth", "Date of birth", TOMORROW, "in the future")
    edge = _create(client, headers, site, "DOB-2", person={"date_of_birth": TODAY.isoformat()})
    assert edge.status_code == 201, edge.text


@pytest.mark.parametrize(
    ("kind", "field", "base"),
    [
        ("convictions", "convicted_on", {}),
        ("convictions", "sentenced_on", {}),
        ("custody", "started_on", {"facility": "FCI Aliceville"}),
        ("custody", "released_on", {"facility": "FCI Aliceville"}),
    ],
)
def test_events_not_in_the_future(
    api: tuple[TestClient, dict[str, str], Site], kind: str, field: str, base: dict[str, Any]
) -> None:
    client, headers, site = api
    case_id = site.cases["a_other"]
    _refused(_part(client, headers, case_id, kind, **base, **{field: TOMORROW}), field, "future")
    edge = _part(client, headers, case_id, kind, **base, **{field: TODAY.isoformat()})
    assert edge.status_code == 201, edge.text


def test_a_projected_release_may_be_in_the_future(
    api: tuple[TestClient, dict[str, str], Site],
) -> None:
    client, headers, site = api
    stay = _part(
        client,
        headers,
        site.cases["a_other"],
        "custody",
        facility="FCI Aliceville",
        started_on="2010-01-01",
        projected_release_on="2090-01-01",
    )
    assert stay.status_code == 201, stay.text


def test_sentencing_on_or_after_conviction(api: tuple[TestClient, dict[str, str], Site]) -> None:
    client, headers, site = api
    case_id = site.cases["a_other"]
    before = _part(
        client,
        headers,
        case_id,
        "convictions",
        convicted_on="2000-05-02",
        sentenced_on="2000-05-01",
    )
    _refused(before, "sentenced_on", "2000-05-01", "before the convicted on (2000-05-02)")
    same = _part(
        client,
        headers,
        case_id,
        "convictions",
        convicted_on="2000-05-02",
        sentenced_on="2000-05-02",
    )
    assert same.status_code == 201, same.text
    # an update is checked against the stored row: only sentenced_on changes here
    part = same.json()
    moved = client.patch(
        f"/api/v1/cases/{case_id}/parts/convictions/{part['id']}",
        json={"expected_version": part["version"], "changes": {"sentenced_on": "1999-01-01"}},
        headers=headers,
    )
    _refused(moved, "sentenced_on", "before the convicted on")


def test_release_on_or_after_custody_start(api: tuple[TestClient, dict[str, str], Site]) -> None:
    client, headers, site = api
    case_id = site.cases["a_other"]
    values = {"facility": "FCI Dublin", "started_on": "2010-03-01"}
    _refused(
        _part(client, headers, case_id, "custody", **values, released_on="2010-02-28"),
        "released_on",
        "before the started on (2010-03-01)",
    )
    same_day = _part(client, headers, case_id, "custody", **values, released_on="2010-03-01")
    assert same_day.status_code == 201, same_day.text


def test_plausible_age_at_conviction(api: tuple[TestClient, dict[str, str], Site]) -> None:
    client, headers, site = api
    created = _create(client, headers, site, "AGE-1", person={"date_of_birth": "2000-06-15"})
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]
    nine = _part(client, headers, case_id, "convictions", convicted_on="2010-06-14")
    _refused(nine, "convicted_on", "9 years old", "at least 10")
    ten = _part(client, headers, case_id, "convictions", convicted_on="2010-06-15")
    assert ten.status_code == 201, ten.text
    # moving the birth date later would make that conviction one of a nine-year-old
    person = client.get(f"/api/v1/cases/{case_id}/person").json()
    later_birth = client.patch(
        f"/api/v1/cases/{case_id}/person",
        json={"expected_version": person["version"], "changes": {"date_of_birth": "2001-01-01"}},
        headers=headers,
    )
    _refused(later_birth, "date_of_birth", "9 years old")


@pytest.mark.parametrize(
    ("field", "value", "words", "edge"),
    [
        ("prison_months", -1, ("Prison months", "negative", "0 or more"), 0),
        ("prison_months", 1_200_001, ("too large", "1,200,000"), 1_200_000),
        ("prison_months", "ten years", ("whole number",), "120"),
        ("fine_cents", -500, ("negative",), 0),
        ("restitution_cents", 10**15 + 1, ("too large",), 10**15),
        ("supervised_release_months", 2.5, ("whole number",), 60),
    ],
)
def test_numbers_are_numbers_within_bounds(
    api: tuple[TestClient, dict[str, str], Site],
    field: str,
    value: Any,
    words: tuple[str, ...],
    edge: Any,
) -> None:
    client, headers, site = api
    case_id = site.cases["a_other"]
    conviction = _part(client, headers, case_id, "convictions", convicted_on="2001-01-01")
    conviction_id = conviction.json()["id"]
    _refused(
        _part(client, headers, case_id, "sentences", conviction_id=conviction_id, **{field: value}),
        field,
        *words,
    )
    ok = _part(client, headers, case_id, "sentences", conviction_id=conviction_id, **{field: edge})
    assert ok.status_code == 201, ok.text


def test_program_hours_bounded(api: tuple[TestClient, dict[str, str], Site]) -> None:
    client, headers, site = api
    values = {"kind": "education", "name": "GED"}
    refused = _part(client, headers, site.cases["a_other"], "programs", **values, hours=200_001)
    _refused(refused, "hours", "at most 200,000")
    ok = _part(client, headers, site.cases["a_other"], "programs", **values, hours=200_000)
    assert ok.status_code == 201


def test_lengths_are_bounded_with_the_limit_stated(
    api: tuple[TestClient, dict[str, str], Site],
) -> None:
    client, headers, site = api
    long_name = _create(client, headers, site, "LEN-1", person={"given_name": "A" * 5000})
    _refused(long_name, "given_name", "5,000 characters", "at most 100")
    assert (
        _create(client, headers, site, "LEN-2", person={"given_name": "A" * 100}).status_code == 201
    )
    note = _part(client, headers, site.cases["a_other"], "notes", text="x" * (216 * 1024))
    _refused(note, "text", "221,184 characters", "at most 100,000")
    assert (
        _part(client, headers, site.cases["a_other"], "notes", text="x" * 100_000).status_code
        == 201
    )


def test_choices_not_free_text(api: tuple[TestClient, dict[str, str], Site]) -> None:
    client, headers, site = api
    federal = _create(client, headers, site, "JUR-1", jurisdiction="Federal")
    _refused(federal, "jurisdiction", "'Federal'", "us-federal", "us-ny")
    assert _create(client, headers, site, "JUR-2", jurisdiction="us-ny").status_code == 201
    _refused(_create(client, headers, site, "STG-1", stage="open"), "stage", "choose one of")
    petition = _part(
        client, headers, site.cases["a_other"], "petitions", jurisdiction="Federal", kind="pardon"
    )
    _refused(petition, "jurisdiction", "not a jurisdiction")
    changed = client.patch(
        f"/api/v1/cases/{site.cases['a_other']}",
        json={"expected_version": 1, "changes": {"jurisdiction": "federal"}},
        headers=headers,
    )
    _refused(changed, "jurisdiction", "us-federal")


def test_dates_are_real(api: tuple[TestClient, dict[str, str], Site]) -> None:
    client, headers, site = api
    _refused(
        _create(client, headers, site, "DAT-1", person={"date_of_birth": "1990-02-30"}),
        "date_of_birth",
        "no such day",
    )
    _refused(
        _create(client, headers, site, "DAT-2", person={"date_of_birth": "02/03/1990"}),
        "date_of_birth",
        "YYYY-MM-DD",
    )


def test_every_problem_reported_at_once(api: tuple[TestClient, dict[str, str], Site]) -> None:
    client, headers, site = api
    response = _create(
        client,
        headers,
        site,
        "ALL-1",
        jurisdiction="Federal",
        person={"given_name": "", "date_of_birth": TOMORROW, "bop_register_number": "123"},
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["details"]["errors"]}
    assert fields == {"jurisdiction", "given_name", "date_of_birth", "bop_register_number"}
    assert response.json()["message"].startswith("4 problems:")


def test_duplicate_person_is_refused_with_the_existing_case(
    api: tuple[TestClient, dict[str, str], Site],
) -> None:
    client, headers, site = api
    first = _create(
        client,
        headers,
        site,
        "DUP-1",
        person={
            "given_name": "José",
            "family_name": "de la Cruz",
            "date_of_birth": "1970-01-02",
            "bop_register_number": "11111-222",
        },
    )
    assert first.status_code == 201, first.text
    existing = first.json()["id"]
    same_number = _create(
        client, headers, site, "DUP-2", person={"bop_register_number": "11111-222"}
    )
    assert same_number.status_code == 409, same_number.text
    assert same_number.json()["code"] == "conflict"
    assert same_number.json()["details"]["existing_case_id"] == existing
    assert "DUP-1" in same_number.json()["message"]
    # the name is compared without case, accents or extra spaces
    same_name = _create(
        client,
        headers,
        site,
        "DUP-3",
        person={"given_name": "JOSE ", "family_name": "De  La Cruz", "date_of_birth": "1970-01-02"},
    )
    assert same_name.status_code == 409, same_name.text
    assert same_name.json()["details"]["existing_case_id"] == existing
    other_birthday = _create(
        client,
        headers,
        site,
        "DUP-4",
        person={"given_name": "José", "family_name": "de la Cruz", "date_of_birth": "1970-01-03"},
    )
    assert other_birthday.status_code == 201
    confirmed = _create(
        client,
        headers,
        site,
        "DUP-5",
        person={"bop_register_number": "11111-222"},
        confirm_different_person=True,
    )
    assert confirmed.status_code == 201, confirmed.text


def test_duplicates_never_reveal_another_organization(
    api: tuple[TestClient, dict[str, str], Site],
) -> None:
    client, headers, site = api
    assert (
        _create(client, headers, site, "ORG-1", person={"bop_register_number": "33333-444"})
    ).status_code == 201
    other, other_headers = _api(site, ("b", "attorney"))
    in_b = other.post(
        "/api/v1/cases",
        json={
            "organization_id": site.orgs["b"],
            "reference": "ORG-1",
            "jurisdiction": "us-federal",
            "person": {"given_name": "X", "family_name": "Y", "bop_register_number": "33333-444"},
        },
        headers=other_headers,
    )
    assert in_b.status_code == 201, in_b.text


def test_duplicate_of_a_case_the_volunteer_cannot_open_names_no_case(
    api: tuple[TestClient, dict[str, str], Site],
) -> None:
    client, headers, site = api
    assert (
        _create(client, headers, site, "VOL-1", person={"bop_register_number": "55555-666"})
    ).status_code == 201
    volunteer, volunteer_headers = _api(site, ("a", "volunteer"))
    refused = _create(
        volunteer, volunteer_headers, site, "VOL-2", person={"bop_register_number": "55555-666"}
    )
    assert refused.status_code == 409
    assert "existing_case_id" not in refused.json()["details"]
    assert "VOL-1" not in refused.text


def test_packet_forms_are_the_cases_own_jurisdictions(
    api: tuple[TestClient, dict[str, str], Site],
) -> None:
    client, headers, site = api
    created = _create(client, headers, site, "FORM-1", jurisdiction="us-federal")
    listed = client.get(f"/api/v1/cases/{created.json()['id']}/packet-forms").json()
    assert listed["forms"] == ["us-federal/commutation", "us-federal/pardon"]
    page = client.get(f"/cases/{created.json()['id']}/packet", params={"form": "us-ga/pardon"})
    assert page.status_code == 422
    assert "us-ga/pardon is for us-ga, and this case is in us-federal" in page.text
