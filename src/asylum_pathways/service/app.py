"""The app factory: `create_app(settings)` gives the ASGI app (API, pages, static files)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from asylum_pathways import __version__
from asylum_pathways.params import ParameterTree, load_tree

if TYPE_CHECKING:
    from asylum_pathways.registry.core import Registry
from asylum_pathways.service import problems
from asylum_pathways.service.context import Context
from asylum_pathways.service.routes import (
    determinations,
    health,
    pages,
    parameters,
    scenarios,
    studies,
)
from asylum_pathways.service.runner import StudyRunner
from asylum_pathways.service.security import SecurityMiddleware
from asylum_pathways.service.settings import Settings
from asylum_pathways.service.storage import StudyStore

API = "/api/v1"
log = logging.getLogger("asylum_pathways.service")


def package_dir(name: str) -> Path:
    return Path(str(resources.files("asylum_pathways") / "service" / name))


def create_app(settings: Settings, tree: ParameterTree | None = None) -> FastAPI:
    ctx = Context.create(settings, tree or load_tree())
    ctx.runner = StudyRunner(settings, StudyStore(settings.data_dir), ctx.tree)

    registry = _open_registry(settings, ctx.tree)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        assert ctx.runner is not None
        if registry is not None and settings.redetermine_on_start:
            import threading

            # In the background, so the service answers at once; the run is one transaction,
            # so a request sees the answers before it or after it, never half of it.
            threading.Thread(
                target=_redetermine_on_start, args=(registry,), name="registry-start", daemon=True
            ).start()
        ctx.runner.start()
        try:
            yield
        finally:
            ctx.runner.stop()

    app = FastAPI(
        title="asylum-pathways",
        version=__version__,
        description="US southern-border asylum pathways, 2019-2020: determinations with "
        "citations, the law and assumptions trees, scenarios and studies. Every 4xx answer "
        'is the error envelope {"ok": false, "error": {"code", "message", "errors": '
        '[{"loc", "msg", "value"}]}}.',
        openapi_url=f"{API}/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.ctx = ctx
    app.state.templates = pages._env()
    problems.install(app)
    for module in (determinations, parameters, scenarios, studies, health):
        app.include_router(module.router, prefix=API)
    if registry is not None:
        from asylum_pathways.service import access_log, registry_deps
        from asylum_pathways.service.routes import (
            registry_auth,
            registry_calendar,
            registry_cases,
            registry_oversight,
        )

        app.state.registry = registry
        registry_deps.install(app)
        for module in (registry_auth, registry_cases, registry_oversight, registry_calendar):
            app.include_router(module.router, prefix=API)
        # The calendar feed's address holds its secret: keep it out of the access log.
        access_log.install()
        from asylum_pathways.service import messages
        from asylum_pathways.service.routes import registry_oversight_pages, registry_pages

        app.state.messages = messages.load()
        app.include_router(registry_pages.router)
        app.include_router(registry_oversight_pages.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=package_dir("static")), name="static")
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["content-type"],
        )
    app.add_middleware(SecurityMiddleware, max_body=settings.max_body_bytes)
    return app


def _redetermine_on_start(registry: Registry) -> None:
    from asylum_pathways.errors import UserError
    from asylum_pathways.registry import redetermine

    # The server's own log (uvicorn's), which an operator reads; the lines name no person.
    out = logging.getLogger("uvicorn.error")
    try:
        outcome = redetermine.run(registry, trigger="start")
    except UserError as exc:
        out.error("registry: re-determination on start refused: %s", exc)
        return
    for line in outcome.lines():
        out.info("registry: %s", line)


def _open_registry(settings: Settings, tree: ParameterTree) -> Registry | None:
    """The case registry, when a database is configured (`serve --db`)."""
    if settings.registry_db is None:
        return None
    from asylum_pathways.registry.core import Registry

    return Registry.open(
        settings.registry_db, settings.registry_keys, settings.registry_scenario, tree=tree
    )
