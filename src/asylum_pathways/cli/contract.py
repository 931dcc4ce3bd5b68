"""The command line's contract for bad input, and the limits it enforces.

`TEXT` is appended to docs/cli.md by `python -m asylum_pathways.docs`; the limits in it are
the constants below, so the documentation cannot drift from what the commands check.
"""

from __future__ import annotations

import os
from typing import Any

from asylum_pathways.errors import Problem, UsageError, shown
from asylum_pathways.records import MAX_ID_LENGTH
from asylum_pathways.scenarios.overlay import MAX_EXTENDS

MAX_REPS = 1_000  # a bounded run: replications stream to disk, but each takes time and space
MAX_SEED = 2**63 - 1


def cpus() -> int:
    """CPUs this process may run on (the most `--workers` may ask for)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def refuse_empty_values(args: list[str]) -> None:
    """An empty option value (`--date ''`, `--out=`) or argument is an error, never a default
    (an empty path would otherwise mean the current folder)."""
    for i, arg in enumerate(args):
        if arg == "" or (arg.startswith("--") and arg.endswith("=")):
            after_option = i > 0 and args[i - 1].startswith("-")
            name = arg.rstrip("=") if arg else (args[i - 1] if after_option else "argument")
            msg = "empty value (give a value or leave the option out)"
            raise UsageError(f"{name}: {msg}", [Problem((name,), msg, "")])


def usage_error(exc: Any) -> UsageError:
    """A Click usage error (unknown option, missing argument, bad integer) as a UserError."""
    param = getattr(exc, "param", None)
    names = getattr(param, "opts", None) or ([param.name] if param is not None else [])
    loc: tuple[str | int, ...] = (names[0],) if names else ()
    return UsageError(str(exc.format_message()), [Problem(loc, exc.format_message())])


def check_limit(value: int, name: str, low: int, high: int, expected: str) -> None:
    """Refuse `value` outside [low, high]; `expected` says the range in words."""
    if not low <= value <= high:
        msg = f"{shown(value)} is out of range (expected {expected})"
        raise UsageError(f"{name} {msg}", [Problem((name,), msg, value)])


TEXT = f"""
## Errors and limits

Bad input never produces a traceback (unless `--debug`) and never a silent default.

- **Exit codes.** `0` success; `2` anything the user can fix: a bad record, file, option,
  scenario or output path; `1` only for a bug of ours (please report it, with `--debug`).
- **Messages.** On stderr, `error: ...`, one line per problem (up to 30), each naming the
  file, the line (CSV: the file line, right across quoted multi-line fields; JSON: the record
  number; Parquet: the row), the field, the value, and what was expected.
- **`--json`.** Commands that take `--json` (`determine`, `params list`, `params show`) also
  print the error envelope on stdout, the same shape as the HTTP API:
  `{{"ok": false, "error": {{"code": ..., "message": ..., "errors": [{{"loc": [...], "msg": ...,
  "value": ...}}]}}}}`. Codes: `invalid_record`, `invalid_parameters`, `invalid_usage`,
  `invalid_output`, `invalid_input`.
- **Nothing written on failure.** Output paths are checked before the work starts (the folder
  exists and is writable, the file is not the input, `simulate --out` is not an existing
  file); results are written to a temporary file or folder beside the target and renamed into
  place only when complete.
- **Only regular files are read** (a FIFO, device or folder given as input is refused).

### Records

- Dates are `YYYY-MM-DD` and must lie in the range the parameter tree answers for
  (`law.coverage.answers`; `asylum-pathways params show law.coverage.answers`).
- `person_id` is required, unique in the file, not blank, at most {MAX_ID_LENGTH} characters;
  `group_id` likewise not blank. No field may contain control characters.
- A family unit (one `group_id`) has one encounter date, sector and port, and no `UAC` in it
  (6 U.S.C. 279(g)(2)); a `UAC` is younger than `law.records.uac_age_below`, an `SA` at least
  `law.records.adult_age_from`; a `port` lies in the record's `sector` (`law.geo.port_sector`).
- JSON: a key given twice in one object, `NaN`, `Infinity`, integers of more than 18 digits,
  unpaired surrogates and fractions where a whole number is expected are refused.
- CSV: every line has as many fields as the header; quotes are closed; an empty cell (`""` or
  nothing) is a missing value; blank lines are skipped. In CSV and Parquet the ACA screening
  outcomes are one column per receiving country, `aca_fear_established_<CC>`.

### Scenario files

YAML without anchors or aliases; dates are real days (no February 30, no month 13, not a date and time);
`name` and `description` are text (a name is 1-100 letters, digits, `.`, `_`, `-`);
`extends` chains are at most {MAX_EXTENDS} deep and never cycle; values are finite numbers,
whole where a count or rank is expected.

### Limits

| option | limit |
|---|---|
| `simulate --reps` | 1 to {MAX_REPS:,} replications (streamed to disk; a bounded run) |
| `simulate --workers` | 0 (one per CPU) to the number of CPUs of the machine |
| `simulate --seed` | 0 to 2^63 - 1 |
| `simulate --start/--end` | inside the calibration data and the tree's answerable range |
| any option or argument | not empty (`--date ''` is an error, not "no date") |
"""
