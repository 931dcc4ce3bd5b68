"""What a study's run keys may hold (scenarios, start, end, reps, seed, parameters), each
problem naming its key; a study's problems gathered into one `StudyError`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from asylum_pathways.errors import Problem, shown
from asylum_pathways.sim.model.windows import StudyError

#: A seed: a whole number from 0 to 2^63-1 on every face (the command line, a spec file, the
#: API), so that a seed fits a signed 64-bit integer wherever it is stored or typed.
MAX_SEED = 2**63 - 1
SEED_RANGE = f"a whole number from 0 to 2^63-1, {MAX_SEED}"
#: What each replication draws its fitted assumptions and unpublished capacities from: the
#: shipped calibration posterior, nothing (every assumption held at its tree value), or a
#: `calibrate --out` folder (or its posterior.parquet) by path.
POSTERIOR, FIXED = "posterior", "fixed"


def line(p: Problem) -> str:
    """One problem as a line of a message: its field, then what is wrong."""
    where = ".".join(str(x) for x in p.loc)
    return f"{where}: {p.msg}" if where else p.msg


def error(problems: list[Problem], lines: list[str] | None = None) -> StudyError:
    """The study's problems; the message says each (`lines`: as their own messages say them)."""
    said = lines if lines is not None else [line(p) for p in problems]
    if len(said) == 1:
        return StudyError(said[0], problems)
    return StudyError(f"the study has {len(problems)} problems: " + "; ".join(said), problems)


def check_run(values: Mapping[str, Any], label: Mapping[str, str], typed: bool) -> list[Problem]:
    """Problems of the run keys (scenarios, start, end, reps, seed), each naming its key."""
    problems: list[Problem] = []
    dates: dict[str, dt.date] = {}
    for key in ("start", "end"):
        if key not in values:
            continue
        v = values[key]
        day = as_date(v) if (isinstance(v, dt.date) or (isinstance(v, str) and not typed)) else None
        if day is None:
            problems.append(
                Problem((label[key],), f"{shown(v)} is not a date (expected YYYY-MM-DD)", v)
            )
        else:
            dates[key] = day
    if "start" in dates and "end" in dates and dates["end"] < dates["start"]:
        problems.append(
            Problem(
                (label["end"],),
                f"{dates['end']} is before {label['start']} {dates['start']}",
                dates["end"].isoformat(),
            )
        )
    for key, low, high, what in (
        ("reps", 1, None, "at least 1 replication"),
        ("seed", 0, MAX_SEED, SEED_RANGE),
    ):
        if key not in values:
            continue
        v = values[key]
        if not isinstance(v, int) or isinstance(v, bool):
            problems.append(Problem((label[key],), f"{shown(v)} is not a whole number", v))
        elif v < low or (high is not None and v > high):
            problems.append(Problem((label[key],), f"{v} is out of range (expected {what})", v))
    if "parameters" in values:
        v = values["parameters"]
        if not isinstance(v, str) or not v.strip():
            problems.append(
                Problem(
                    (label.get("parameters", "parameters"),),
                    f"expected {POSTERIOR}, {FIXED} or the path of a calibration folder",
                    v,
                )
            )
    if "scenarios" in values:
        problems += check_scenarios(values["scenarios"], label["scenarios"])
    return problems


def check_scenarios(scen: Any, label: str) -> list[Problem]:
    """Problems of the scenario list: each a built-in name, a file path or an inline overlay."""
    if isinstance(scen, str):
        scen = [scen]
    if not isinstance(scen, list | tuple) or not scen:
        return [Problem((label,), "expected a list of built-in names or inline overlays", scen)]
    problems = []
    for i, ref in enumerate(scen):
        if isinstance(ref, str):
            if not ref:
                problems.append(Problem((label, i), "an empty name", ref))
        elif not isinstance(ref, Mapping):
            problems.append(
                Problem((label, i), "expected a scenario name or an overlay (a mapping)", ref)
            )
    names = [r for r in scen if isinstance(r, str)]
    if len(set(names)) != len(names):
        problems.append(Problem((label,), f"given twice: {', '.join(names)}", names))
    return problems


def as_date(v: Any) -> dt.date | None:
    """`v` as a day (a date, or YYYY-MM-DD text), or None; a datetime is not a day."""
    if isinstance(v, dt.datetime):
        return None
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v) if len(v) == 10 else None
        except ValueError:
            return None
    return None
