"""A page view is answered only once its reads are recorded.

Page views hand their reads to a group commit after their own commit (web/deps.py ``get_db``,
``audit.record_reads``). What must hold, as when each chained its reads in its own commit: the
read is in the trail when the page arrives, and a page whose read cannot be recorded is not
shown.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from clemency.audit.models import AuditEvent
from clemency.cases.models import Case
from clemency.db.session import unit_of_work
from tests.integration.web.conftest import Site, sign_in


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite here; the group commit itself runs on both backends in
    tests/integration/store/test_reads_together.py."""
    return f"sqlite:///{tmp_path / 'site.db'}"


def test_the_read_is_in_the_trail_when_the_page_arrives_and_no_page_without_it(
    site: Site,
) -> None:
    case_id = site.cases["a_other"]
    with unit_of_work(site.engine) as session:
        reference = session.get_one(Case, case_id).reference
    client = TestClient(site.app, raise_server_exceptions=False, follow_redirects=False)  # type: ignore[arg-type]
    sign_in(client, site.users[("a", "attorney")][1])
    page = client.get(f"/cases/{case_id}")
    assert page.status_code == 200
    assert reference in page.text
    request_id = page.headers["x-request-id"]
    with unit_of_work(site.engine) as session:
        recorded = session.execute(
            select(AuditEvent.action, AuditEvent.entity_type).where(
                AuditEvent.request_id == request_id, AuditEvent.case_id == case_id
            )
        ).all()
        assert ("read", "case") in recorded
        assert {action for action, _kind in recorded} == {"read"}
        # the trail is keyed with a key this server does not have: no read can be recorded
        session.execute(text("UPDATE audit_chain SET key_id = 'k-elsewhere'"))
    refused = client.get(f"/cases/{case_id}")
    assert refused.status_code >= 400  # the error page of AuditKeyError, not the case
    assert reference not in refused.text
