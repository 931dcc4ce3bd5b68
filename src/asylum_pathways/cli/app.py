"""`asylum-pathways`: one entry point, subcommands, errors without tracebacks."""

from __future__ import annotations

import sys

import typer

from asylum_pathways import __version__
from asylum_pathways.errors import UserError

app = typer.Typer(
    name="asylum-pathways",
    help="The US southern-border asylum pathways of 2019-2020: determine one case, simulate a "
    "population, report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
STATE = {"debug": False}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"asylum-pathways {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show full tracebacks on errors."),
) -> None:
    """The US southern-border asylum pathways of 2019-2020 as software."""
    STATE["debug"] = debug


def _register() -> None:
    from asylum_pathways.cli import (
        calibrate_cmd,
        determine_cmd,
        params_cmd,
        report_cmd,
        simulate_cmd,
    )

    app.add_typer(params_cmd.app, name="params")
    app.command("determine")(determine_cmd.determine)
    app.command("simulate")(simulate_cmd.simulate)
    app.command("report")(report_cmd.report)
    app.command("calibrate")(calibrate_cmd.calibrate)


_register()


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; a UserError prints one line (no traceback unless --debug) and exits 2."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        app(args=args, prog_name="asylum-pathways")
    except UserError as exc:
        if debug:
            raise
        typer.echo(f"error: {exc}", err=True)
        raise SystemExit(2) from None
    except Exception as exc:
        if debug:
            raise
        typer.echo(
            f"error: unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback)",
            err=True,
        )
        raise SystemExit(1) from None
