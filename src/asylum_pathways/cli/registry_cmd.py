"""`asylum-pathways registry ...`: make, fill, check and keep the case registry.

Every command takes `--db URL` (else $ASYLUM_PATHWAYS_DB, else the SQLite file in the user data
directory) and `--keys FILE` (else $ASYLUM_PATHWAYS_KEYS, else the user config directory).
Secrets (setup and API tokens, TOTP secrets) are printed once; passwords are read from standard
input or a hidden prompt, never from the command line.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from asylum_pathways.registry.core import Registry

from asylum_pathways.errors import Problem, UsageError

app = typer.Typer(
    help="The confidential case registry: cases re-determined when the law changes.",
    no_args_is_help=True,
)
user_app = typer.Typer(help="Users of the registry.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens for scripts.", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
calendar_app = typer.Typer(
    help="The secret address of a user's calendar feed of hearings.", no_args_is_help=True
)
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(audit_app, name="audit")
app.add_typer(calendar_app, name="calendar-token")

DB = typer.Option(
    None, "--db", help="Database URL (default: $ASYLUM_PATHWAYS_DB or the embedded SQLite file)."
)
KEYS = typer.Option(
    None, "--keys", help="Key file (default: $ASYLUM_PATHWAYS_KEYS or the user config directory)."
)
AS = typer.Option(
    ..., "--as", help="E-mail of the user the command acts as (recorded in the audit log)."
)
#: `registry audit verify` exits with this when the log does not verify (2 stays for bad input).
NOT_VERIFIED = 4


def _open(db: str | None, keys: Path | None, scenario: str | None = None) -> Registry:
    from asylum_pathways.registry.core import Registry

    return Registry.open(db, keys, scenario)


def _password(stdin: bool) -> str:
    if stdin:
        line = sys.stdin.readline()
        if not line.strip():
            raise UsageError(
                "--password-stdin: standard input gave no password",
                [Problem(("--password-stdin",), "empty")],
            )
        return line.rstrip("\n")
    return str(
        typer.prompt(
            "Password (at least 8 characters; 15 or more is better)",
            hide_input=True,
            confirmation_prompt=True,
        )
    )


@app.command("init")
def init(
    db: str = DB,
    keys: Path = KEYS,
    app_role: str = typer.Option(
        None,
        "--app-role",
        help="PostgreSQL: the application's role, granted what it needs (not ownership).",
    ),
) -> None:
    """Create the key file (if missing) and migrate the database to the newest revision."""
    from asylum_pathways.registry import lifecycle

    for line in lifecycle.init(db, keys, app_role):
        typer.echo(line)


@app.command("bootstrap")
def bootstrap(
    org: str = typer.Option(..., "--org", help="The organisation's name."),
    db: str = DB,
    keys: Path = KEYS,
) -> None:
    """Print a one-time setup token (valid 24 hours) for an organisation's first admin."""
    from asylum_pathways.registry import accounts

    reg = _open(db, keys)
    token = accounts.bootstrap(reg, org)
    typer.echo(token)
    typer.echo(
        "use it once within 24 hours: asylum-pathways registry user add --setup-token TOKEN "
        "--email EMAIL --role admin (or POST /api/v1/auth/setup)",
        err=True,
    )


@user_app.command("add")
def user_add(
    email: str = typer.Option(..., "--email", help="The new user's e-mail (their sign-in name)."),
    role: str = typer.Option(..., "--role", help="admin, caseworker, analyst or auditor."),
    as_user: str = typer.Option(
        None, "--as", help="An admin of the organisation (or give --setup-token)."
    ),
    setup_token: str = typer.Option(
        None, "--setup-token", help="The token `registry bootstrap` printed (first admin)."
    ),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input."
    ),
    db: str = DB,
    keys: Path = KEYS,
) -> None:
    """Add a user; prints their TOTP secret once (enrol it in an authenticator app)."""
    from asylum_pathways.registry import accounts

    if (as_user is None) == (setup_token is None):
        msg = "give exactly one of --as ADMIN_EMAIL and --setup-token TOKEN"
        raise UsageError(msg, [Problem(("--as",), msg)])
    reg = _open(db, keys)
    password = _password(password_stdin)
    if setup_token is not None:
        if role != "admin":
            raise UsageError(
                "--role: a setup token makes the organisation's first admin (--role admin)"
            )
        made = accounts.setup(reg, setup_token, email, password)
    else:
        made = accounts.add_user(reg, accounts.cli_principal(reg, as_user), email, role, password)
    typer.echo(f"added {made.email} ({made.role.value})")
    typer.echo(f"TOTP secret (shown once): {made.totp_secret}")
    typer.echo(f"TOTP URI: {made.totp_uri}")


