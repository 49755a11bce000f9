"""REST: bulk screening runs (upload a roster, read the summary, download the results)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, UploadFile
from fastapi.responses import FileResponse, Response

from clemency.uploads import rosters
from clemency.web.api.cases import ERRORS
from clemency.web.deps import CurrentIdentity, SessionDep, SettingsDep

router = APIRouter(prefix="/api/v1", tags=["screening runs"], responses=ERRORS)


def _json(record: rosters.RunRecord) -> dict[str, Any]:
    return {**record.__dict__, "results_url": f"/api/v1/screening-runs/{record.id}/results.csv"}


@router.post("/screening-runs", status_code=201)
def create_run(
    db: SessionDep,
    identity: CurrentIdentity,
    settings: SettingsDep,
    roster: UploadFile,
    ruleset_id: Annotated[str, Form()],
    as_of: Annotated[date, Form()],
    allow_missing_columns: Annotated[bool, Form()] = False,
) -> dict[str, Any]:
    """Screen an uploaded roster (multipart: ``roster``, ``ruleset_id``, ``as_of``)."""
    run_id, path = rosters.store_upload(
        data_dir=settings.data_dir,
        stream=roster.file,
        filename=roster.filename or "",
        max_bytes=settings.max_upload_bytes,
    )
    record = rosters.run(
        session=db,
        settings=settings,
        user=identity.user,
        run_id=run_id,
        roster=path,
        filename=roster.filename or "",
        ruleset_id=ruleset_id,
        as_of=as_of,
        allow_missing_columns=allow_missing_columns,
    )
    return _json(record)


@router.get("/screening-runs")
def list_runs(db: SessionDep, identity: CurrentIdentity) -> dict[str, Any]:
    return {"items": [_json(r) for r in rosters.list_runs(session=db, user=identity.user)]}


@router.get("/screening-runs/{run_id}")
def get_run(run_id: str, db: SessionDep, identity: CurrentIdentity) -> dict[str, Any]:
    return _json(rosters.get(session=db, user=identity.user, run_id=run_id))


@router.get("/screening-runs/{run_id}/results.csv", response_class=FileResponse)
def download(
    run_id: str, db: SessionDep, identity: CurrentIdentity, settings: SettingsDep
) -> Response:
    path = rosters.results_path(
        session=db, data_dir=settings.data_dir, user=identity.user, run_id=run_id
    )
    return FileResponse(path, media_type="text/csv", filename=f"screening-{run_id[:8]}-results.csv")
