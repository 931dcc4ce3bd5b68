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
from asylum_pathways.records import FIELDS
from asylum_pathways.service import determinations, levers
from asylum_pathways.service.context import Context
from asylum_pathways.service.routes.deps import Ctx
from asylum_pathways.service.routes.parameters import detail, matches, summary

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


def form_fields(ctx: Context) -> list[dict[str, Any]]:
    """Every encounter field with its choices and help, in the schema's order."""
    countries = [(c, codes.country_name(c)) for c in codes.countries()]
    choices: dict[str, list[tuple[str, str]]] = {
        "sector": [(s, f"{codes.SECTOR_NAMES[s]} ({s})") for s in codes.SECTORS],
        "port": [(p, p) for p in ctx.tree.ports],
        "country": sorted(countries, key=lambda c: c[1]),
        "demographic": [(d, f"{codes.DEMOGRAPHIC_NAMES[d]} ({d})") for d in codes.DEMOGRAPHICS],
        "language": sorted(
            [(x, codes.language_name(x)) for x in codes.languages()], key=lambda c: c[1]
        ),
        "bool": [("yes", "yes"), ("no", "no")],
    }
    out = []
    for f in FIELDS:
        if f.kind == "fear_map":
            for cc in ctx.tree.receiving_countries():
                out.append(
                    {
                        "name": f"aca_fear_established_{cc}",
                        "label": f"Fear of {codes.country_name(cc)} established (ACA screening)",
                        "kind": "bool",
                        "required": False,
                        "doc": f.doc,
                        "choices": choices["bool"],
                    }
                )
            continue
        out.append(
            {
                "name": f.name,
                "label": f.name.replace("_", " ").capitalize(),
                "kind": f.kind,
                "required": f.required and f.name != "person_id",
                "doc": f.doc,
                "choices": choices.get(f.kind),
            }
        )
    return out


def record_from_form(form: dict[str, str], ctx: Context) -> dict[str, Any]:
    """The encounter record the form describes; an empty field is an unknown fact."""
    record: dict[str, Any] = {"person_id": form.get("person_id") or "CASE-1"}
    fear: dict[str, bool] = {}
    for f in FIELDS:
        if f.name == "person_id":
            continue
        if f.kind == "fear_map":
            for cc in ctx.tree.receiving_countries():
                v = form.get(f"aca_fear_established_{cc}", "")
                if v in ("yes", "no"):
                    fear[cc] = v == "yes"
            continue
        v = (form.get(f.name) or "").strip()
        if not v:
            continue
        if f.kind == "bool":
            record[f.name] = v == "yes" if v in ("yes", "no") else v
        elif f.kind == "int":
            record[f.name] = int(v) if v.lstrip("-").isdigit() else v
        else:
            record[f.name] = v
    if fear:
        record["aca_fear_established"] = fear
    return record


@router.get("/screen", response_class=HTMLResponse)
def screen_form(request: Request, ctx: Ctx) -> HTMLResponse:
    return _screen(request, ctx, {}, None, [])


@router.post("/screen", response_class=HTMLResponse)
async def screen(request: Request, ctx: Ctx) -> HTMLResponse:
    form = {k: str(v) for k, v in (await request.form()).items()}
    answer = None
    problems: list[Problem] = []
    try:
        date = dt.date.fromisoformat(form["date"]) if form.get("date") else None
    except ValueError:
        problems.append(Problem(("date",), "expected a date (YYYY-MM-DD)", form.get("date")))
        date = None
    if not problems:
        try:
            scenario = ctx.scenario(form.get("scenario") or None)
            answer = determinations.answers(record_from_form(form, ctx), scenario, date, 1)
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
) -> HTMLResponse:
    sources: dict[tuple[str, str], int] = {}
    if answer:
        for step in answer["explanation"]:
            for ref in step["references"]:
                sources.setdefault((ref["title"], ref["href"]), len(sources) + 1)
    return render(
        request,
        "screen.html.j2",
        status=status,
        title="Case screener",
        fields=form_fields(ctx),
        form=form,
        scenarios=list(ctx.builtins),
        answer=answer,
        sources=sources,
        problems=[
            {"where": " · ".join(str(x) for x in p.loc[1:] or p.loc), "msg": p.msg}
            for p in problems
        ],
        pathway_docs=codes.PATHWAY_DOCS,
        country_name=codes.country_name,
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
