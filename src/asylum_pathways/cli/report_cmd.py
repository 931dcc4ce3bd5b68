"""`asylum-pathways report OUT_DIR`: rebuild report.html from saved results."""

from __future__ import annotations

from pathlib import Path

import typer

from asylum_pathways.errors import InputError
from asylum_pathways.io.files import check_output_folder, staged_folder


def report(
    out_dir: Path = typer.Argument(
        ..., help="A results folder written by `asylum-pathways simulate`."
    ),
) -> None:
    """Rebuild the self-contained HTML report (and its CSV data) from saved results."""
    from asylum_pathways.report.build import build_report
    from asylum_pathways.report.data import REQUIRED, check

    if not out_dir.is_dir():
        raise InputError(
            f"{out_dir}: not a folder (expected a results folder written by "
            "`asylum-pathways simulate`)"
        )
    check(out_dir)  # before staging: the error names the folder given, and nothing is left
    check_output_folder(out_dir, "OUT_DIR")
    with staged_folder(out_dir, "OUT_DIR", inside=True) as stage:
        # the report is built beside links to the results, then renamed into place
        links = []
        for name in (*REQUIRED, "persons.parquet"):
            if (out_dir / name).exists():
                (stage / name).symlink_to((out_dir / name).absolute())
                links.append(stage / name)
        build_report(stage, out_dir)
        for link in links:
            link.unlink()
    path = out_dir / "report.html"
    typer.echo(
        f"wrote {path} ({path.stat().st_size / 2**20:.1f} MB) and {out_dir / 'report_data'}/"
    )
