"""User-facing errors: what went wrong, where, and what was expected.

Every error a user can fix is a `UserError`. It prints as one line on the command line (exit
2, no traceback unless `--debug`) and has one JSON shape everywhere, the CLI's `--json` and the
HTTP API alike (`envelope`):

    {"ok": false, "error": {"code": "...", "message": "...",
                            "errors": [{"loc": [...], "msg": "...", "value": ...}]}}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (`loc`, e.g. ["cases.csv", "line 14",
    "citizenship"]), what is wrong and what was expected (`msg`), and the value found."""

    loc: tuple[str | int, ...]
    msg: str
    value: Any = None

    def as_dict(self) -> dict[str, Any]:
        return {"loc": list(self.loc), "msg": self.msg, "value": _jsonable(self.value)}


class UserError(Exception):
    """An error caused by input the user can fix; printed without a traceback.

    The message names the file, line or field, the offending value and what was expected.
    `problems` lists each problem separately when there are several (a loader that reports
    every problem at once); `code` is a stable machine-readable kind.
    """

    code = "invalid_input"

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems: list[Problem] = list(problems or [])


class ParameterError(UserError):
    """A parameter file (or scenario overlay) is invalid."""

    code = "invalid_parameters"


class InputError(UserError):
    """An encounter record or file is invalid."""

    code = "invalid_record"


class UsageError(UserError):
    """A command-line option or argument is missing, empty, malformed or out of its limits."""

    code = "invalid_usage"


class OutputError(UserError):
    """An output path cannot be written (checked before the work starts)."""

    code = "invalid_output"


def shown(value: Any, limit: int = 60) -> str:
    """A user's value quoted for a message: repr (control characters and lone surrogates
    escaped, so the message always prints) and cut to `limit` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def printable(message: str) -> str:
    """`message` with anything a terminal cannot encode escaped (e.g. lone surrogates)."""
    return message.encode("utf-8", "backslashreplace").decode("utf-8")


def envelope(exc: UserError) -> dict[str, Any]:
    """The one error shape of the CLI's `--json` output and of the API."""
    problems = exc.problems or [Problem((), str(exc))]
    return {
        "ok": False,
        "error": {
            "code": exc.code,
            "message": str(exc),
            "errors": [p.as_dict() for p in problems],
        },
    }


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        if isinstance(value, str) and len(value) > 200:
            return value[:200] + "…"
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value[:50]]
    return _jsonable(repr(value))