@token_app.command("create")
def token_create(
    as_user: str = AS,
    name: str = typer.Option(..., "--name", help="What the token is for."),
    scope: list[str] = typer.Option(
        None, "--scope", help="A permission to grant (repeat; default: all the role has)."
    ),
    days: int = typer.Option(90, "--days", help="Days until it expires (1 to 366)."),
    db: str = DB,
    keys: Path = KEYS,
) -> None:
    """Create an API token (printed once; kept only as a hash)."""
    from asylum_pathways.registry import accounts

    reg = _open(db, keys)
    token, view = accounts.create_token(
        reg, accounts.cli_principal(reg, as_user), name, scope or [], days
    )
    typer.echo(token)
    typer.echo(
        f"token {view['id']} with scopes {', '.join(view['scopes'])}, expires {view['expires_at']}",
        err=True,
    )


@calendar_app.command("create")
def calendar_token_create(as_user: str = AS, db: str = DB, keys: Path = KEYS) -> None:
    """Issue the user's calendar feed address (printed once; the one before is revoked)."""
    from asylum_pathways.registry import accounts, calendar_tokens
    from asylum_pathways.service.app import API
    from asylum_pathways.service.routes.registry_calendar import feed_path

    reg = _open(db, keys)
    token, view = calendar_tokens.issue(reg, accounts.cli_principal(reg, as_user))
    typer.echo(feed_path(token, API))
    typer.echo(
        f"calendar token {view['id']}: subscribe to the server's origin followed by this path; "
        "anyone with the address reads the feed until `registry calendar-token revoke`",
        err=True,
    )


@calendar_app.command("revoke")
def calendar_token_revoke(as_user: str = AS, db: str = DB, keys: Path = KEYS) -> None:
    """Revoke the user's calendar feed address (it answers 404 from now on)."""
    from asylum_pathways.registry import accounts, calendar_tokens

    reg = _open(db, keys)
    done = calendar_tokens.revoke(reg, accounts.cli_principal(reg, as_user))
    typer.echo(f"revoked {done['revoked']} calendar token(s)")


@app.command("import")
def import_cmd(
    records: Path = typer.Argument(
        ..., help="Encounter records (.json, .csv or .parquet), as `determine` reads them."
    ),
    identities: Path = typer.Option(
        ...,
        "--identities",
        help="CSV or JSON: person_id, name, a_number, birth_date, address, role.",
    ),
    as_user: str = AS,
    progress: bool = typer.Option(False, "--progress", help="Print progress to standard error."),
    db: str = DB,
    keys: Path = KEYS,
) -> None:
    """Import cases, all or nothing (families share a group_id)."""
    from asylum_pathways.registry import accounts, imports

    reg = _open(db, keys)

    def show(done: int, total: int) -> None:
        typer.echo(f"written {done:,} of {total:,} cases (not yet committed)", err=True)

    ids = imports.import_file(
        reg, accounts.cli_principal(reg, as_user), records, identities, show if progress else None
    )
    typer.echo(f"imported {len(ids):,} cases")


@app.command("redetermine")
def redetermine(
    as_of: str = typer.Option(
        None, "--as-of", help="Determine as of this day (default: today, or the tree's last day)."
    ),
    scenario: str = typer.Option(
        None, "--scenario", help="A built-in scenario or overlay file (default: history)."
    ),
    horizon: int = typer.Option(
        365, "--horizon", help="Days ahead searched for announced changes (0: none)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the outcome as JSON."),
    db: str = DB,
    keys: Path = KEYS,
) -> None:
    """Re-determine the open cases whose answer may differ (one vectorized pass) and say what changed."""
    from asylum_pathways.io.encounters import parse_date
    from asylum_pathways.registry import redetermine as rd

    day = parse_date(as_of, "--as-of") if as_of is not None else None
    if not 0 <= horizon <= 3660:
        raise UsageError(f"--horizon {horizon}: expected 0 to 3660 days")
    reg = _open(db, keys, scenario)
    out = rd.run(reg, as_of=day, trigger="cli", horizon_days=horizon)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "ok": True,
                    "run_id": out.run_id,
                    "as_of": out.as_of.isoformat(),
                    "considered": out.considered,
                    "open_people": out.open_people,
                    "changed_cases": out.changed_cases,
                    "summary": out.summary,
                    "announced": out.announced,
                    "note": out.note,
                    "seconds": out.seconds,
                },
                indent=2,
            )
        )
        return
    for line in out.lines():
        typer.echo(line)


