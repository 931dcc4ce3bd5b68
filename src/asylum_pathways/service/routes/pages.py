"""Server-rendered pages: home, case screener, scenario lab, parameters, studies, API docs.

The screener's facts arrive by POST only and are neither logged nor stored; the lab's URL
holds its levers and nothing else.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from asylum_pathways import codes
from asylum_pathways.errors import Problem, UserError
from asylum_pathways.service import determinations, levers, screener
from asylum_pathways.service.context import Context
from asylum_pathways.service.routes.deps import Ctx
from asylum_pathways.service.routes.parameters import detail, matches, summary
from asylum_pathways.sim.runs.study import POSTERIOR

router = APIRouter(include_in_schema=False)


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("asylum_pathways.service", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def render(request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
    env: jinja2.Environment = request.app.state.templates
    html = env.get_template(name).render(path=request.url.path, **values)
    return HTMLResponse(html, status_code=status)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    return render(request, "home.html.j2", title="asylum-pathways")


# --- the case screener -------------------------------------------------------------------


@router.get("/screen", response_class=HTMLResponse)
def screen_form(request: Request, ctx: Ctx) -> HTMLResponse:
    return _screen(request, ctx, {}, None, [])


@router.post("/screen", response_class=HTMLResponse)
async def screen(request: Request, ctx: Ctx) -> HTMLResponse:
    form = {k: str(v) for k, v in (await request.form()).items()}
    action = form.get("action", "screen")
    count = screener.members(form)
    if action == "add":
        form["members"] = str(min(count + 1, screener.MAX_MEMBERS))
        if form.get("demographic") in ("", "SA", None):
            form["demographic"] = "FMUA"
        return _screen(request, ctx, form, None, [], focus=f"member-{form['members']}")
    if action.startswith("remove-") and action[7:].isdigit():
        form = screener.without_member(form, int(action[7:]))
        return _screen(request, ctx, form, None, [])
    answer = None
    problems: list[Problem] = []
    date = None
    if form.get("date"):
        try:
            date = dt.date.fromisoformat(form["date"])
        except ValueError:
            problems.append(Problem(("date",), "expected a date (YYYY-MM-DD)", form.get("date")))
    if not problems:
        try:
            scenario = ctx.scenario(form.get("scenario") or None)
            records = screener.records_from_form(form, ctx.tree)
            found = determinations.determined(
                records if len(records) > 1 else records[0], scenario, date, screener.MAX_MEMBERS
            )
            answer = screener.present(found.answers(), scenario.tree, scenario)
        except UserError as exc:
            problems = exc.problems or [Problem((), str(exc))]
    return _screen(request, ctx, form, answer, problems)


def _screen(
    request: Request,
    ctx: Context,
    form: dict[str, str],
    answer: Any,
    problems: list[Problem],
    status: int = 200,
    focus: str = "",
) -> HTMLResponse:
    tree = ctx.tree
    count = screener.members(form)
    return render(
        request,
        "screen.html.j2",
        status=status,
        title="Case screener",
        form=form,
        count=count,
        max_members=screener.MAX_MEMBERS,
        encounter=screener.encounter_controls(tree, form),
        person=screener.person_controls(tree, form, 1),
        outcomes=screener.outcome_controls(tree, form, 1),
        family=[
            {
                "member": k,
                "person": screener.person_controls(tree, form, k),
                "outcomes": screener.outcome_controls(tree, form, k),
            }
            for k in range(2, count + 1)
        ],
        scenarios=screener.scenario_choices(ctx.builtins, form.get("scenario", "")),
        answer=answer,
        focus=focus,
        problems=[{"where": screener.problem_where(p.loc, tree), "msg": p.msg} for p in problems],
    )


# --- the scenario lab --------------------------------------------------------------------


def _lab_state(request: Request, ctx: Context) -> tuple[Any, levers.LabConfig, Any, list[Problem]]:
    cfg = levers.config(ctx.settings.lab_reps, ctx.settings.lab_end)
    query = {k: v for k, v in request.query_params.items()}
    lv, problems = levers.parse(query, cfg, list(ctx.builtins))
    return lv, cfg, query, problems


@router.get("/lab", response_class=HTMLResponse)
def lab(request: Request, ctx: Ctx) -> HTMLResponse:
    lv, cfg, query, problems = _lab_state(request, ctx)
    overlay = None
    if not problems:
        overlay = levers.overlay(lv, cfg, ctx.builtins[lv.base].tree)
        try:
            ctx.overlay(overlay, "lab")
        except UserError as exc:
            problems = exc.problems or [Problem((), str(exc))]
            overlay = None
    study = None
    if overlay is not None:
        study = {
            "scenarios": [lv.base, overlay],
            "start": cfg.start.isoformat(),
            "end": cfg.end.isoformat(),
            "reps": cfg.reps,
            "seed": cfg.seed,
            # as `simulate` and every study: each replication draws from the shipped posterior
            "parameters": POSTERIOR,
        }
    return render(
        request,
        "lab.html.j2",
        title="Scenario lab",
        cfg=cfg,
        q=query,
        levers=lv,
        scenarios=list(ctx.builtins),
        circuits=codes.CIRCUITS,
        problems=[{"where": ".".join(map(str, p.loc)), "msg": p.msg} for p in problems],
        study_json=json.dumps(study, default=str).replace("</", "<\\/") if study else "",
        autorun=query.get("run") == "1" and study is not None,
        overlay_query=request.url.query,
        base_tree=ctx.builtins[lv.base].tree,
    )


@router.get("/lab/overlay.yaml")
def lab_overlay(request: Request, ctx: Ctx) -> Response:
    lv, cfg, _, problems = _lab_state(request, ctx)
    if problems:
        text = "\n".join(f"{'.'.join(map(str, p.loc))}: {p.msg}" for p in problems)
        return Response(text, status_code=422, media_type="text/plain")
    body = levers.to_yaml(levers.overlay(lv, cfg, ctx.builtins[lv.base].tree))
    return Response(
        body,
        media_type="application/yaml",
        headers={"content-disposition": 'attachment; filename="lab.yaml"'},
    )


# --- parameters, studies, API docs ---------------------------------------------------------


@router.get("/parameters", response_class=HTMLResponse)
def parameters_page(request: Request, ctx: Ctx, q: str = "") -> HTMLResponse:
    rows = [summary(p) for p in ctx.tree if matches(p, q[:200])]
    return render(request, "parameters.html.j2", title="Parameters", rows=rows, q=q[:200])


@router.get("/parameters/{name}", response_class=HTMLResponse)
def parameter_page(request: Request, ctx: Ctx, name: str) -> HTMLResponse:
    if name not in ctx.tree:
        return render(
            request,
            "error.html.j2",
            status=404,
            title="Not found",
            message=f"There is no parameter {name!r}.",
        )
    return render(
        request,
        "parameter.html.j2",
        title=name,
        p=detail(ctx.tree.get(name), None),
        dumps=lambda v: json.dumps(v, ensure_ascii=False),
    )


@router.get("/studies", response_class=HTMLResponse)
def studies_page(request: Request, ctx: Ctx) -> HTMLResponse:
    """Every study this server has run or holds, newest first, with its spec and links."""
    from asylum_pathways.service.routes.studies import out

    assert ctx.runner is not None
    rows = [
        {**out(s), "started": (s.get("created") or "").replace("T", " ").replace("+00:00", " UTC")}
        for s in ctx.runner.store.all()
    ]
    return render(request, "studies.html.j2", title="Studies", studies=rows)


@router.get("/help", response_class=HTMLResponse)
def help_page(request: Request) -> HTMLResponse:
    from asylum_pathways import __version__

    return render(request, "help.html.j2", title="Help", version=__version__)


@router.get("/studies/{study_id}", response_class=HTMLResponse)
def study_page(request: Request, ctx: Ctx, study_id: str) -> HTMLResponse:
    assert ctx.runner is not None
    status = ctx.runner.store.get(study_id)
    if status is None:
        return render(
            request,
            "error.html.j2",
            status=404,
            title="Not found",
            message="There is no such study.",
        )
    return render(request, "study.html.j2", title="Study", study=status)


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    schema = request.app.openapi()
    ops = [
        {"method": m.upper(), "path": path, **op}
        for path, item in schema["paths"].items()
        for m, op in item.items()
    ]
    return render(request, "api_docs.html.j2", title="API", ops=ops, info=schema["info"])
