"""`asylum-pathways report OUT_DIR`: rebuild report.html from saved results."""

from __future__ import annotations

from pathlib import Path

import typer


def report(
    out_dir: Path = typer.Argument(
        ..., help="A results folder written by `asylum-pathways simulate`."
    ),
) -> None:
    """Rebuild the self-contained HTML report (and its CSV data) from saved results."""
    from asylum_pathways.report.build import build_report

    path = build_report(out_dir)
    typer.echo(
        f"wrote {path} ({path.stat().st_size / 2**20:.1f} MB) and {out_dir / 'report_data'}/"
    )
