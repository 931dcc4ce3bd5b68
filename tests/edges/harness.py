"""Run the CLI in-process as a user would, and check the contract for bad input.

The contract (docs/cli.md, "Errors and limits"): exit 2, a one-line `error: ...` naming the
field, no traceback, and nothing written.
"""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asylum_pathways.cli.app import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE: dict[str, Any] = json.loads(
    (ROOT / "src/asylum_pathways/examples/honduran-adult-el-paso.json").read_text()
)


@dataclass
class Result:
    code: int
    out: str
    err: str


def run(*argv: str) -> Result:
    """`asylum-pathways ARGV` in this process: its exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return Result(code, out.getvalue(), err.getvalue())


def listing(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_size for p in folder.rglob("*") if p.is_file()}


def refused(folder: Path, *argv: str, naming: tuple[str, ...] = ()) -> Result:
    """Run the CLI; assert the contract for bad input; return the result."""
    before = listing(folder)
    result = run(*argv)
    assert result.code == 2, (argv, result)
    assert "Traceback" not in result.err and "unexpected" not in result.err, result.err
    assert result.err.startswith("error: "), result.err
    for fragment in naming:
        assert fragment in result.err, (fragment, result.err)
    assert listing(folder) == before, "something was written on failure"
    if "--json" in argv:
        answer = json.loads(result.out)
        assert answer["ok"] is False and answer["error"]["errors"], answer
        assert all({"loc", "msg", "value"} == set(e) for e in answer["error"]["errors"])
    return result


def write_json(folder: Path, name: str, data: Any) -> Path:
    path = folder / name
    path.write_text(json.dumps(data))
    return path
