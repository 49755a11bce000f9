"""The dashboard: cases by stage, petitions waiting for a decision, my assignments."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from clemency.cases import vocab
from clemency.search import listing
from clemency.web.deps import CurrentIdentity, SessionDep
from clemency.web.templating import render

router = APIRouter(tags=["pages: dashboard"], include_in_schema=False)


@router.get("/")
def dashboard(request: Request, db: SessionDep, identity: CurrentIdentity) -> Response:
    data = listing.dashboard(session=db, user=identity.user)
    counts = dict(data.by_stage)
    return render(
        request,
        "dashboard.html",
        {
            "nav": "dashboard",
            "stages": [(stage, counts.get(stage, 0)) for stage in vocab.CASE_STAGES],
            "total": sum(counts.values()),
            "data": data,
        },
    )
