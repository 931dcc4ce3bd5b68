"""`asylum-pathways`: one entry point, subcommands, errors without tracebacks."""

from __future__ import annotations

import json
import sys

import typer
from typer import _click as click  # Typer vendors Click; its UsageError is only here

from asylum_pathways import __version__
from asylum_pathways.cli.contract import refuse_empty_values, usage_error
from asylum_pathways.errors import UserError, envelope, printable

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
        registry_cmd,
        report_cmd,
        serve_cmd,
        simulate_cmd,
        sweep_cmd,
    )

    app.add_typer(params_cmd.app, name="params")
    app.add_typer(registry_cmd.app, name="registry")
    app.command("determine")(determine_cmd.determine)
    app.command("simulate")(simulate_cmd.simulate)
    app.command("report")(report_cmd.report)
    app.command("serve")(serve_cmd.serve)
    app.command("sweep")(sweep_cmd.sweep)
    app.command("calibrate")(calibrate_cmd.calibrate)


_register()


def main(argv: list[str] | None = None) -> None:
    """Run the CLI. Every error a user can fix exits 2 with one line on stderr (no traceback
    unless --debug) and, with --json, the error envelope on stdout; exit 1 is left for a bug
    of ours. The contract is in docs/cli.md (`asylum_pathways.cli.contract`)."""
    args = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in args
    as_json = "--json" in args
    try:
        refuse_empty_values(args)
        if not as_json:
            app(args=args, prog_name="asylum-pathways")
            return
        try:
            code = app(args=args, prog_name="asylum-pathways", standalone_mode=False)
        except click.exceptions.UsageError as exc:
            raise usage_error(exc) from None
        except typer.Abort:
            raise SystemExit(130) from None
        if isinstance(code, int) and code:
            raise SystemExit(code)
    except UserError as exc:
        if debug:
            raise
        typer.echo(f"error: {printable(str(exc))}", err=True)
        if as_json:
            typer.echo(json.dumps(envelope(exc), indent=2))
        raise SystemExit(2) from None
    except SystemExit:
        raise
    except KeyboardInterrupt:
        if debug:
            raise
        typer.echo("error: interrupted; nothing was written", err=True)
        raise SystemExit(130) from None
    except BaseException as exc:  # a bug of ours (a Polars panic is a BaseException)
        if debug:
            raise
        if getattr(exc, "exit_code", None) == 3:  # sim.runs.montecarlo.StudyIncomplete
            typer.echo(f"error: incomplete results: {exc}", err=True)
            raise SystemExit(3) from None
        typer.echo(
            f"error: unexpected {type(exc).__name__}: {printable(str(exc))[:500]} "
            "(a bug: please report it; run with --debug for the traceback)",
            err=True,
        )
        raise SystemExit(1) from None
