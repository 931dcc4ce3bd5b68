"""The parameter trees the registry has determined under, kept by fingerprint, so that after the
law changes the first day on which the old and the new law differ can still be computed
(`ParameterTree.first_difference`), which later days bring a change (`change_days`), and an
answer stored under another law (a re-determination run with an overlay) can be explained under
that law (`scenario_of`)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from asylum_pathways.params import DatedValue, Parameter, ParameterTree
from asylum_pathways.registry.models import LawVersion
from asylum_pathways.scenarios import Scenario


def canonical(tree: ParameterTree) -> dict[str, list[list[Any]]]:
    """Every parameter's dated values as JSON (what `ParameterTree.fingerprint` hashes)."""
    return {p.name: [[v.start.isoformat(), _jsonable(v.value)] for v in p.values] for p in tree}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def from_canonical(values: dict[str, list[list[Any]]]) -> ParameterTree:
    params = {
        name: Parameter(
            name=name,
            section=name.split(".")[0],
            description="",
            label=name,
            unit="",
            values=tuple(DatedValue(dt.date.fromisoformat(s), v, ()) for s, v in rows),
        )
        for name, rows in values.items()
    }
    return ParameterTree(params, (), Path())


def scenario_of(session: Session, fingerprint: str, current: Scenario) -> Scenario | None:
    """The law kept as `fingerprint`, as a scenario the entry point determines under: its dated
    values laid over `current`'s parameters (their labels, units and sources; a dated value both
    hold keeps its own references and note). None when that law was never kept or is not
    rebuilt exactly (the rebuilt tree's fingerprint must be `fingerprint`)."""
    row = session.get(LawVersion, fingerprint)
    if row is None:
        return None
    base = current.tree
    params: dict[str, Parameter] = {}
    changed = []
    for name, rows in row.values.items():
        like = base.params.get(name)
        kept = {(v.start.isoformat(), _key(v.value)): v for v in like.values} if like else {}
        values = tuple(
            kept.get((start, _key(value)))
            or DatedValue(
                dt.date.fromisoformat(start),
                _revive(value, like),
                (),
                origin=f"the law kept as {fingerprint[:12]}",
            )
            for start, value in rows
        )
        if like is None:
            params[name] = from_canonical({name: rows}).params[name]
            changed.append(name)
        elif values != like.values:
            params[name] = like.with_values(values)
            changed.append(name)
        else:
            params[name] = like
    tree = ParameterTree(params, base.ports, base.root)
    if tree.fingerprint() != fingerprint:
        return None
    return Scenario(
        name=row.scenario,
        description=f"the law the registry kept as {fingerprint[:12]}",
        tree=tree,
        source="registry",
        sha256=fingerprint,
        changed=tuple(sorted(changed)),
        label=row.scenario,
    )


def _key(value: Any) -> str:
    return json.dumps(_jsonable(value), sort_keys=True)


def _revive(value: Any, like: Parameter | None) -> Any:
    """A kept value as the tree holds it: an ISO day of a parameter whose values are days (JSON
    keeps them as text) is a date again."""
    if (
        isinstance(value, str)
        and like is not None
        and any(isinstance(v.value, dt.date) for v in like.values)
    ):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def remember(
    session: Session,
    fingerprint: str,
    scenario: str,
    tree: ParameterTree,
    programs: tuple[str, ...] | None = None,
) -> None:
    """Keep this law (and the order of its programs) the first time it is used. Transactions
    that use a new law at the same moment (cases opened together just after a change of law, the
    re-determination on start) all try to keep it: the insert does nothing when another has kept
    it first (on PostgreSQL it waits for that one to commit), instead of failing on the key."""
    row = session.get(LawVersion, fingerprint)
    if row is None:
        insert = (
            postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        )
        session.execute(
            insert(LawVersion)
            .values(
                fingerprint=fingerprint,
                scenario=scenario,
                values=canonical(tree),
                programs=list(programs or ()),
            )
            .on_conflict_do_nothing(index_elements=[LawVersion.fingerprint])
        )
        row = session.get(LawVersion, fingerprint)
    if row is not None and programs and not row.programs:
        row.programs = list(programs)


def programs(session: Session, fingerprint: str) -> list[str]:
    row = session.get(LawVersion, fingerprint)
    return list(row.programs) if row is not None else []


def first_difference(session: Session, old: str, current: ParameterTree) -> dt.date | None:
    """The first day the law of fingerprint `old` differs from `current` (the tree's earliest
    day when `old` was never kept: everything may differ)."""
    row = session.get(LawVersion, old)
    if row is None:
        return dt.date.min
    return from_canonical(row.values).first_difference(from_canonical(canonical(current)))


def change_days(
    tree: ParameterTree, after: dt.date, until: dt.date, prefix: str = "law."
) -> list[dt.date]:
    """Days in (after, until] on which some law parameter takes a new value."""
    return sorted(
        {
            v.start
            for p in tree
            if p.name.startswith(prefix)
            for v in p.values
            if after < v.start <= until
        }
    )
