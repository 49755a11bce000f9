"""The REST API: the error shape, stale writes, facts, determinations, overrides, check,
rulesets and screening runs; and the HTML forms' messages next to fields and stale edits."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.integration.web.conftest import Site, csrf_of

ALICE_FACTS = {
    "jurisdiction": "us-federal",
    "conviction_court": "federal_district",
    "offense_category": "drug",
    "offense_level": "felony",
    "sentence_type": "prison",
    "is_life_sentence": True,
    "is_in_custody": True,
}


def _api(site: Site, who: tuple[str, str] = ("a", "attorney")) -> tuple[TestClient, dict[str, str]]:
    client = site.client(who)
    return client, {"x-csrf-token": csrf_of(client, "/")}


def test_errors_have_one_shape(site: Site) -> None:
    client, headers = _api(site)
    missing = client.get("/api/v1/cases/999999")
    assert missing.status_code == 404
    assert missing.json() == {
        "ok": False,
        "code": "case_not_found",
        "message": "No case 999999 that you can open.",
        "details": {"case_id": 999999},
    }
    invalid = client.post("/api/v1/cases", json={"reference": ""}, headers=headers)
    assert invalid.status_code == 422
    body = invalid.json()
    assert body["ok"] is False
    assert body["code"] == "bad_input"
    assert "organization_id" in body["details"]["fields"]
    extra = client.post(
        f"/api/v1/cases/{site.cases['a_assigned']}/parts/notes",
        json={"values": {"text": "x"}, "organization_id": 2},
        headers=headers,
    )
    assert extra.status_code == 422
    assert "organization_id" in extra.json()["details"]["fields"]
    anonymous = site.client().get("/api/v1/cases")
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "not_authenticated"


def test_case_crud_and_a_stale_write(site: Site) -> None:
    client, headers = _api(site)
    created = client.post(
        "/api/v1/cases",
        json={
            "organization_id": site.orgs["a"],
            "reference": "API-1",
            "jurisdiction": "us-federal",
            "person": {
                "given_name": "Ada",
                "family_name": "Example",
                "bop_register_number": "12345-678",
            },
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]
    first = client.patch(
        f"/api/v1/cases/{case_id}",
        json={"expected_version": 1, "changes": {"stage": "screening"}},
        headers=headers,
    )
    assert first.status_code == 200
    assert first.json()["version"] == 2
    stale = client.patch(
        f"/api/v1/cases/{case_id}",
        json={"expected_version": 1, "changes": {"stage": "closed"}},
        headers=headers,
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_write"
    assert stale.json()["details"]["current"]["stage"] == "screening"
    assert client.get(f"/api/v1/cases/{case_id}").json()["stage"] == "screening"
    found = client.get("/api/v1/cases", params={"q": "12345-678"}).json()["items"]
    assert [c["id"] for c in found] == [case_id]
    bad_register = client.patch(
        f"/api/v1/cases/{case_id}/person",
        json={"expected_version": 1, "changes": {"bop_register_number": "123"}},
        headers=headers,
    )
    assert bad_register.status_code == 422
    assert bad_register.json()["details"]["field"] == "bop_register_number"
    conviction = client.post(
        f"/api/v1/cases/{case_id}/parts/convictions",
        json={
            "values": {
                "is_primary": True,
                "court_kind": "federal_district",
                "offense_category": "drug",
            }
        },
        headers=headers,
    )
    assert conviction.status_code == 201
    count = client.post(
        f"/api/v1/cases/{case_id}/parts/counts",
        json={
            "values": {
                "conviction_id": conviction.json()["id"],
                "offense_text": "Conspiracy to distribute cocaine",
            }
        },
        headers=headers,
    )
    assert count.status_code == 201
    by_offense = client.get("/api/v1/cases", params={"q": "cocaine"}).json()["items"]
    assert [c["id"] for c in by_offense] == [case_id]
    part_id = count.json()["id"]
    assert (
        client.get(f"/api/v1/cases/{case_id}/parts/counts/{part_id}")
        .json()["offense_text"]
        .startswith("Conspiracy")
    )
    deleted = client.delete(
        f"/api/v1/cases/{case_id}/parts/counts/{part_id}",
        params={"expected_version": 1},
        headers=headers,
    )
    assert deleted.status_code == 204
    assert client.get("/api/v1/cases", params={"q": "cocaine"}).json()["items"] == []


def test_facts_determinations_and_an_override(site: Site) -> None:
    client, headers = _api(site)
    case_id = site.cases["a_assigned"]
    facts = client.get(f"/api/v1/cases/{case_id}/facts", params={"as_of": "2018-01-01"}).json()
    assert facts["facts"]["jurisdiction"] == "us-federal"
    before = client.get(
        f"/api/v1/cases/{case_id}/determinations", params={"as_of": "2018-01-01"}
    ).json()
    pardon = next(d for d in before["determinations"] if d["ruleset"]["id"] == "us-federal/pardon")
    assert pardon["outcome"] == "needs_review"
    assert "is_deceased" in pardon["missing_facts"]
    changed = client.patch(
        f"/api/v1/cases/{case_id}/facts",
        json={"expected_version": facts["version"], "facts": {"is_deceased": True}},
        headers=headers,
    )
    assert changed.status_code == 200, changed.text
    after = client.get(
        f"/api/v1/cases/{case_id}/determinations", params={"as_of": "2018-01-01"}
    ).json()
    pardon = next(d for d in after["determinations"] if d["ruleset"]["id"] == "us-federal/pardon")
    assert pardon["outcome"] == "ineligible"
    override = client.post(
        f"/api/v1/cases/{case_id}/overrides",
        json={
            "ruleset_id": "us-federal/pardon",
            "outcome": "needs_review",
            "as_of": "2018-01-01",
            "reason": "Posthumous pardons are considered in rare cases; ask the Pardon Attorney.",
        },
        headers=headers,
    )
    assert override.status_code == 201
    assert override.json()["machine_outcome"] == "ineligible"
    listed = client.get(
        f"/api/v1/cases/{case_id}/determinations", params={"as_of": "2018-01-01"}
    ).json()
    pardon = next(d for d in listed["determinations"] if d["ruleset"]["id"] == "us-federal/pardon")
    assert pardon["outcome"] == "ineligible"
    assert pardon["overrides"][0]["outcome"] == "needs_review"
    outcome_filter = client.get("/api/v1/cases", params={"outcome": "ineligible"}).json()["items"]
    assert case_id in {c["id"] for c in outcome_filter}


def test_check_and_rulesets(site: Site) -> None:
    client, headers = _api(site)
    result = client.post(
        "/api/v1/check",
        json={"ruleset": "us-federal/commutation", "as_of": "2018-06-01", "facts": ALICE_FACTS},
        headers=headers,
    )
    assert result.status_code == 200, result.text
    body = result.json()
    assert body["ruleset"]["id"] == "us-federal/commutation"
    assert body["outcome"] in ("eligible", "ineligible", "needs_review")
    assert all(rule["citation"] for rule in body["rules"])
    unknown = client.post(
        "/api/v1/check",
        json={
            "ruleset": "us-federal/pardon",
            "as_of": "2018-06-01",
            "facts": {"relase_date": "2019-01-01"},
        },
        headers=headers,
    )
    assert unknown.status_code == 422
    assert "relase_date" in unknown.json()["message"]
    no_ruleset = client.post(
        "/api/v1/check",
        json={"ruleset": "xx/none", "as_of": "2018-06-01", "facts": {}},
        headers=headers,
    )
    assert no_ruleset.status_code == 404
    assert no_ruleset.json()["code"] == "unknown_ruleset"
    listing = client.get("/api/v1/rulesets").json()["items"]
    assert "us-federal/pardon" in {r["id"] for r in listing}
    detail = client.get("/api/v1/rulesets/us-federal/pardon").json()
    assert detail["rules"]
    assert all(r["citation"] for r in detail["rules"])
    oklahoma = client.get("/api/v1/rulesets/us-ok/commutation").json()["rules"]
    reapply = next(r for r in oklahoma if r["id"] == "us-ok.commutation.reapply_after_denial")
    assert reapply["unverified"]
    assert "2024 amendments" in reapply["unverified"][0]
    assert all(isinstance(r["unverified"], list) for r in oklahoma)
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/cases/{case_id}/determinations" in schema["paths"]
    assert "/api/v1/check" in schema["paths"]


def test_screening_run_upload_summary_and_download(site: Site) -> None:
    client, headers = _api(site)
    roster = "person_id,conviction_court,offense_level,resides_in_us,is_deceased,on_supervision\nr1,federal_district,felony,true,false,false\nr2,state,felony,true,false,false\nr3,,,,,\n"
    strict = client.post(
        "/api/v1/screening-runs",
        files={"roster": ("roster.csv", roster.encode(), "text/csv")},
        data={"ruleset_id": "us-federal/pardon", "as_of": "2024-01-01"},
        headers=headers,
    )
    assert strict.status_code == 422
    assert "'roster.csv' lacks column" in strict.json()["message"]
    assert "screening-runs" not in strict.json()["message"]  # no server paths in messages
    run = client.post(
        "/api/v1/screening-runs",
        files={"roster": ("roster.csv", roster.encode(), "text/csv")},
        data={
            "ruleset_id": "us-federal/pardon",
            "as_of": "2024-01-01",
            "allow_missing_columns": "true",
        },
        headers=headers,
    )
    assert run.status_code == 201, run.text
    body = run.json()
    assert body["rows"] == 3
    download = client.get(body["results_url"])
    assert download.status_code == 200
    lines = download.text.strip().splitlines()
    assert lines[0].startswith("person_id")
    assert len(lines) == 4
    assert ",ineligible," in next(line for line in lines if line.startswith("r2"))
    other = site.client(("b", "admin"))
    assert other.get(body["results_url"]).status_code == 404
    wrong_type = client.post(
        "/api/v1/screening-runs",
        files={"roster": ("roster.exe", b"MZ\x90\x00", "application/octet-stream")},
        data={"ruleset_id": "us-federal/pardon", "as_of": "2024-01-01"},
        headers=headers,
    )
    assert wrong_type.status_code == 413
    assert wrong_type.json()["code"] == "upload_rejected"
    disguised = client.post(
        "/api/v1/screening-runs",
        files={"roster": ("roster.csv", b"\x00\x01binary", "text/csv")},
        data={"ruleset_id": "us-federal/pardon", "as_of": "2024-01-01"},
        headers=headers,
    )
    assert disguised.status_code == 413
    too_big = client.post(
        "/api/v1/screening-runs",
        files={
            "roster": (
                "roster.csv",
                b"a,b\n" + b"1,2\n" * (site.settings.max_upload_bytes // 4 + 20000),
                "text/csv",
            )
        },
        data={"ruleset_id": "us-federal/pardon", "as_of": "2024-01-01"},
        headers=headers,
    )
    assert too_big.status_code == 413
    runs_dir = site.settings.data_dir / "screening-runs"
    assert len(list(runs_dir.iterdir())) == 1  # the refused uploads left nothing behind


def test_form_messages_next_to_fields_and_a_stale_edit_shows_both_versions(site: Site) -> None:
    client = site.client(("a", "attorney"))
    case_id = site.cases["a_assigned"]
    token = csrf_of(client, f"/cases/{case_id}/person/edit")
    bad = client.post(
        f"/cases/{case_id}/person/edit",
        data={
            "csrf_token": token,
            "version": "1",
            "given_name": "Test",
            "family_name": "",
            "bop_register_number": "12-3",
            "date_of_birth": "1955-13-40",
        },
    )
    assert bad.status_code == 422
    for field in ("family_name", "bop_register_number", "date_of_birth"):
        assert re.search(rf'id="f-{field}-err">[^<]+<', bad.text), field
    ok = client.post(
        f"/cases/{case_id}/person/edit",
        data={
            "csrf_token": token,
            "version": "1",
            "given_name": "Test",
            "family_name": "Saved-First",
        },
    )
    assert ok.status_code == 303
    stale = client.post(
        f"/cases/{case_id}/person/edit",
        data={
            "csrf_token": token,
            "version": "1",
            "given_name": "Test",
            "family_name": "Mine-Later",
        },
    )
    assert stale.status_code == 409
    assert "Saved-First" in stale.text
    assert "Mine-Later" in stale.text
    assert 'name="version" value="2"' in stale.text  # saving again is deliberate and works


def test_lists_and_searches_are_audited_without_the_query(site: Site) -> None:
    from sqlalchemy import select

    from clemency.audit.models import AuditEvent
    from clemency.db.session import unit_of_work

    client = site.client(("a", "viewer"))
    assert client.get("/cases", params={"q": "Person"}).status_code == 200
    assert client.get("/api/v1/cases").status_code == 200
    with unit_of_work(site.engine) as session:
        rows = list(
            session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "case_list"))
        )
    assert [r.actor_user_id for r in rows] == [site.users[("a", "viewer")][0]] * 2
    assert rows[0].detail == "2 cases listed (search)"
    assert all("Person" not in (r.detail or "") for r in rows)


def test_timeline_gives_dated_spans_and_refuses_a_reversed_range(site: Site) -> None:
    client, headers = _api(site)
    facts = {
        "conviction_court": "federal_district",
        "offense_level": "felony",
        "sentence_type": "prison",
        "is_in_custody": False,
        "latest_release_date": "2020-06-06",
        "on_supervision": False,
        "resides_in_us": True,
        "is_deceased": False,
    }
    result = client.post(
        "/api/v1/timeline",
        json={"ruleset": "us-federal/pardon", "start": "2021-01-01", "end": "2027-12-31",
              "facts": facts},
        headers=headers,
    )  # fmt: skip
    assert result.status_code == 200, result.text
    spans = result.json()["spans"]
    assert [(s["from"], s["to"], s["outcome"]) for s in spans] == [
        ("2021-01-01", "2024-05-30", "ineligible"),
        ("2024-05-31", "2025-06-05", "ineligible"),  # the residence rule vouched for from here
        ("2025-06-06", "2027-12-31", "eligible"),  # 28 CFR 1.2: five years after release
    ]
    assert spans[2]["changes"][0]["rule"] == "us-federal.pardon.waiting_period"
    reversed_range = client.post(
        "/api/v1/timeline",
        json={"ruleset": "us-federal/pardon", "start": "2027-01-01", "end": "2021-01-01",
              "facts": facts},
        headers=headers,
    )  # fmt: skip
    assert reversed_range.status_code == 422
