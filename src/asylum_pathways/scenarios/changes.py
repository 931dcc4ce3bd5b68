"""A parameter's changes in a scenario (`- {from, to, value, note, reference}`): each checked
on its own, no two overlapping, then laid over the parameter's dated values. After a change's
`to`, the tree's own value resumes."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from asylum_pathways.errors import shown
from asylum_pathways.params import DatedValue, Parameter, Reference
from asylum_pathways.params.loader import _references
from asylum_pathways.params.units import check_value

CHANGE_KEYS = {"from", "to", "value", "note", "reference"}
#: A checked change: from, to (None: for good), value, note, references, its line.
Change = tuple[dt.date, dt.date | None, Any, str | None, tuple[Reference, ...], int | None]


def apply_changes(
    param: Parameter,
    changes: Any,
    where: str,
    line: int | None,
    scenario: str,
    kinds: dict[str, tuple[str, ...]],
    problems: list[str],
) -> tuple[DatedValue, ...] | None:
    """`param`'s values with `changes` laid over them, or None (each problem added to
    `problems`, as `"<where> line <n>: <parameter>: <what>"`)."""
    before = len(problems)
    if not isinstance(changes, list) or not changes:
        problems.append(
            f"{where} line {line}: {param.name}: expected a list of changes "
            "({from: YYYY-MM-DD, value: ...})"
        )
        return None
    ranges: list[Change] = []
    for change in changes:
        checked = _checked(param, change, where, line, kinds, problems)
        if checked is not None:
            ranges.append(checked)
    ranges.sort(key=lambda r: r[0])
    for a, b in itertools.pairwise(ranges):
        if a[1] is None or b[0] <= a[1]:
            problems.append(
                f"{where} line {b[5]}: {param.name}: the change from {b[0]} overlaps the change "
                f"from {a[0]} (to {a[1] or 'the end'})"
            )
    if len(problems) > before:
        return None
    return _laid_over(list(param.values), ranges, f"scenario {scenario}")


def _checked(
    param: Parameter,
    change: Any,
    where: str,
    line: int | None,
    kinds: dict[str, tuple[str, ...]],
    problems: list[str],
) -> Change | None:
    """One change, checked (None: its problems are added to `problems`)."""
    cline = getattr(change, "line", line)
    if not isinstance(change, dict):
        problems.append(
            f"{where} line {cline}: {param.name}: each change is a mapping, got {change!r}"
        )
        return None
    for key in set(change) - CHANGE_KEYS:
        problems.append(
            f"{where} line {cline}: {param.name}: unknown key {key!r} "
            f"(expected {', '.join(sorted(CHANGE_KEYS))})"
        )
    start, end = change.get("from"), change.get("to")
    for key, day in (("from", start), ("to", end)):
        if isinstance(day, dt.datetime):
            problems.append(
                f"{where} line {cline}: {param.name}: '{key}' {day.isoformat(' ')} is a "
                "date and time (expected a day, YYYY-MM-DD)"
            )
    if isinstance(start, dt.datetime) or isinstance(end, dt.datetime):
        return None
    note = change.get("note")
    if note is not None and not isinstance(note, str):
        problems.append(f"{where} line {cline}: {param.name}: note {shown(note)} is not text")
        return None
    if not isinstance(start, dt.date):
        problems.append(
            f"{where} line {cline}: {param.name}: 'from' {start!r} is not a date (YYYY-MM-DD)"
        )
        return None
    if end is not None and not isinstance(end, dt.date):
        problems.append(
            f"{where} line {cline}: {param.name}: 'to' {end!r} is not a date (YYYY-MM-DD)"
        )
        return None
    if end is not None and end < start:
        problems.append(f"{where} line {cline}: {param.name}: 'to' {end} is before 'from' {start}")
        return None
    if "value" not in change:
        problems.append(
            f"{where} line {cline}: {param.name}: missing 'value' (null ends the parameter)"
        )
        return None
    problem = check_value(change["value"], param.unit, param.items, param.keys, kinds)
    if problem:
        problems.append(f"{where} line {cline}: {param.name}: {problem}")
        return None
    refs = _references(change.get("reference"), f"{where} line {cline}", problems)
    return (start, end, change["value"], change.get("note"), refs, cline)


def _laid_over(
    values: list[DatedValue], ranges: list[Change], origin: str
) -> tuple[DatedValue, ...]:
    """`values` with each checked change (in order) set from its `from` to its `to`; after
    `to` the value in force before resumes (or the parameter ends, before its first date)."""
    for start, end, value, note, refs, _ in ranges:
        new = [v for v in values if v.start < start]
        new.append(DatedValue(start, value, refs, note, origin=origin))
        if end is not None:
            after = end + dt.timedelta(days=1)
            current = _value_on(values, after)
            if current is None:  # the range ends before the parameter's first date
                new.append(DatedValue(after, None, refs, "end of the scenario's range", origin))
            else:
                new.append(
                    DatedValue(
                        after, current.value, current.references, current.note, current.origin
                    )
                )
            new.extend(v for v in values if v.start > after)
        values = new
    return tuple(values)


def _value_on(values: list[DatedValue], day: dt.date) -> DatedValue | None:
    found = None
    for v in values:
        if v.start <= day:
            found = v
    return found
