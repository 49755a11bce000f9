"""Victim information on the web and the API: attorneys work with it; volunteers and viewers
(no sensitive grant) get none of it on the case page, the part forms, the API or the export."""

from __future__ import annotations

import io
import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from clemency.audit.models import AuditEvent
from clemency.cases import service as case_service
from clemency.cases import transfer
from clemency.cases.models import VictimRecord
from clemency.db.session import unit_of_work
from tests.integration.web.conftest import Site, csrf_of

CANARY = "CANARY-VICTIM-91c2"
FORM = {
    "identity": "named",
    "full_name": f"{CANARY} Name",
    "relation_to_offense": "direct_victim",
    "relation_detail": "bank teller",
    "contact_details": f"{CANARY} contact",
    "wants_notification": "true",
    "notification_channel": "email",
    "has_bop_notification_request": "",
    "notified_on": "2024-03-01",
    "notified_by": "Office of the Pardon Attorney",
    "views_on_clemency": "opposes",
    "views_received_on": "",
    "statement": f"{CANARY} statement",
    "outcome_notified_on": "",
    "source": "USAO letter",
}


def _seed_record(site: Site, case_key: str = "a_assigned") -> int:
    """A victim record (with canaries) in the case, added by org a's attorney."""
    from clemency.accounts.models import User

    with unit_of_work(site.engine) as session:
        attorney = session.get(User, site.users[("a", "attorney")][0])
        record = case_service.add_part(
            session=session,
            user=attorney,
            case_id=site.cases[case_key],
            kind="victim_records",
            values={k: v for k, v in FORM.items() if v != ""},
        )
        return int(record.id)  # type: ignore[attr-defined]


def _record(site: Site, record_id: int) -> VictimRecord | None:
    with unit_of_work(site.engine) as session:
        record = session.get(VictimRecord, record_id)
        if record is not None:
            session.expunge(record)
        return record


def test_an_attorney_adds_edits_and_deletes_victim_information_with_forms(site: Site) -> None:
    client = site.client(("a", "attorney"))
    case_id = site.cases["a_assigned"]
    token = csrf_of(client, f"/cases/{case_id}/parts/victim_records/new")
    form = client.get(f"/cases/{case_id}/parts/victim_records/new").text
    assert "New victim information" in form
    for field in ("identity", "full_name", "relation_to_offense", "views_on_clemency"):
        assert f'id="f-{field}"' in form
    assert "empty when the identity is withheld or unknown" in form
    bad = client.post(
        f"/cases/{case_id}/parts/victim_records/new",
        data={**FORM, "csrf_token": token, "notified_on": "2024-02-30", "wants_notification": "x"},
    )
    assert bad.status_code == 422
    for field in ("notified_on", "wants_notification"):
        assert re.search(rf'id="f-{field}-err">[^<]+<', bad.text), field
    created = client.post(
        f"/cases/{case_id}/parts/victim_records/new", data={**FORM, "csrf_token": token}
    )
    assert created.status_code == 303, created.text
    page = client.get(f"/cases/{case_id}").text
    assert '<h2 id="h-victim_records">Victim information</h2>' in page
    assert f"{CANARY} Name" in page
    with unit_of_work(site.engine) as session:
        record_id = session.scalars(select(VictimRecord.id)).one()
    edit_url = f"/cases/{case_id}/parts/victim_records/{record_id}/edit"
    assert f"{CANARY} statement" in client.get(edit_url).text
    saved = client.post(
        edit_url, data={**FORM, "csrf_token": token, "version": "1", "statement": "Saved first"}
    )
    assert saved.status_code == 303
    stale = client.post(
        edit_url, data={**FORM, "csrf_token": token, "version": "1", "statement": "Mine later"}
    )
    assert stale.status_code == 409
    assert "Saved first" in stale.text
    assert "Mine later" in stale.text
    assert 'name="version" value="2"' in stale.text
    deleted = client.post(
        f"/cases/{case_id}/parts/victim_records/{record_id}/delete",
        data={"csrf_token": token, "version": "2"},
    )
    assert deleted.status_code == 303
    assert _record(site, record_id) is None


def test_the_case_page_read_of_victim_information_is_audited(site: Site) -> None:
    _seed_record(site)
    client = site.client(("a", "attorney"))
    assert client.get(f"/cases/{site.cases['a_assigned']}").status_code == 200
    with unit_of_work(site.engine) as session:
        reads = session.scalars(
            select(AuditEvent.actor_user_id).where(
                AuditEvent.entity_type == "victimrecord", AuditEvent.action == "read"
            )
        ).all()
    assert reads == [site.users[("a", "attorney")][0]]


