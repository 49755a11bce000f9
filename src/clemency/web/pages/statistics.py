"""Statistics pages: the public record of grants (tables, charts, CSV, published totals),
an organization's own statistics with small-count suppression, and a case's precedents."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from clemency.errors import NotFound
from clemency.grants import casework, charts, stats
from clemency.grants import service as grants_service
from clemency.grants.schemas import Grant
from clemency.web.deps import CurrentCase, CurrentIdentity, SessionDep, SettingsDep, now
from clemency.web.pages.screening import parse_as_of
from clemency.web.templating import render

router = APIRouter(tags=["pages: statistics"], include_in_schema=False)

CHART_TITLES = {
    "by_year_and_kind": "Grants by year and kind (pardons and commutations)",
    "commutation_sentences": "Commutations: original sentence against commuted sentence",
    "commutation_time_served": "Commutations: years served at the grant",
    "by_year": "Grants by year and president",
    "by_category": "Grants by offense category",
    "by_sentence_length": "Grants by longest prison term",
    "by_district": "Grants by court (top 15)",
    "parsed_vs_published": "Parsed grants compared with the published totals",
}
TABLES = (
    "comparison_with_published",
    "commutation_summary",
    "commutation_by_original_sentence",
    "commutation_terms",
    "by_year_and_kind",
    "by_president_year",
    "by_kind",
    "by_category",
    "category_rules",
    "by_district",
    "by_sentence_length",
    "reference_administrations",
    "reference_fiscal_years",
    "commutations",
    "grants",
)
_DOWNLOAD_ONLY = {"grants", "commutations"}


_CHART_CACHE: dict[tuple[str, str, str], bytes] = {}
_CHART_CACHE_SIZE = 32


def _chart(fingerprint: str, name: str, fmt: str, grants: tuple[Grant, ...]) -> bytes:
    """Charts are pure functions of the stored grants: cache them by the grants' fingerprint."""
    key = (fingerprint, name, fmt)
    if key not in _CHART_CACHE:
        if len(_CHART_CACHE) >= _CHART_CACHE_SIZE:
            _CHART_CACHE.pop(next(iter(_CHART_CACHE)))
        _CHART_CACHE[key] = charts.chart_bytes(name, grants, "svg" if fmt == "svg" else "png")
    return _CHART_CACHE[key]


def _grants(db: SessionDep) -> tuple[str, tuple[Grant, ...]]:
    grants = tuple(grants_service.list_grants(session=db))
    digest = hashlib.sha256()
    for grant in grants:
        digest.update(f"{grant.source_sha256}:{grant.entry_index};".encode())
    return digest.hexdigest(), grants


@router.get("/statistics")
def public_record(request: Request, db: SessionDep, _identity: CurrentIdentity) -> Response:
    """The public record: what was imported, the tables and the charts."""
    fingerprint, grants = _grants(db)
    every_table = stats.tables(grants) if grants else {}
    shown = {name: every_table.get(name, []) for name in TABLES if name not in _DOWNLOAD_ONLY}
    presidents = sorted({(g.president, g.source_file) for g in grants})
    sources = grants_service.list_sources(session=db)
    return render(
        request,
        "statistics/public.html",
        {
            "nav": "statistics",
            "count": len(grants),
            "presidents": presidents,
            "sources": sources,
            "commutation_count": sum(g.kind == "commutation" for g in grants),
            "tables": shown,
            "charts": CHART_TITLES if grants else {},
            "fingerprint": fingerprint[:16],
        },
    )


@router.get("/statistics/charts/{name}.{fmt}")
def chart(name: str, fmt: str, db: SessionDep, _identity: CurrentIdentity) -> Response:
    if name not in CHART_TITLES or fmt not in ("svg", "png"):
        raise NotFound(f"No chart {name}.{fmt}; charts are {', '.join(CHART_TITLES)} (svg or png).")
    fingerprint, grants = _grants(db)
    body = _chart(fingerprint, name, fmt, grants)
    media = "image/svg+xml" if fmt == "svg" else "image/png"
    return Response(body, media_type=media, headers={"Cache-Control": "private, max-age=300"})


@router.get("/statistics/{table}.csv")
def table_csv(table: str, db: SessionDep, _identity: CurrentIdentity) -> Response:
    if table not in TABLES:
        raise NotFound(f"No table {table!r}; tables are {', '.join(TABLES)}.")
    _fingerprint, grants = _grants(db)
    rows = stats.tables(grants)[table]
    return Response(
        stats.to_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="grants-{table}.csv"'},
    )


@router.get("/statistics/organization")
def organization(
    request: Request,
    db: SessionDep,
    identity: CurrentIdentity,
    settings: SettingsDep,
    org: int | None = None,
) -> Response:
    """An organization's own statistics, suppressed below the configured threshold."""
    memberships = [(org_id, name) for org_id, name, _role in identity.organizations]
    if not memberships:
        raise NotFound("You are not a member of any organization.")
    chosen = org if org is not None else memberships[0][0]
    if chosen not in {org_id for org_id, _ in memberships}:
        raise NotFound(f"No organization {chosen} among yours.")
    result = casework.organization_statistics(
        session=db,
        user=identity.user,
        organization_id=chosen,
        as_of=now(request).date(),
        threshold=settings.small_count_threshold,
    )
    return render(
        request,
        "statistics/organization.html",
        {
            "nav": "statistics",
            "memberships": memberships,
            "chosen": chosen,
            "result": result,
        },
    )


@router.get("/cases/{case_id}/precedents")
def precedents(
    request: Request,
    db: SessionDep,
    case: CurrentCase,
    as_of: str | None = None,
    relief: str | None = None,
) -> Response:
    """The granted people most like this case, each with the reasons it was chosen."""
    day: date = parse_as_of(request, as_of)
    chosen = relief if relief in ("commutation", "pardon") else None
    found: list[Any] = casework.precedents_for(
        case.case, session=db, as_of=day, limit=15, relief=chosen
    )
    sought = found[0].relief_sought if found else chosen
    return render(
        request,
        "statistics/precedents.html",
        {
            "nav": "cases",
            "case": case.case,
            "person": case.case.person,
            "as_of": day,
            "precedents": found,
            "relief": chosen or "",
            "relief_sought": sought,
            "grant_count": grants_service.count_grants(session=db),
        },
    )
