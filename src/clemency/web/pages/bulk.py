"""Bulk screening in the browser: upload a roster, see the summary, download the results."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from clemency.eligibility import list_rulesets
from clemency.errors import BadInput, ClemencyError
from clemency.uploads import rosters
from clemency.web.deps import CurrentIdentity, SessionDep, SettingsDep, now
from clemency.web.templating import render

router = APIRouter(tags=["pages: bulk screening"], include_in_schema=False)


def _page(
    request: Request,
    db: SessionDep,
    settings: SettingsDep,
    identity: CurrentIdentity,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "bulk/index.html",
        {
            "nav": "bulk",
            "rulesets": list_rulesets(settings.rulesets_paths),
            "runs": rosters.list_runs(session=db, user=identity.user),
            "errors": errors or {},
            "values": values or {"as_of": now(request).date().isoformat()},
            "max_mb": settings.max_upload_bytes // (1024 * 1024),
        },
        status_code=status_code,
    )


@router.get("/screening")
def bulk_page(
    request: Request, db: SessionDep, settings: SettingsDep, identity: CurrentIdentity
) -> Response:
    return _page(request, db, settings, identity)


@router.post("/screening")
async def upload_roster(
    request: Request, db: SessionDep, settings: SettingsDep, identity: CurrentIdentity
) -> Response:
    form = await request.form()
    ruleset_id = str(form.get("ruleset_id", ""))
    raw_as_of = str(form.get("as_of", ""))
    values = {
        "ruleset_id": ruleset_id,
        "as_of": raw_as_of,
        "allow_missing_columns": str(form.get("allow_missing_columns", "")),
    }
    upload = form.get("roster")
    try:
        as_of = rosters.parse_as_of(raw_as_of)
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise BadInput("Choose a roster file (.csv or .parquet).", field="roster")
        run_id, path = rosters.store_upload(
            data_dir=settings.data_dir,
            stream=upload.file,
            filename=upload.filename,
            max_bytes=settings.max_upload_bytes,
        )
        rosters.run(
            session=db,
            settings=settings,
            user=identity.user,
            run_id=run_id,
            roster=path,
            filename=upload.filename,
            ruleset_id=ruleset_id,
            as_of=as_of,
            allow_missing_columns=form.get("allow_missing_columns") == "true",
        )
    except ClemencyError as error:
        field = str(
            error.fields.get("field") or (error.fields.get("ruleset") and "ruleset_id") or "roster"
        )
        db.rollback()
        return _page(
            request,
            db,
            settings,
            identity,
            errors={field: error.message},
            values=values,
            status_code=error.http_status,
        )
    return RedirectResponse(f"/screening/runs/{run_id}", status_code=303)


@router.get("/screening/runs/{run_id}")
def run_page(request: Request, db: SessionDep, identity: CurrentIdentity, run_id: str) -> Response:
    """The run's summary when done; while it is queued or running, its progress (the page
    reloads itself every few seconds); when failed, the reason."""
    record = rosters.get(session=db, user=identity.user, run_id=run_id)
    return render(request, "bulk/run.html", {"nav": "bulk", "run": record})


@router.get("/screening/runs/{run_id}/status")
def run_status(db: SessionDep, identity: CurrentIdentity, run_id: str) -> Response:
    """The run's state as JSON (status, progress, error), for scripts and tests."""
    record = rosters.get(session=db, user=identity.user, run_id=run_id)
    return JSONResponse(
        {
            "status": record.status,
            "progress": record.progress,
            "error": record.error,
            "rows": record.rows,
        }
    )


@router.get("/screening/runs/{run_id}/results.csv")
def download_results(
    request: Request, db: SessionDep, settings: SettingsDep, identity: CurrentIdentity, run_id: str
) -> Response:
    path = rosters.results_path(
        session=db, data_dir=settings.data_dir, user=identity.user, run_id=run_id
    )
    return FileResponse(
        path,
        media_type="text/csv",
        filename=f"screening-{run_id[:8]}-results.csv",
        headers={"Cache-Control": "no-store"},
    )


@router.get("/screening/runs")
def runs_redirect() -> Response:
    return RedirectResponse("/screening", status_code=303)
