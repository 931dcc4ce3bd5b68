"""Apply a scenario overlay to the parameter tree, validating it atomically.

A scenario file:

    name: my-scenario
    label: My scenario                   # optional: the name readers see (default: name)
    description: What this world assumes.
    extends: outlook-2020-03-10          # optional: another scenario applied first
    reference: [{title: My source, href: "https://example.org/a"}]  # optional: its sources
    law:
      mpp.enrolment_in_force:            # a parameter name under law/
        - {from: 2020-03-12, to: 2020-06-30, value: false, note: A pause.,
           reference: [{title: My source, href: "https://example.org/b"}]}  # optional
    assumptions:
      aca.agreements.sv.annual_cap:      # assumptions/aca/agreements/sv/annual_cap.yaml
        - {from: 2020-03-31, value: 2000}

Each change sets the value from `from` (inclusive) to `to` (inclusive; absent = for
good); after `to` the tree's own value resumes. A value cites the `reference` given on
it, and nothing else: the scenario's own `reference` is the scenario's (shown with its
description), not each value's, and a value without one is shown as "set by scenario NAME"
rather than under another value's sources. Every problem in the file (unknown parameter,
wrong section, bad value, overlapping ranges) is reported together, before anything runs:
the error's message names the file and line of each, and its problems (the error envelope's
`errors`) put each under its file and line, and an unknown parameter under its section and
name, as a scenario given inline (a JSON body) gets the same problem under its section and name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from asylum_pathways.errors import ParameterError, Problem, shown
from asylum_pathways.io.files import regular_file
from asylum_pathways.params import DatedValue, Parameter, ParameterTree, Reference
from asylum_pathways.params.loader import SECTIONS, _references
from asylum_pathways.params.units import check_value, item_kinds
from asylum_pathways.params.yamlio import line_of, load_yaml, read_yaml

FILE_KEYS = {"name", "label", "description", "extends", "reference", *SECTIONS}
MAX_NAME = 100
NAME = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._-]{{0,{MAX_NAME - 1}}}")
MAX_EXTENDS = 16  # scenarios extending scenarios: a chain longer than this is a mistake
CHANGE_KEYS = {"from", "to", "value", "note", "reference"}
DEFAULT = "history"


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    tree: ParameterTree
    source: str
    sha256: str
    changed: tuple[str, ...]  # names of the parameters the overlay changes
    label: str = ""  # the name readers see; the name when the file gives none
    extends: str | None = None  # the scenario this one is applied on top of
    references: tuple[Reference, ...] = ()  # the scenario's own sources (its `reference`)


def builtin_dir() -> Path:
    return Path(str(resources.files("asylum_pathways") / "scenarios" / "builtin"))


def builtin_names() -> list[str]:
    return sorted(p.stem for p in builtin_dir().glob("*.yaml"))


def load_scenario(spec: str, tree: ParameterTree) -> Scenario:
    """A built-in scenario by name, or a scenario file by path."""
    if not str(spec).strip():
        raise ParameterError("scenario '': empty (expected a built-in name or a YAML file)")
    path = builtin_dir() / f"{spec}.yaml"
    if not path.exists():
        path = Path(spec)
        if not path.exists():
            raise ParameterError(
                f"scenario {shown(spec)}: not a built-in scenario "
                f"({', '.join(builtin_names())}) and no such file"
            )
    return _load(path, tree, seen=())


def load_overlay(data: Any, tree: ParameterTree, where: str) -> Scenario:
    """An inline overlay (a scenario file's content as a mapping, e.g. from JSON, or as YAML
    text) named `where` in messages. It may extend only a built-in scenario."""
    import yaml

    try:
        raw = data.encode() if isinstance(data, str) else _canonical(data)
        content = load_yaml(Path(where), data) if isinstance(data, str) else _dates(data)
    except (UnicodeError, yaml.YAMLError) as exc:
        raise ParameterError(f"{where}: not a readable scenario ({type(exc).__name__})") from None
    try:
        return _load(Path(where), tree, seen=(), data=content, raw=raw)
    except ParameterError as exc:
        raise ParameterError(str(exc).replace(" line None", ""), exc.problems) from None


def _canonical(data: Any) -> bytes:
    import json

    return json.dumps(data, sort_keys=True, default=str).encode()


def _dates(data: Any) -> Any:
    """ISO dates written as JSON strings become dates, as YAML would read them unquoted."""
    if isinstance(data, dict):
        return {k: _dates(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_dates(v) for v in data]
    if isinstance(data, str) and len(data) == 10 and data[4] == "-" and data[7] == "-":
        try:
            return dt.date.fromisoformat(data)
        except ValueError:
            return data
    return data


def _load(
    path: Path,
    tree: ParameterTree,
    seen: tuple[Path, ...],
    data: Any = None,
    raw: bytes | None = None,
) -> Scenario:
    if raw is None:
        regular_file(path, "scenario", ParameterError)
        data = read_yaml(path)
    where = str(path)
    problems: list[str] = []
    if not isinstance(data, dict):
        raise ParameterError(
            f"{where}: a scenario is a mapping with name, description, law, assumptions"
        )
    for key in set(data) - FILE_KEYS:
        problems.append(
            f"{where} line {line_of(data, key)}: unknown key {shown(key)} "
            f"(expected {', '.join(sorted(FILE_KEYS))})"
        )
    for key in ("name", "label", "description", "extends"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            problems.append(
                f"{where} line {line_of(data, key)}: {key} {shown(value)} is a "
                f"{type(value).__name__} (expected text)"
            )
    raw_name = data.get("name")
    if isinstance(raw_name, str) and not NAME.fullmatch(raw_name):
        problems.append(
            f"{where} line {line_of(data, 'name')}: name {shown(raw_name)} is not a scenario "
            f"name (expected 1-{MAX_NAME} letters, digits, '.', '_' or '-')"
        )
    name = raw_name if isinstance(raw_name, str) and raw_name else path.stem
    base = tree
    changed: list[str] = []
    here = path.resolve()
    if isinstance(data.get("extends"), str) and data["extends"].strip():
        parent_spec = data["extends"]
        parent_path = builtin_dir() / f"{parent_spec}.yaml"
        if not parent_path.exists() and raw is None:  # inline overlays extend built-ins only
            parent_path = (path.parent / parent_spec).resolve()
        chain = (*seen, here)
        if parent_path.resolve() in chain:
            names = " -> ".join(str(p) for p in (*chain, parent_path.resolve()))
            raise ParameterError(f"{where}: scenarios extend each other in a cycle ({names})")
        if len(chain) >= MAX_EXTENDS:
            raise ParameterError(
                f"{where}: more than {MAX_EXTENDS} scenarios extend one another "
                "(expected a short chain)"
            )
        if not parent_path.exists():
            problems.append(
                f"{where} line {line_of(data, 'extends')}: extends unknown scenario "
                f"{shown(parent_spec)}"
            )
        else:
            parent = _load(parent_path, tree, chain)
            base = parent.tree
            changed.extend(parent.changed)
    own_refs = _references(data.get("reference"), f"{where} reference", problems)
    kinds = item_kinds(tree.ports)
    # problems[i] said as a Problem of its own (its field), for those that name one
    named: dict[int, Problem] = {}
    updated: dict[str, Parameter] = {}
    for section in SECTIONS:
        block = data.get(section) or {}
        if not isinstance(block, dict):
            problems.append(f"{where} line {line_of(data, section)}: {section} must be a mapping")
            continue
        for rel_name, changes in block.items():
            line = line_of(block, rel_name)
            full = f"{section}.{rel_name}"
            if full not in base:
                other = f"{next(s for s in SECTIONS if s != section)}.{rel_name}"
                hint = (
                    f" (it is under {other.split('.')[0]}:)"
                    if other in base
                    else " (`asylum-pathways params list` lists the names)"
                )
                problems.append(
                    f"{where} line {line}: {section}: unknown parameter {rel_name!r}{hint}"
                )
                named[len(problems) - 1] = Problem(
                    (*_place(where, line, raw is None), section, str(rel_name)),
                    f"unknown parameter {rel_name!r}{hint}",
                    rel_name,
                )
                continue
            param = base.get(full)
            new_values = _apply(param, changes, where, line, name, kinds, problems)
            if new_values is not None:
                updated[full] = param.with_values(new_values)
                changed.append(full)
    if problems:
        raise ParameterError(
            f"scenario {where} has {len(problems)} problem(s); nothing was run:\n  "
            + "\n  ".join(problems),
            [named.get(i) or _problem(text, where, raw is None) for i, text in enumerate(problems)],
        )
    digest = hashlib.sha256(path.read_bytes() if raw is None else raw).hexdigest()
    return Scenario(
        name=name,
        description=str(data.get("description") or "").strip(),
        tree=base.replaced(updated),
        source=str(path),
        sha256=digest,
        changed=tuple(dict.fromkeys(changed)),
        label=str(data.get("label") or name).strip(),
        extends=str(data["extends"]) if data.get("extends") else None,
        references=own_refs,
    )


def _place(where: str, line: int | None, is_file: bool) -> tuple[str, ...]:
    """Where a problem is in a scenario: its file and line (a file), or its line (YAML text
    given inline), or nothing (a mapping given inline: its place is the caller's)."""
    return ((where,) if is_file else ()) + ((f"line {line}",) if line is not None else ())


def _problem(text: str, where: str, is_file: bool) -> Problem:
    """A problem said as `"<where> line <n>: <what>"` as a Problem under its file and line."""
    rest = text.removeprefix(where)
    found = re.match(r" line (\d+|None)", rest)
    line = int(found.group(1)) if found and found.group(1) != "None" else None
    rest = rest[found.end() :] if found else rest
    return Problem(_place(where, line, is_file), rest.removeprefix(":").strip())


def _apply(
    param: Parameter,
    changes: Any,
    where: str,
    line: int | None,
    scenario: str,
    kinds: dict[str, tuple[str, ...]],
    problems: list[str],
) -> tuple[DatedValue, ...] | None:
    before = len(problems)
    if not isinstance(changes, list) or not changes:
        problems.append(
            f"{where} line {line}: {param.name}: expected a list of changes "
            "({from: YYYY-MM-DD, value: ...})"
        )
        return None
    ranges: list[
        tuple[dt.date, dt.date | None, Any, str | None, tuple[Reference, ...], int | None]
    ] = []
    for change in changes:
        cline = getattr(change, "line", line)
        if not isinstance(change, dict):
            problems.append(
                f"{where} line {cline}: {param.name}: each change is a mapping, got {change!r}"
            )
            continue
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
            continue
        note = change.get("note")
        if note is not None and not isinstance(note, str):
            problems.append(f"{where} line {cline}: {param.name}: note {shown(note)} is not text")
            continue
        if not isinstance(start, dt.date):
            problems.append(
                f"{where} line {cline}: {param.name}: 'from' {start!r} is not a date (YYYY-MM-DD)"
            )
            continue
        if end is not None and not isinstance(end, dt.date):
            problems.append(
                f"{where} line {cline}: {param.name}: 'to' {end!r} is not a date (YYYY-MM-DD)"
            )
            continue
        if end is not None and end < start:
            problems.append(
                f"{where} line {cline}: {param.name}: 'to' {end} is before 'from' {start}"
            )
            continue
        if "value" not in change:
            problems.append(
                f"{where} line {cline}: {param.name}: missing 'value' (null ends the parameter)"
            )
            continue
        problem = check_value(change["value"], param.unit, param.items, param.keys, kinds)
        if problem:
            problems.append(f"{where} line {cline}: {param.name}: {problem}")
            continue
        refs = _references(change.get("reference"), f"{where} line {cline}", problems)
        ranges.append((start, end, change["value"], change.get("note"), refs, cline))
    ranges.sort(key=lambda r: r[0])
    for a, b in itertools.pairwise(ranges):
        if a[1] is None or b[0] <= a[1]:
            problems.append(
                f"{where} line {b[5]}: {param.name}: the change from {b[0]} overlaps the change "
                f"from {a[0]} (to {a[1] or 'the end'})"
            )
    if len(problems) > before:
        return None
    values = list(param.values)
    for start, end, value, note, refs, _ in ranges:
        origin = f"scenario {scenario}"
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
