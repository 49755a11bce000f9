from __future__ import annotations

from tests.integration.web.conftest import Site


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
        f"/cases/{case_id}/edit",
        f"/cases/{case_id}/person/edit",
        f"/cases/{case_id}/parts/convictions/new",
        "/cases/new",
    ]:
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:2000])
