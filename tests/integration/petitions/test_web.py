"""The petition pages and API through the real application (TestClient), with the CSRF check,
the case authorization check and the supporter's page without an account."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from clemency.accounts.models import User
from clemency.config import Settings
from clemency.db.session import unit_of_work
from clemency.testing import factories
from tests.integration.web.conftest import _HASH, csrf_of, sign_in

from .builders import make_alice


@pytest.fixture
def web(database_url: str, tmp_path: Path) -> Iterator[dict[str, Any]]:
    import clemency.documents.models
    import clemency.petitions.models  # noqa: F401
    from clemency.web.app import create_app
    from tests.integration.web.conftest import create_schema

    engine = create_schema(database_url)
    with unit_of_work(engine) as session:
        world = factories.make_world(session)
        for user in world.users.values():
            user.password_hash = _HASH
        alice = make_alice(session, world.users[("a", "admin")], world.orgs["a"])
        ids = {"alice": alice.id, "b_case": world.cases["b_case"].id, "org_a": world.orgs["a"].id}
        emails = {key: u.email for key, u in world.users.items()}
    settings = Settings(
        environment="test",
        database_url=database_url,
        data_dir=tmp_path / "data",
        max_upload_bytes=200_000,
    )
    app = create_app(settings)
    with TestClient(app):
        pass
    yield {"app": app, "ids": ids, "emails": emails, "settings": settings}
    app.state.engine.dispose()
    engine.dispose()


def client(web: dict[str, Any], who: tuple[str, str] | None = None) -> TestClient:
    c = TestClient(web["app"], follow_redirects=False)
    if who is not None:
        sign_in(c, web["emails"][who])
    return c


def test_staff_request_a_letter_supporter_uploads_staff_accepts_and_it_is_in_the_packet(
    web: dict[str, Any],
) -> None:
    import io

    from pypdf import PdfReader

    staff = client(web, ("a", "attorney"))
    case_id = web["ids"]["alice"]
    page = staff.get(f"/cases/{case_id}/petitions")
    assert page.status_code == 200
    token = csrf_of(staff, f"/cases/{case_id}/petitions")
    made = staff.post(
        f"/cases/{case_id}/letters",
        data={
            "csrf_token": token,
            "author_name": "Arcala Washington-Adduci",
            "relationship": "Warden",
            "is_relative": "no",
        },
    )
    assert made.status_code == 200
    link = re.search(r'value="(http://testserver/letters/[^"]+)"', made.text)
    assert link
    path = link.group(1).replace("http://testserver", "")

    supporter = TestClient(web["app"], follow_redirects=False)
    form = supporter.get(path)
    assert form.status_code == 200
    assert form.headers["cache-control"] == "no-store"
    assert form.headers["referrer-policy"] == "same-origin"
    assert "Letter of support for Alice Marie Johnson" in form.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
    no_csrf = supporter.post(path, data={"typed_text": "x"})
    assert no_csrf.status_code == 403
    fake = supporter.post(
        path,
        data={"csrf_token": csrf},
        files={"file": ("letter.pdf", b"<html>no</html>", "application/pdf")},
    )
    assert fake.status_code == 415, fake.text[-1500:]
    assert "whatever its name says" in fake.text
    sent = supporter.post(
        path, data={"csrf_token": csrf, "typed_text": "Ms. Johnson is a model inmate and a mentor."}
    )
    assert sent.status_code == 200
    assert "Thank you" in sent.text
    again = supporter.get(path)
    assert again.status_code == 410

    token = csrf_of(staff, f"/cases/{case_id}/petitions")
    second = staff.post(
        f"/cases/{case_id}/letters", data={"csrf_token": token, "author_name": "Second Writer"}
    )
    second_path = re.search(r'value="http://testserver(/letters/[^"]+)"', second.text).group(1)  # type: ignore[union-attr]
    page = staff.get(f"/cases/{case_id}/petitions").text
    second_id = re.findall(
        r'action="/cases/\d+/letters/revoke" class="inline">\s*<input[^>]*><input type="hidden" name="letter_id" value="(\d+)"',
        page,
    )
    assert len(second_id) == 1
    reminded = staff.post(
        f"/cases/{case_id}/letters/reminded", data={"csrf_token": token, "letter_id": second_id[0]}
    )
    assert reminded.status_code == 303
    assert "reminded " in staff.get(f"/cases/{case_id}/petitions").text
    revoked = staff.post(
        f"/cases/{case_id}/letters/revoke", data={"csrf_token": token, "letter_id": second_id[0]}
    )
    assert revoked.status_code == 303
    assert supporter.get(second_path).status_code == 410

    listing = staff.get(f"/cases/{case_id}/petitions")
    letter_id = re.search(r'name="letter_id" value="(\d+)"', listing.text).group(1)  # type: ignore[union-attr]
    token = csrf_of(staff, f"/cases/{case_id}/petitions")
    accepted = staff.post(
        f"/cases/{case_id}/letters/review",
        data={"csrf_token": token, "letter_id": letter_id, "decision": "accept"},
    )
    assert accepted.status_code == 303
    download = staff.get(f"/cases/{case_id}/letters/file", params={"letter": letter_id})
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["x-content-type-options"] == "nosniff"
    packet = staff.get(
        f"/cases/{case_id}/packet", params={"form": "us-federal/commutation", "format": "pdf"}
    )
    assert packet.status_code == 200
    text = " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(packet.content)).pages)
    assert "Ms. Johnson is a model inmate and a mentor." in " ".join(text.split())
    assert "Letter of support from Arcala Washington-Adduci" in " ".join(text.split())


def test_illegal_transition_page_shows_reason_and_next_steps(web: dict[str, Any]) -> None:
    staff = client(web, ("a", "attorney"))
    case_id = web["ids"]["alice"]
    token = csrf_of(staff, f"/cases/{case_id}/petitions")
    assert (
        staff.post(
            f"/cases/{case_id}/petitions", data={"csrf_token": token, "kind": "commutation"}
        ).status_code
        == 303
    )
    page = staff.get(f"/cases/{case_id}/petitions")
    petition_id = re.search(r'name="petition_id" value="(\d+)"', page.text).group(1)  # type: ignore[union-attr]
    refused = staff.post(
        f"/cases/{case_id}/petitions/transition",
        data={
            "csrf_token": token,
            "petition_id": petition_id,
            "transition": "submit",
            "channel": "email",
        },
    )
    assert refused.status_code == 409
    assert "the packet is incomplete" in refused.text
    assert "Allowed next steps: submit, withdraw" in refused.text

    api = staff.post(
        f"/api/v1/cases/{case_id}/petitions/transitions",
        json={"petition_id": int(petition_id), "transition": "grant", "on": "2018-06-06"},
        headers={"x-csrf-token": token},
    )
    assert api.status_code == 409
    body = api.json()
    assert body["code"] == "illegal_transition"
    assert body["details"]["allowed"] == ["submit", "withdraw"]
    listed = staff.get(f"/api/v1/cases/{case_id}/petitions").json()
    assert listed[0]["stage"] == "draft"
    assert staff.get(f"/api/v1/cases/{case_id}/interview").json()["questions"]


def test_other_organization_sees_nothing_and_viewer_cannot_write(web: dict[str, Any]) -> None:
    case_id = web["ids"]["alice"]
    outsider = client(web, ("b", "admin"))
    for path in (
        "/petitions",
        "/packet?form=us-federal/commutation",
        "/interview",
        "/letters/file?letter=1",
    ):
        assert outsider.get(f"/cases/{case_id}{path}").status_code == 404
    viewer = client(web, ("a", "viewer"))
    assert viewer.get(f"/cases/{case_id}/petitions").status_code == 200
    token = csrf_of(viewer, f"/cases/{case_id}/petitions")
    assert (
        viewer.post(
            f"/cases/{case_id}/letters", data={"csrf_token": token, "author_name": "X"}
        ).status_code
        == 403
    )


def test_deadlines_page_and_private_calendar_feed(web: dict[str, Any]) -> None:
    staff = client(web, ("a", "attorney"))
    page = staff.get("/deadlines")
    assert page.status_code == 200
    assert "/deadlines/feed/" not in page.text  # the link is shown once, when it is made
    made = staff.post("/account/calendar-feed", data={"csrf_token": csrf_of(staff, "/account")})
    feed = re.search(r'value="http://testserver(/deadlines/feed/[^"]+\.ics)"', made.text).group(1)  # type: ignore[union-attr]
    anonymous = TestClient(web["app"])
    ics = anonymous.get(feed)
    assert ics.status_code == 200
    assert ics.headers["content-type"].startswith("text/calendar")
    assert ics.text.startswith("BEGIN:VCALENDAR")
    assert anonymous.get(feed.replace(".ics", "x.ics")).status_code == 410
    org = web["ids"]["org_a"]
    assert staff.get("/deadlines", params={"org": org}).status_code == 200
    assert client(web, ("a", "volunteer")).get("/deadlines", params={"org": org}).status_code == 403


def test_dashboard_lists_the_next_deadlines_of_my_cases(web: dict[str, Any]) -> None:
    """A letter requested on Alice's case brings a follow-up deadline 14 days later; the
    dashboard shows it once the case is the attorney's, not before."""
    from clemency.cases import service as case_service
    from clemency.cases.access import Operator

    app = web["app"]
    staff = client(web, ("a", "attorney"))
    case_id = web["ids"]["alice"]
    token = csrf_of(staff, f"/cases/{case_id}/petitions")
    made = staff.post(
        f"/cases/{case_id}/letters",
        data={
            "csrf_token": token,
            "author_name": "Vocational Instructor",
            "relationship": "Instructor",
            "is_relative": "no",
        },
    )
    assert made.status_code == 200
    before = staff.get("/")
    assert "Deadlines coming up" in before.text
    assert "Follow up: letter from Vocational Instructor" not in before.text
    with unit_of_work(app.state.engine) as session:
        attorney_id = session.scalars(
            select(User.id).where(User.email == web["emails"][("a", "attorney")])
        ).one()
        case_service.assign(
            session=session, user=Operator("test"), case_id=case_id, assignee_id=attorney_id
        )
    after = staff.get("/")
    assert "Follow up: letter from Vocational Instructor not received" in after.text
