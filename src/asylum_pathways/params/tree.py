"""The parameter tree: lookup by dotted name, by day, and a stable fingerprint."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from asylum_pathways.errors import UserError
from asylum_pathways.params import agreements
from asylum_pathways.params.model import DatedValue, Parameter

T = TypeVar("T")


class Snapshot:
    """The tree as of one day: `p = tree.at(day); p.law.mpp.enrolment_in_force`."""

    def __init__(self, tree: ParameterTree, day: dt.date, prefix: str = "") -> None:
        self._tree = tree
        self._day = day
        self._prefix = prefix

    def __getattr__(self, part: str) -> Any:
        name = f"{self._prefix}{part}"
        if name in self._tree.params:
            return self._tree.params[name].at(self._day)
        if any(n.startswith(name + ".") for n in self._tree.params):
            return Snapshot(self._tree, self._day, name + ".")
        raise AttributeError(f"no parameter or folder named {name!r}")


class ParameterTree:
    def __init__(
        self,
        params: dict[str, Parameter],
        ports: tuple[str, ...],
        root: Path,
        reads: set[str] | None = None,
    ) -> None:
        self.params = dict(sorted(params.items()))
        self.ports = ports
        self.root = root
        #: When a set: every parameter name read through `get`, and every prefix read through
        #: `under` (ending in "."), is added to it (`recording`); trees derived by `replaced`
        #: share it. None: nothing is recorded.
        self.reads = reads
        #: What is worked out from the parameters once and asked often (`memo`); a tree's
        #: parameters never change after it is made (`replaced` makes another tree).
        self._memo: dict[str, Any] = {}

    def memo(self, key: str, build: Callable[[], T]) -> T:
        """`build()`, worked out once for this tree under `key` (an immutable answer)."""
        if key not in self._memo:
            self._memo[key] = build()
        answer: T = self._memo[key]
        return answer

    def __getstate__(self) -> dict[str, Any]:
        """A tree sent to another process (a pool or Dask worker) goes without its memo: what
        is worked out may hold functions that cannot be pickled, and is worked out again."""
        state = dict(self.__dict__)
        state["_memo"] = {}
        return state

    def recording(self) -> ParameterTree:
        """This tree, recording what is read from it (in `reads`)."""
        return ParameterTree(self.params, self.ports, self.root, set())

    def under(self, prefix: str) -> list[Parameter]:
        """Every parameter whose name starts with `prefix` (which ends in a dot)."""
        if self.reads is not None:
            self.reads.add(prefix)
        return [p for n, p in self.params.items() if n.startswith(prefix)]

    def __iter__(self) -> Iterator[Parameter]:
        return iter(self.params.values())

    def __contains__(self, name: str) -> bool:
        return name in self.params

    def get(self, name: str) -> Parameter:
        if self.reads is not None:
            self.reads.add(name)
        try:
            return self.params[name]
        except KeyError:
            close = [n for n in self.params if name.split(".")[-1] in n][:5]
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise UserError(
                f"no parameter named {name!r}{hint} (`asylum-pathways params list` lists them)"
            ) from None

    def at(self, day: dt.date) -> Snapshot:
        return Snapshot(self, day)

    def replaced(self, changed: dict[str, Parameter]) -> ParameterTree:
        return ParameterTree({**self.params, **changed}, self.ports, self.root, self.reads)

    def receiving_countries(self) -> tuple[str, ...]:
        """ISO codes of the ACA partner countries: one folder each under law.aca.agreements."""

        def build() -> tuple[str, ...]:
            found = {agreements.country_of(p.name) for p in self.under(agreements.LAW)}
            return tuple(sorted(c.upper() for c in found if c))

        return self.memo("receiving_countries", build)

    def agreement(self, country: str, leaf: str) -> Parameter:
        return self.get(agreements.law(country, leaf))

    def missing_agreement_files(self) -> list[str]:
        """Problems: an agreement under law/aca/agreements/<cc>/ without every required
        operating assumption under assumptions/aca/agreements/<cc>/, or assumptions for a
        country with no agreement."""
        problems = []
        for cc in self.receiving_countries():
            for leaf in agreements.REQUIRED_ASSUMPTIONS:
                name = agreements.assumption(cc, leaf)
                if name not in self.params:
                    problems.append(
                        f"agreement {cc}: missing {agreements.file_path(name)} (every agreement "
                        f"needs {', '.join(agreements.REQUIRED_ASSUMPTIONS)}; null where there "
                        "is no limit)"
                    )
        law = {c.lower() for c in self.receiving_countries()}
        for name in self.params:
            if name.startswith(agreements.ASSUMPTIONS):
                country = agreements.country_of(name) or ""
                if country not in law:
                    folder = agreements.law_folder(country).replace(".", "/")
                    problems.append(f"{name}: no agreement {folder}/ for these assumptions")
        return problems

    def first_difference(self, other: ParameterTree) -> dt.date | None:
        """The first day on which some parameter is in force with another value in `other`
        (or is in force in one tree only); None when the two agree on every day. Before that
        day the two trees are the same law and assumptions, day by day."""
        first: dt.date | None = None
        for name in self.params.keys() | other.params.keys():
            a, b = self.params.get(name), other.params.get(name)
            days = sorted({v.start for p in (a, b) if p is not None for v in p.values})
            for day in days if first is None else [d for d in days if d < first]:
                if _in_force(a, day) != _in_force(b, day):
                    first = day
                    break
        return first

    def fingerprint(self, names: Iterable[str] | None = None) -> str:
        """SHA-256 of every parameter's dated values: equal hashes mean equal law and
        assumptions. With `names` (parameter names, and prefixes ending in a dot), of those
        parameters only: a name the tree does not have counts as absent."""
        chosen = (
            list(self)
            if names is None
            else [
                p
                for n, p in self.params.items()
                if any(n == m or (m.endswith(".") and n.startswith(m)) for m in names)
            ]
        )
        canon: dict[str, Any] = {
            p.name: [[v.start.isoformat(), _jsonable(v.value)] for v in p.values] for p in chosen
        }
        if names is not None:
            canon["(asked)"] = sorted(names)
        blob = json.dumps(canon, sort_keys=True, separators=(",", ":")).encode()
        return hashlib.sha256(blob).hexdigest()


def _in_force(param: Parameter | None, day: dt.date) -> tuple[bool, Any]:
    """Whether `param` has a dated value in force on `day`, and which (a repeal is None)."""
    entry = None if param is None else param.entry_at(day)
    return (False, None) if entry is None else (True, entry.value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def dated_history(param: Parameter, current: DatedValue | None = None) -> list[dict[str, Any]]:
    """A parameter's dated values as JSON-ready rows (what `params show --json` and the API's
    parameter history give), marking the value in force on the asked-for day."""
    return [
        {
            "from": v.start.isoformat(),
            "value": _jsonable(v.value),
            "note": v.note,
            "references": [r.as_dict() for r in param.effective_references(v)],
            "origin": v.origin,
            "in_force_on_date": v is current,
        }
        for v in param.values
    ]
