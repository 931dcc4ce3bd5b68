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
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from asylum_pathways.errors import ParameterError, Problem, shown
from asylum_pathways.io.files import regular_file
from asylum_pathways.params import Parameter, ParameterTree, Reference
from asylum_pathways.params.loader import SECTIONS, _references
from asylum_pathways.params.units import item_kinds
from asylum_pathways.params.yamlio import line_of, load_yaml, read_yaml
from asylum_pathways.scenarios.changes import apply_changes
from asylum_pathways.scenarios.places import place, problem

FILE_KEYS = {"name", "label", "description", "extends", "reference", *SECTIONS}
MAX_NAME = 100
NAME = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._-]{{0,{MAX_NAME - 1}}}")
MAX_EXTENDS = 16  # scenarios extending scenarios: a chain longer than this is a mistake
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
    """A scenario file (or, with `raw`, an inline overlay's `data`) applied to `tree`, after
    the scenario it extends; every problem of the file is raised at once."""
    if raw is None:
        regular_file(path, "scenario", ParameterError)
        data = read_yaml(path)
    where = str(path)
    if not isinstance(data, dict):
        raise ParameterError(
            f"{where}: a scenario is a mapping with name, description, law, assumptions"
        )
    problems = _header_problems(data, where)
    raw_name = data.get("name")
    name = raw_name if isinstance(raw_name, str) and raw_name else path.stem
    base, changed = _parent(path, data, tree, seen, raw is None, problems)
    own_refs = _references(data.get("reference"), f"{where} reference", problems)
    # problems[i] said as a Problem of its own (its field), for those that name one
    named: dict[int, Problem] = {}
    kinds = item_kinds(tree.ports)
    updated = _overlaid(data, base, where, name, raw is None, kinds, problems, named)
    changed.extend(updated)
    if problems:
        raise ParameterError(
            f"scenario {where} has {len(problems)} problem(s); nothing was run:\n  "
            + "\n  ".join(problems),
            [named.get(i) or problem(text, where, raw is None) for i, text in enumerate(problems)],
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


def _header_problems(data: dict[str, Any], where: str) -> list[str]:
    """Problems of the file's own keys: unknown keys, text that is not text, a bad name."""
    problems: list[str] = []
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
    return problems


def _parent(
    path: Path,
    data: dict[str, Any],
    tree: ParameterTree,
    seen: tuple[Path, ...],
    is_file: bool,
    problems: list[str],
) -> tuple[ParameterTree, list[str]]:
    """The tree the overlay applies to and the parameters changed before it: those of the
    scenario it `extends` (a built-in, or a file beside it; inline overlays extend built-ins
    only), else `tree` and none. A cycle or too long a chain is refused."""
    parent_spec = data.get("extends")
    if not (isinstance(parent_spec, str) and parent_spec.strip()):
        return tree, []
    where = str(path)
    parent_path = builtin_dir() / f"{parent_spec}.yaml"
    if not parent_path.exists() and is_file:
        parent_path = (path.parent / parent_spec).resolve()
    chain = (*seen, path.resolve())
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
        return tree, []
    parent = _load(parent_path, tree, chain)
    return parent.tree, list(parent.changed)


def _overlaid(
    data: dict[str, Any],
    base: ParameterTree,
    where: str,
    name: str,
    is_file: bool,
    kinds: dict[str, tuple[str, ...]],
    problems: list[str],
    named: dict[int, Problem],
) -> dict[str, Parameter]:
    """The parameters the overlay's `law` and `assumptions` blocks change, with their new
    values, in the order given; an unknown parameter is also said under its section and name
    (in `named`)."""
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
                    (*place(where, line, is_file), section, str(rel_name)),
                    f"unknown parameter {rel_name!r}{hint}",
                    rel_name,
                )
                continue
            param = base.get(full)
            new_values = apply_changes(param, changes, where, line, name, kinds, problems)
            if new_values is not None:
                updated[full] = param.with_values(new_values)
    return updated