def test_the_api_covers_victim_records_for_an_attorney(site: Site) -> None:
    client = site.client(("a", "attorney"))
    headers = {"x-csrf-token": csrf_of(client, "/")}
    case_id = site.cases["a_other"]
    base = f"/api/v1/cases/{case_id}/parts/victim_records"
    created = client.post(
        base,
        json={
            "values": {
                "identity": "withheld",
                "relation_to_offense": "family_member",
                "views_on_clemency": "no_view_stated",
                "statement": CANARY,
            }
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    record = created.json()
    assert (record["identity"], record["full_name"], record["version"]) == ("withheld", None, 1)
    assert [item["id"] for item in client.get(base).json()["items"]] == [record["id"]]
    assert client.get(f"{base}/{record['id']}").json()["statement"] == CANARY
    changed = client.patch(
        f"{base}/{record['id']}",
        json={"expected_version": 1, "changes": {"views_on_clemency": "supports"}},
        headers=headers,
    )
    assert changed.json()["version"] == 2
    stale = client.patch(
        f"{base}/{record['id']}",
        json={"expected_version": 1, "changes": {"views_on_clemency": "opposes"}},
        headers=headers,
    )
    assert stale.status_code == 409
    assert stale.json()["details"]["current"]["views_on_clemency"] == "supports"
    bad = client.post(
        base,
        json={"values": {"identity": "named", "relation_to_offense": "neighbour"}},
        headers=headers,
    )
    assert bad.status_code == 422
    assert bad.json()["details"]["field"] == "relation_to_offense"
    deleted = client.delete(
        f"{base}/{record['id']}", params={"expected_version": 2}, headers=headers
    )
    assert deleted.status_code == 204
    assert client.get(base).json()["items"] == []


@pytest.mark.parametrize("role", ["volunteer", "viewer"])
def test_roles_without_the_sensitive_grant_get_no_victim_information(site: Site, role: str) -> None:
    record_id = _seed_record(site)
    case_id = site.cases["a_assigned"]  # the volunteer is assigned: they may open the case
    client = site.client(("a", role))
    token = csrf_of(client, "/")
    headers = {"x-csrf-token": token}

    page = client.get(f"/cases/{case_id}")
    assert page.status_code == 200
    assert CANARY not in page.text
    assert "Restricted: your role may not see victim information." in page.text
    assert f"/cases/{case_id}/parts/victim_records/new" not in page.text

    base = f"/cases/{case_id}/parts/victim_records"
    responses = {
        "new form": client.get(f"{base}/new"),
        "create": client.post(f"{base}/new", data={**FORM, "csrf_token": token}),
        "edit form": client.get(f"{base}/{record_id}/edit"),
        "edit": client.post(
            f"{base}/{record_id}/edit", data={**FORM, "csrf_token": token, "version": "1"}
        ),
        "delete": client.post(
            f"{base}/{record_id}/delete", data={"csrf_token": token, "version": "1"}
        ),
    }
    api = f"/api/v1/cases/{case_id}/parts/victim_records"
    api_responses = {
        "api list": client.get(api),
        "api get": client.get(f"{api}/{record_id}"),
        "api create": client.post(api, json={"values": {"identity": "unknown"}}, headers=headers),
        "api update": client.patch(
            f"{api}/{record_id}",
            json={"expected_version": 1, "changes": {"statement": "x"}},
            headers=headers,
        ),
        "api delete": client.delete(
            f"{api}/{record_id}", params={"expected_version": 1}, headers=headers
        ),
    }
    for what, response in {**responses, **api_responses}.items():
        assert response.status_code == 403, (what, response.status_code)
        assert CANARY not in response.text, what
    for what, response in api_responses.items():
        assert response.json()["code"] == "permission_denied", what
    if role == "volunteer":  # a viewer is refused earlier: they may change nothing at all
        assert "may not see or change victim records" in responses["edit form"].text
        assert "may not see or change victim records" in api_responses["api update"].text
    assert "may not see or change victim records" in api_responses["api list"].text
    record = _record(site, record_id)
    assert record is not None
    assert (record.version, record.statement) == (1, f"{CANARY} statement")

    with unit_of_work(site.engine) as session:
        from clemency.accounts.models import User

        user = session.get(User, site.users[("a", role)][0])
        assert user is not None
        out = io.StringIO()
        transfer.write_documents(transfer.export_cases(session=session, user=user), out, "json")
    documents = [json.loads(line) for line in out.getvalue().splitlines()]
    assert documents, "the export carries the cases the role may see…"
    assert all(document["victim_records"] == [] for document in documents)  # …without victims
    assert CANARY not in out.getvalue()


def test_an_attorney_exports_victim_records_and_other_organizations_see_nothing(
    site: Site,
) -> None:
    _seed_record(site)
    from clemency.accounts.models import User

    with unit_of_work(site.engine) as session:
        for who, expected in ((("a", "attorney"), True), (("b", "admin"), False)):
            user = session.get(User, site.users[who][0])
            assert user is not None
            out = io.StringIO()
            transfer.write_documents(transfer.export_cases(session=session, user=user), out, "json")
            assert (CANARY in out.getvalue()) is expected, who
    outsider: TestClient = site.client(("b", "admin"))
    response = outsider.get(f"/api/v1/cases/{site.cases['a_assigned']}/parts/victim_records")
    assert response.status_code == 404
    assert CANARY not in response.text
