"""`asylum-pathways registry ...` as an operator types it: bad input exits 2 with one line naming
the option and what was expected, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "asylum_pathways", "registry", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("init", "--db", "mysql://u@h/db"), "unsupported database 'mysql'"),
        (("init", "--db", "not a url"), "not a database URL"),
        (("redetermine", "--as-of", "2040-01-01"), "outside the range"),
        (("redetermine", "--as-of", "2020-02-30"), "--as-of"),
        (("audit", "verify", "--checkpoint", "missing.json"), "checkpoint"),
        (("restore", "missing.gz"), "backup file"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_no_traceback(
    tmp_path: Path, args: tuple[str, ...], says: str
) -> None:
    db = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    keys = tmp_path / "k.json"
    assert run("init", "--db", db, "--keys", str(keys)).returncode == 0
    full = [*args]
    if "--db" not in full:
        full += ["--db", db]
    full += ["--keys", str(keys)]
    done = run(*[a.replace("missing", str(tmp_path / "missing")) for a in full])
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and says in done.stderr
    assert done.stderr.startswith("error: ")


def test_the_first_admin_comes_from_a_one_time_setup_token(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    keys = str(tmp_path / "k.json")
    run("init", "--db", db, "--keys", keys)
    token = run("bootstrap", "--org", "Org A", "--db", db, "--keys", keys).stdout.strip()
    assert token.startswith("setup_")
    add = [
        "user",
        "add",
        "--setup-token",
        token,
        "--email",
        "a@org.example",
        "--role",
        "admin",
        "--password-stdin",
        "--db",
        db,
        "--keys",
        keys,
    ]
    first = run(*add, stdin="a long enough pass phrase\n")
    assert first.returncode == 0 and "TOTP secret (shown once)" in first.stdout
    again = run(*add, stdin="a long enough pass phrase\n")
    assert again.returncode == 2 and "setup token" in again.stderr
    weak = run(
        "user",
        "add",
        "--as",
        "a@org.example",
        "--email",
        "b@org.example",
        "--role",
        "caseworker",
        "--password-stdin",
        "--db",
        db,
        "--keys",
        keys,
        stdin="password\n",
    )
    assert weak.returncode == 2 and "blocklist" in weak.stderr
