"""Finding 9 of issue #12, letters and notes: ``valid_days=9999`` answered 500; revoking or
marking "reminded" with another case's letter id answered 303 and wrote a misleading audit
row; notes took any ``author_id`` (authorship could be forged)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clemency.audit.models import AuditEvent
from clemency.cases.models import Note
from clemency.petitions.models import SupportLetter
from tests.integration.web.conftest import Site, csrf_of

ATTORNEY = ("a", "attorney")


def _letter_form(token: str, **extra: str) -> dict[str, str]:
    return {"csrf_token": token, "author_name": "Pat Supporter", "relationship": "friend", **extra}


def _request_letter(site: Site, case_key: str) -> int:
    client = site.client(ATTORNEY)
    case_id = site.cases[case_key]
    token = csrf_of(client, f"/cases/{case_id}/petitions")
    answer = client.post(f"/cases/{case_id}/letters", data=_letter_form(token, valid_days="30"))
    assert answer.status_code == 200, answer.text
    with Session(site.engine) as session:
        return (
            session.scalars(
                select(SupportLetter.id)
                .where(SupportLetter.case_id == case_id)
                .order_by(SupportLetter.id.desc())
            ).first()
            or 0
        )


@pytest.mark.parametrize("days", ["9999", "0", "-3", "91"])
def test_a_letter_link_outside_1_to_90_days_is_a_clear_422(site: Site, days: str) -> None:
    client = site.client(ATTORNEY)
    case_id = site.cases["a_other"]
    token = csrf_of(client, f"/cases/{case_id}/petitions")
    answer = client.post(f"/cases/{case_id}/letters", data=_letter_form(token, valid_days=days))
    assert answer.status_code == 422
    assert "1 to 90 days" in answer.text
    with Session(site.engine) as session:
        assert not session.scalar(
            select(func.count()).select_from(SupportLetter).where(SupportLetter.case_id == case_id)
        )


def _letter_audit_rows(site: Site, letter_id: int) -> int:
    with Session(site.engine) as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(
                    AuditEvent.entity_type == "letter_request",
                    AuditEvent.entity_id == str(letter_id),
                )
            )
            or 0
        )


@pytest.mark.parametrize("action", ["revoke", "reminded"])
def test_another_cases_letter_id_is_404_and_not_audited(site: Site, action: str) -> None:
    letter_id = _request_letter(site, "a_other")
    client = site.client(ATTORNEY)
    elsewhere = site.cases["a_assigned"]
    token = csrf_of(client, f"/cases/{elsewhere}/petitions")
    before = _letter_audit_rows(site, letter_id)
    answer = client.post(
        f"/cases/{elsewhere}/letters/{action}",
        data={"csrf_token": token, "letter_id": str(letter_id)},
    )
    assert answer.status_code == 404
    assert _letter_audit_rows(site, letter_id) == before
    # on its own case the same action works and is audited once
    own = site.cases["a_other"]
    answer = client.post(
        f"/cases/{own}/letters/{action}", data={"csrf_token": token, "letter_id": str(letter_id)}
    )
    assert answer.status_code == 303
    assert _letter_audit_rows(site, letter_id) == before + 1


def test_a_note_cannot_claim_another_author(site: Site) -> None:
    client = site.client(ATTORNEY)
    headers = {"x-csrf-token": csrf_of(client, "/")}
    case_id = site.cases["a_other"]
    someone_else = site.users[("a", "admin")][0]
    url = f"/api/v1/cases/{case_id}/parts/notes"
    forged = client.post(
        url,
        json={"values": {"text": "I never wrote this", "author_id": someone_else}},
        headers=headers,
    )
    assert forged.status_code == 422
    assert forged.json()["details"]["field"] == "author_id"
    made = client.post(url, json={"values": {"text": "mine"}}, headers=headers)
    assert made.status_code == 201, made.text
    assert made.json()["author_id"] == site.users[ATTORNEY][0]
    note_id = made.json()["id"]
    changed = client.patch(
        f"{url}/{note_id}",
        json={"expected_version": made.json()["version"], "changes": {"author_id": someone_else}},
        headers=headers,
    )
    assert changed.status_code == 422
    with Session(site.engine) as session:
        note = session.get(Note, note_id)
        assert note is not None
        assert note.author_id == site.users[ATTORNEY][0]


def test_a_note_written_with_the_form_is_signed_by_its_writer(site: Site) -> None:
    client = site.client(("a", "volunteer"))
    case_id = site.cases["a_assigned"]
    token = csrf_of(client, f"/cases/{case_id}/parts/notes/new")
    answer = client.post(
        f"/cases/{case_id}/parts/notes/new",
        data={"csrf_token": token, "text": "Visited today", "author_id": "1"},
    )
    assert answer.status_code in (200, 303), answer.text
    with Session(site.engine) as session:
        note = session.scalars(select(Note).where(Note.case_id == case_id)).one()
        assert note.author_id == site.users[("a", "volunteer")][0]
