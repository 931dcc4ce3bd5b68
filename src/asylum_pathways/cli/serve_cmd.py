"""`asylum-pathways serve`: the HTTP API and the web pages (binds 127.0.0.1 by default)."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import typer

from asylum_pathways.errors import InputError


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (loopback by default)."),
    port: int = typer.Option(8000, "--port", help="TCP port."),
    data_dir: Path = typer.Option(
        None, "--data-dir", help="Where studies are kept (default: the user data directory)."
    ),
    cors_origin: list[str] = typer.Option(
        None, "--cors-origin", help="Allow this origin by CORS; repeat for several (default: none)."
    ),
    study_workers: int = typer.Option(
        0, "--study-workers", help="Worker processes for studies (0: one per CPU)."
    ),
    queued_studies: int = typer.Option(4, "--queued-studies", help="Studies that may wait."),
    lab_reps: int = typer.Option(
        None, "--lab-reps", help="Replications of a lab study (default 10)."
    ),
    lab_end: str = typer.Option(
        None, "--lab-end", help="Last day of a lab study (default 2020-12-31), for a quicker lab."
    ),
    db: str = typer.Option(
        None,
        "--db",
        help="Serve the case registry from this database URL (default: $ASYLUM_PATHWAYS_DB; "
        "none: no registry).",
    ),
    keys: Path = typer.Option(
        None, "--keys", help="The registry's key file (default: $ASYLUM_PATHWAYS_KEYS)."
    ),
    registry_scenario: str = typer.Option(
        None, "--registry-scenario", help="Determine the registry's cases under this scenario."
    ),
) -> None:
    """Serve the API (/api/v1, docs at /api/docs) and the pages: screener, lab, parameters."""
    import uvicorn

    from asylum_pathways.service.app import create_app
    from asylum_pathways.service.settings import Settings, default_data_dir

    if not _loopback(host):
        typer.echo(
            f"warning: binding {host}: the service is reachable from other machines; it has no "
            "authentication. Use --host 127.0.0.1 unless you mean it.",
            err=True,
        )
    if not 0 < port < 65536:
        raise InputError(f"--port {port}: expected 1 to 65535")
    if study_workers < 0 or queued_studies < 0:
        raise InputError("--study-workers and --queued-studies: expected 0 or more")
    if lab_end is not None:
        from asylum_pathways.io.encounters import parse_date

        parse_date(lab_end, "--lab-end")
    if lab_reps is not None and lab_reps < 1:
        raise InputError(f"--lab-reps {lab_reps}: expected at least 1")
    import os

    registry_db = db or os.environ.get("ASYLUM_PATHWAYS_DB")
    if registry_db is not None:
        from asylum_pathways.registry.database import resolve_url

        registry_db = resolve_url(registry_db)
    settings = Settings(
        data_dir=data_dir or default_data_dir(),
        study_workers=study_workers,
        queued_studies=queued_studies,
        cors_origins=tuple(cors_origin or ()),
        lab_reps=lab_reps,
        lab_end=lab_end,
        registry_db=registry_db,
        registry_keys=keys,
        registry_scenario=registry_scenario,
    )
    app = create_app(settings)
    where = "" if registry_db is None else "; the case registry at /api/v1/cases"
    typer.echo(
        f"asylum-pathways on http://{host}:{port}/ (studies in {settings.data_dir}{where})",
        err=True,
    )
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=True)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
