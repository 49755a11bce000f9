"""Tasks, the screening queue and the activity feed over HTTP: API and pages, object-level
authorization like every case route, GETs that change nothing."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from clemency.audit.models import AuditEvent
from clemency.db.session import unit_of_work
from clemency.reviews.models import CaseScreening
from clemency.tasks.models import Task
from tests.integration.web.conftest import Site, csrf_of


def _api(site: Site, who: tuple[str, str] = ("a", "attorney")) -> tuple[TestClient, dict[str, str]]:
    client = site.client(who)
    return client, {"x-csrf-token": csrf_of(client, "/")}


def _changes(site: Site) -> int:
    with unit_of_work(site.engine) as session:
        return int(
            session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action != "read")
            )
            or 0
        )


def test_tasks_api_adds_lists_and_completes(site: Site) -> None:
    client, headers = _api(site)
    case_id = site.cases["a_other"]
    made = client.post(
        f"/api/v1/cases/{case_id}/tasks",
        json={"title": "Ask for the PSR", "due_on": "2027-01-31"},
        headers=headers,
    )
    assert made.status_code == 201, made.text
    task = made.json()
    assert (task["title"], task["due_on"], task["done"]) == ("Ask for the PSR", "2027-01-31", False)
    listed = client.get(f"/api/v1/cases/{case_id}/tasks").json()["tasks"]
    assert [t["id"] for t in listed] == [task["id"]]
    done = client.post(f"/api/v1/cases/{case_id}/tasks/{task['id']}/complete", headers=headers)
    assert done.status_code == 200
    assert done.json()["done_by"] == site.users[("a", "attorney")][1]


def test_tasks_api_refuses_bad_input_and_other_peoples_cases(site: Site) -> None:
    client, headers = _api(site)
    case_id = site.cases["a_other"]
    too_long = client.post(
        f"/api/v1/cases/{case_id}/tasks", json={"title": "x" * 201}, headers=headers
    )
    assert too_long.status_code == 422
    assert "at most 200" in too_long.json()["message"]
    bad_date = client.post(
        f"/api/v1/cases/{case_id}/tasks",
        json={"title": "x", "due_on": "31/01/2027"},
        headers=headers,
    )
    assert bad_date.status_code == 422
    b_client, b_headers = _api(site, ("b", "admin"))
    assert b_client.get(f"/api/v1/cases/{case_id}/tasks").status_code == 404
    refused = b_client.post(
        f"/api/v1/cases/{case_id}/tasks", json={"title": "x"}, headers=b_headers
    )
    assert refused.status_code == 404
    viewer, v_headers = _api(site, ("a", "viewer"))
    assert viewer.get(f"/api/v1/cases/{case_id}/tasks").status_code == 200
    assert (
        viewer.post(
            f"/api/v1/cases/{case_id}/tasks", json={"title": "x"}, headers=v_headers
        ).status_code
        == 403
    )


def test_the_case_task_pages_add_and_complete_and_gets_change_nothing(site: Site) -> None:
    client = site.client(("a", "admin"))
    case_id = site.cases["a_assigned"]
    token = csrf_of(client, f"/cases/{case_id}/tasks")
    bad = client.post(
        f"/cases/{case_id}/tasks", data={"title": "", "due_on": "soon", "csrf_token": token}
    )
    assert bad.status_code == 422
    assert "is not a date: use YYYY-MM-DD" in bad.text
    added = client.post(
        f"/cases/{case_id}/tasks",
        data={"title": "Write to the warden", "due_on": "2027-02-01", "csrf_token": token},
    )
    assert added.status_code == 303
    before = _changes(site)
    for path in (
        f"/cases/{case_id}/tasks",
        f"/cases/{case_id}/tasks/_panel",
        "/tasks",
        "/tasks/_mine",
        f"/cases/{case_id}",
        "/",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
    assert _changes(site) == before  # reads only
    panel = client.get(f"/cases/{case_id}/tasks/_panel").text
    assert "Write to the warden" in panel
    assert "<html" not in panel  # a fragment for htmx
    with unit_of_work(site.engine) as session:
        task_id = session.scalars(select(Task.id)).one()
    done = client.post(
        f"/cases/{case_id}/tasks/{task_id}/done", data={"back": "case", "csrf_token": token}
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/cases/{case_id}?saved=1"
    assert "No open tasks" in client.get(f"/cases/{case_id}/tasks/_panel").text
    # The volunteer assigned to the case sees it among their tasks until it is done.
    assert "Write to the warden" not in site.client(("a", "volunteer")).get("/tasks").text


def test_the_dashboard_and_case_page_load_the_task_panels(site: Site) -> None:
    client = site.client(("a", "volunteer"))
    assert 'hx-get="/tasks/_mine"' in client.get("/").text
    case_id = site.cases["a_assigned"]
    assert f'hx-get="/cases/{case_id}/tasks/_panel"' in client.get(f"/cases/{case_id}").text


def _screen(site: Site, case_key: str, outcome: str, eligible_on: date | None = None) -> None:
    with unit_of_work(site.engine) as session:
        session.add(
            CaseScreening(
                case_id=site.cases[case_key],
                ruleset_id="us-federal/commutation",
                outcome=outcome,
                as_of=date.today(),
                eligible_on=eligible_on,
                determination_json="{}",
            )
        )


def test_queue_api_dismiss_snooze_restore_and_report(site: Site) -> None:
    _screen(site, "a_other", "eligible")
    _screen(site, "a_assigned", "ineligible", date.today() + timedelta(days=20))
    client, headers = _api(site)
    queue = client.get("/api/v1/queues/screening?within=30").json()
    assert [p["case_id"] for p in queue["people"]] == [
        site.cases["a_other"],
        site.cases["a_assigned"],
    ]
    assert queue["people"][1]["eligible_on"] == (date.today() + timedelta(days=20)).isoformat()
    assert client.get("/api/v1/queues/screening?within=10").json()["total"] == 1
    dismissed = client.post(
        f"/api/v1/cases/{site.cases['a_other']}/queue/dismiss",
        json={"reason": "not_interested"},
        headers=headers,
    )
    assert dismissed.status_code == 200, dismissed.text
    bad = client.post(
        f"/api/v1/cases/{site.cases['a_assigned']}/queue/snooze",
        json={"until": date.today().isoformat()},
        headers=headers,
    )
    assert bad.status_code == 422
    assert bad.json()["details"]["field"] == "until"
    report = client.get("/api/v1/queues/screening/report").json()
    assert (report["dismissed"], report["dismissed_by_reason"]["not_interested"]) == (1, 1)
    assert client.get("/api/v1/queues/screening?within=30").json()["total"] == 1
    restored = client.post(f"/api/v1/cases/{site.cases['a_other']}/queue/restore", headers=headers)
    assert restored.status_code == 200
    b_client, b_headers = _api(site, ("b", "admin"))
    assert b_client.get("/api/v1/queues/screening").json()["total"] == 0
    refused = b_client.post(
        f"/api/v1/cases/{site.cases['a_other']}/queue/dismiss",
        json={"reason": "deceased"},
        headers=b_headers,
    )
    assert refused.status_code == 404
    assert client.get("/api/v1/queues/screening?within=99999").status_code == 422


def test_the_queue_page_dismisses_and_snoozes(site: Site) -> None:
    _screen(site, "a_other", "eligible")
    client = site.client(("a", "attorney"))
    page = client.get("/queues")
    assert page.status_code == 200
    assert "Represented elsewhere" in page.text
    token = csrf_of(client, "/queues")
    case_id = site.cases["a_other"]
    wrong = client.post(f"/queues/{case_id}/dismiss", data={"reason": "", "csrf_token": token})
    assert wrong.status_code == 422
    assert "Choose a reason" in wrong.text
    snoozed = client.post(
        f"/queues/{case_id}/snooze",
        data={"until": (date.today() + timedelta(days=5)).isoformat(), "csrf_token": token},
    )
    assert snoozed.status_code == 303
    assert "Nobody here" in client.get("/queues").text
    assert "Snoozed until" in client.get("/queues?view=snoozed").text
    assert client.get("/queues?page=0").status_code == 422


def test_the_activity_feed_tells_who_changed_what(site: Site) -> None:
    client, headers = _api(site, ("a", "admin"))
    case_id = site.cases["a_assigned"]
    client.post(f"/api/v1/cases/{case_id}/tasks", json={"title": "Call"}, headers=headers)
    entries = client.get(f"/api/v1/cases/{case_id}/activity").json()["entries"]
    texts = [e["text"] for e in entries]
    assert texts[0].endswith("added a task")
    assert entries[0]["fields"] == ["assignee_id", "due_on", "title"]  # names, never values
    assert any("changed who works on the case" in t for t in texts)
    assert all("read" not in t for t in texts)
    page = client.get(f"/cases/{case_id}/activity")
    assert page.status_code == 200
    assert "added a task" in page.text
    assert "Assignee ID, Due on, Title" in page.text
    assert site.client(("b", "admin")).get(f"/cases/{case_id}/activity").status_code == 404


def test_a_pardon_waiting_period_puts_the_person_in_the_queue_on_its_day(site: Site) -> None:
    """28 CFR 1.2: no pardon petition until five years after release from confinement. Released
    2022-03-01, the person is eligible on 2027-03-01: 59 days after 2027-01-01."""
    from datetime import UTC, datetime

    site.app.state.clock = lambda: datetime(2027, 1, 1, 12, tzinfo=UTC)  # type: ignore[attr-defined]
    client, headers = _api(site)
    case_id = site.cases["a_other"]
    stay = client.post(
        f"/api/v1/cases/{case_id}/parts/custody",
        json={
            "values": {
                "facility": "FCI Aliceville",
                "started_on": "2020-01-02",
                "released_on": "2022-03-01",
            }
        },
        headers=headers,
    )
    assert stay.status_code == 201, stay.text
    version = client.get(f"/api/v1/cases/{case_id}/facts").json()["version"]
    facts = {
        "conviction_court": "federal_district",
        "is_deceased": False,
        "offense_level": "felony",
        "on_supervision": False,
        "resides_in_us": True,
        "sentence_date": "2020-01-01",
    }
    changed = client.patch(
        f"/api/v1/cases/{case_id}/facts",
        json={"expected_version": version, "facts": facts},
        headers=headers,
    )
    assert changed.status_code == 200, changed.text
    rows = client.get(f"/api/v1/cases/{case_id}/parts/convictions").json()["items"]
    sentence = client.post(
        f"/api/v1/cases/{case_id}/parts/sentences",
        json={"values": {"conviction_id": rows[0]["id"], "prison_months": 26}},
        headers=headers,
    )
    assert sentence.status_code == 201, sentence.text
    # Screening the case stores its determinations, eligible_on included.
    client.get(f"/api/v1/cases/{case_id}/determinations", params={"as_of": "2027-01-01"})
    with unit_of_work(site.engine) as session:
        stored = session.scalars(
            select(CaseScreening).where(
                CaseScreening.case_id == case_id, CaseScreening.ruleset_id == "us-federal/pardon"
            )
        ).one()
        assert (stored.outcome, stored.eligible_on) == ("ineligible", date(2027, 3, 1))
    within_59 = client.get("/api/v1/queues/screening?within=59").json()["people"]
    assert [(p["case_id"], p["eligible_on"]) for p in within_59] == [(case_id, "2027-03-01")]
    assert client.get("/api/v1/queues/screening?within=58").json()["total"] == 0


def test_the_feed_tells_of_sensitive_parts_only_to_who_may_see_them(site: Site) -> None:
    client, headers = _api(site, ("a", "attorney"))
    case_id = site.cases["a_assigned"]
    created = client.post(
        f"/api/v1/cases/{case_id}/parts/health_notes",
        json={"values": {"text": "canary-diagnosis", "is_critical_illness": True}},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    assert "added a health note" in client.get(f"/cases/{case_id}/activity").text
    for role in ("viewer", "volunteer"):
        page = site.client(("a", role)).get(f"/cases/{case_id}/activity")
        assert page.status_code == 200
        assert "health note" not in page.text
        assert "canary-diagnosis" not in page.text


def test_unclaimed_tasks_are_on_the_tasks_page_and_dashboard_of_who_gives_out_work(
    site: Site,
) -> None:
    from clemency.accounts.models import User
    from clemency.db.session import unit_of_work
    from clemency.tasks import service as task_service

    with unit_of_work(site.engine) as session:
        attorney = session.get(User, site.users[("a", "attorney")][0])
        assert attorney is not None
        task_service.create(
            session=session,
            user=attorney,
            case_id=site.cases["a_other"],
            title="Unclaimed: ask for the presentence report",
            due_on=None,
            assignee_id=None,
        )
    admin = site.client(("a", "admin"))
    page = admin.get("/tasks")
    assert "yet (1)</h2>" in page.text
    assert "Unclaimed: ask for the presentence report" in page.text
    assert "on cases assigned to nobody" in admin.get("/tasks/_mine").text
    volunteer = site.client(("a", "volunteer"))
    assert "Unclaimed: ask for the presentence report" not in volunteer.get("/tasks").text
    assert "assigned to nobody" not in volunteer.get("/tasks/_mine").text
