"""The dashboard: cases by stage, deadlines coming up, petitions waiting for a decision and my
assignments."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from clemency.cases import corrections, vocab
from clemency.petitions import schedule
from clemency.search import listing
from clemency.web.deps import CurrentIdentity, SessionDep, now
from clemency.web.templating import render

router = APIRouter(tags=["pages: dashboard"], include_in_schema=False)


@router.get("/")
def dashboard(request: Request, db: SessionDep, identity: CurrentIdentity) -> Response:
    data = listing.dashboard(session=db, user=identity.user)
    counts = dict(data.by_stage)
    today = now(request).date()
    watched = [row.id for row in data.my_cases] + [row[0] for row in data.open_petitions]
    deadlines = schedule.upcoming(session=db, user=identity.user, case_ids=watched, today=today)
    flagged = corrections.needs_correction(session=db, case_ids=watched)
    return render(
        request,
        "dashboard.html",
        {
            "nav": "dashboard",
            "stages": [(stage, counts.get(stage, 0)) for stage in vocab.CASE_STAGES],
            "total": sum(counts.values()),
            "data": data,
            "deadlines": deadlines,
            "flagged": flagged,
            "today": today,
        },
    )