@app.command("export-cohort")
def export_cohort(
    out: Path = typer.Option(..., "--out", help="The file to write (.csv, .parquet or .json)."),
    as_user: str = AS,
    status: str = typer.Option("open", "--status", help="open, closed or all."),
    db: str = DB,
    keys: Path = KEYS,
) -> None:
    """Write de-identified encounter records of your cases (what `simulate --encounters` reads)."""
    from asylum_pathways.registry import accounts, cohort

    reg = _open(db, keys)
    n = cohort.export(reg, accounts.cli_principal(reg, as_user), out, status)
    typer.echo(f"wrote {n:,} de-identified records to {out}")


@audit_app.command("verify")
def audit_verify(
    checkpoint: Path = typer.Option(
        None, "--checkpoint", help="A signed checkpoint: also catches a truncated log."
    ),
    db: str = DB,
    keys: Path = KEYS,
) -> None:
    """Recompute the hash chain; name the first bad row (exit 4 when it does not verify)."""
    from asylum_pathways.registry import audit
    from asylum_pathways.registry.database import ALL

    reg = _open(db, keys)
    cp = audit.read_checkpoint(checkpoint) if checkpoint is not None else None
    with reg.db.transaction(ALL) as session:
        verdict = audit.verify(session, cp, reg.keys)
    typer.echo(verdict.message())
    if not verdict.ok:
        raise typer.Exit(NOT_VERIFIED)


@audit_app.command("checkpoint")
def audit_checkpoint(
    out: Path = typer.Option(
        ...,
        "--out",
        help="Where to write the signed checkpoint (JSON); keep it outside the database.",
    ),
    db: str = DB,
    keys: Path = KEYS,
) -> None:
    """Sign the head of the audit log with the key kept outside the database."""
    from asylum_pathways.io.files import check_output_file, write_file_atomically
    from asylum_pathways.registry import audit
    from asylum_pathways.registry.database import ALL

    check_output_file(out, "checkpoint")
    reg = _open(db, keys)
    with reg.db.transaction(ALL) as session:
        cp = audit.checkpoint(session, reg.keys)
    write_file_atomically(out, "checkpoint", lambda tmp: _write_text(tmp, json.dumps(cp, indent=2)))
    typer.echo(
        f"signed the head of the audit log: row {cp['head_id']} ({cp['head_hash'][:12]}…) -> {out}"
    )


def _write_text(path: Path, text: str) -> None:
    path.write_text(text)


@app.command("backup")
def backup(
    out: Path = typer.Option(..., "--out", help="The backup file to write (gzipped JSON lines)."),
    db: str = DB,
    keys: Path = KEYS,
) -> None:
    """Copy every table to a file that `registry restore` reads on either database."""
    from asylum_pathways.registry import backup as b

    counts = b.backup(_open(db, keys), out)
    typer.echo(
        f"backed up {sum(counts.values()):,} rows of {len(counts)} tables to {out} (the key file is not in it)"
    )


@app.command("restore")
def restore(
    source: Path = typer.Argument(..., help="A file `registry backup` wrote."),
    db: str = DB,
    keys: Path = KEYS,
) -> None:
    """Restore a backup into an empty, initialised registry (`registry init` first)."""
    from asylum_pathways.registry import backup as b

    counts = b.restore(_open(db, keys), source)
    typer.echo(f"restored {sum(counts.values()):,} rows; the audit log verifies")


@app.command("purge")
def purge(
    dry_run: bool = typer.Option(False, "--dry-run", help="List what is due; delete nothing."),
    db: str = DB,
    keys: Path = KEYS,
) -> None:
    """Delete closed cases past their organisation's retention period."""
    from asylum_pathways.registry import retention

    due = retention.purge(_open(db, keys), dry_run=dry_run)
    verb = "due for deletion" if dry_run else "deleted"
    typer.echo(f"{len(due):,} case{'s' if len(due) != 1 else ''} {verb}")
    for d in due:
        typer.echo(
            f"  case {d.case_id} of {d.org}: closed {d.closed_on.isoformat()}, due {d.due_on.isoformat()}"
        )


@app.command("rotate-key")
def rotate_key(db: str = DB, keys: Path = KEYS) -> None:
    """Add a new data key and re-encrypt every encrypted value under it."""
    from asylum_pathways.registry import rotation

    kid, n = rotation.rotate(_open(db, keys))
    typer.echo(
        f"re-encrypted {n:,} values under key {kid}; older keys stay in the key file for old backups"
    )
