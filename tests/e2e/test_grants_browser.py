"""The public record in a real browser: commutations on the statistics page and in Alice Marie
Johnson's precedents (run with ``pytest --e2e``)."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import DemoServer, shot, shot_of, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def with_grants(demo_server: DemoServer) -> DemoServer:
    """The demo's bundled sources imported into the server's database (idempotent)."""
    from clemency.db.session import make_engine, unit_of_work
    from clemency.grants.service import import_bundled_pages

    engine = make_engine(f"sqlite:///{demo_server.tmp / 'demo.db'}")
    try:
        with unit_of_work(engine) as session:
            import_bundled_pages(session=session)
    finally:
        engine.dispose()
    return demo_server


def test_statistics_show_commutations(page, with_grants: DemoServer) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, with_grants, "justice-clinic", "viewer")
    page.goto(with_grants.url + "/statistics")
    assert page.get_by_text(re.compile(r"1386 commutations\) parsed from 4 sources")).is_visible()
    sources = page.get_by_role("table", name="Sources")
    assert sources.get_by_role("cell", name=re.compile("^FiveThirtyEight's copy")).is_visible()
    assert sources.get_by_text(re.compile("CC BY 4.0")).is_visible()
    chart = page.get_by_role(
        "img", name="Commutations: original sentence against commuted sentence"
    )
    chart.scroll_into_view_if_needed()
    assert page.evaluate("(img) => img.naturalWidth", chart.element_handle()) > 0
    shot_of(chart, "grants-01-commutation-sentences")
    summary = page.get_by_role("table", name="Commutation summary")
    assert summary.get_by_role(
        "cell", name="share conditioned on residential drug treatment"
    ).is_visible()
    shot(page, "grants-02-statistics")


def test_alice_precedents_are_commuted_life_drug_sentences(page, with_grants: DemoServer) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, with_grants, "justice-clinic", "attorney")
    page.goto(f"{with_grants.url}/cases/{with_grants.alice_case_id}/precedents?as_of=2018-06-01")
    assert page.get_by_text("Ranked for a commutation").is_visible()
    table = page.get_by_role("table", name="Most similar grants, best first")
    rows = table.locator("tbody tr")
    assert rows.count() == 15
    first = rows.first
    assert "commutation" in first.inner_text()
    assert "life" in first.inner_text()
    assert re.search(r"to (expire|\d+ months)", first.inner_text())
    assert "both life sentences" in first.inner_text()
    shot(page, "grants-03-alice-precedents")
