"""POST /api/v1/studies (202 + Location), GET status, results when done, DELETE cancels."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from asylum_pathways.errors import Problem, UserError
from asylum_pathways.service.problems import ApiError, with_loc
from asylum_pathways.service.routes.deps import Ctx, errors
from asylum_pathways.service.schemas import StudyOut, StudyRequest
from asylum_pathways.sim.runs.study import StudySpec, builtin_study, check_horizon

router = APIRouter(tags=["studies"])


def out(status: dict[str, Any]) -> dict[str, Any]:
    base = f"/api/v1/studies/{status['id']}"
    links = {"self": base, "page": f"/studies/{status['id']}"}
    if status["status"] == "done":
        links |= {
            "summary": f"{base}/summary",
            "daily": f"{base}/daily.parquet",
            "report": f"{base}/report.html",
        }
    return {**status, "links": links}


@router.post("/studies", status_code=202, response_model=StudyOut, responses=errors(422, 429))
def submit(body: StudyRequest, ctx: Ctx) -> JSONResponse:
    """Queue a study; poll the `Location` it answers."""
    settings = ctx.settings
    given = body.model_dump(mode="json", exclude_none=True)
    try:
        spec = StudySpec.from_dict(given, defaults=builtin_study())
        check_horizon(spec)
        problems = []
        if spec.reps > settings.max_reps:
            problems.append(
                Problem(("reps",), f"at most {settings.max_reps} replications here", spec.reps)
            )
        days = (spec.end - spec.start).days + 1
        if days > settings.max_days:
            problems.append(
                Problem(("end",), f"at most {settings.max_days} days from start to end here", days)
            )
        if len(spec.scenarios) > 6:
            problems.append(Problem(("scenarios",), "at most 6 scenarios", len(spec.scenarios)))
        if problems:
            raise UserError("; ".join(p.msg for p in problems), problems)
        scenarios = spec.load_scenarios(ctx.tree, allow_files=False)
        drawn = spec.draws(scenarios[0].tree, allow_files=False)
    except UserError as exc:
        raise with_loc(exc, "body") from None
    assert ctx.runner is not None
    study_id = ctx.runner.submit(spec, scenarios, drawn)
    status = ctx.runner.store.get(study_id)
    assert status is not None
    return JSONResponse(
        out(status), status_code=202, headers={"Location": f"/api/v1/studies/{study_id}"}
    )


def _status(ctx: Ctx, study_id: str) -> dict[str, Any]:
    assert ctx.runner is not None
    status = ctx.runner.store.get(study_id)
    if status is None:
        raise ApiError(
            404,
            "not_found",
            f"no study {study_id!r}",
            [Problem(("path", "study_id"), "no such study", study_id)],
        )
    return status


def _done(ctx: Ctx, study_id: str) -> dict[str, Any]:
    status = _status(ctx, study_id)
    if status["status"] != "done":
        raise ApiError(
            409,
            "not_ready",
            f"study {study_id} is {status['status']}; results exist once it is done",
            [Problem(("path", "study_id"), "the study is not done", status["status"])],
        )
    return status


@router.get("/studies/{study_id}", response_model=StudyOut, responses=errors(404))
def show(ctx: Ctx, study_id: str) -> dict[str, Any]:
    return out(_status(ctx, study_id))


@router.delete("/studies/{study_id}", response_model=StudyOut, responses=errors(404))
def cancel(ctx: Ctx, study_id: str) -> dict[str, Any]:
    """Cancel a queued or running study (a finished one stays as it is)."""
    status = _status(ctx, study_id)
    assert ctx.runner is not None
    if status["status"] in ("queued", "running"):
        ctx.runner.cancel(study_id)
    return out(_status(ctx, study_id))


@router.get(
    "/studies/{study_id}/summary",
    responses={200: {"content": {"application/json": {}}}, **errors(404, 409)},
)
def summary(ctx: Ctx, study_id: str) -> Response:
    """The study's summary.json."""
    _done(ctx, study_id)
    assert ctx.runner is not None
    path = ctx.runner.store.results(study_id) / "summary.json"
    return Response(path.read_bytes(), media_type="application/json")


@router.get(
    "/studies/{study_id}/daily.parquet",
    response_class=FileResponse,
    responses={200: {"content": {"application/vnd.apache.parquet": {}}}, **errors(404, 409)},
)
def daily(ctx: Ctx, study_id: str) -> FileResponse:
    _done(ctx, study_id)
    assert ctx.runner is not None
    path = ctx.runner.store.results(study_id) / "daily.parquet"
    return FileResponse(path, media_type="application/vnd.apache.parquet", filename="daily.parquet")


@router.get(
    "/studies/{study_id}/report.html",
    response_class=FileResponse,
    responses={200: {"content": {"text/html": {}}}, **errors(404, 409)},
)
def report(ctx: Ctx, study_id: str, request: Request) -> FileResponse:
    _done(ctx, study_id)
    assert ctx.runner is not None
    return FileResponse(ctx.runner.report(study_id), media_type="text/html")
