"""The scenario lab's levers: parsed from the URL (levers only), turned into an overlay.

Which parameter each lever sets is data (`levers.yaml`); this module only writes dated
ranges. Every lever is optional: an empty lever leaves the base scenario as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from asylum_pathways import codes
from asylum_pathways.errors import Problem
from asylum_pathways.params import ParameterTree
from asylum_pathways.params.yamlio import load_yaml

DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class LabConfig:
    base: str
    start: dt.date
    end: dt.date
    reps: int
    seed: int
    partners: dict[str, dict[str, str]]
    injunction: dict[str, str]
    title42: str
    hearings_postponed: str


def config(reps: int | None = None, end: str | None = None) -> LabConfig:
    """The lab's configuration; `reps` and `end` (YYYY-MM-DD) make a smaller lab study."""
    path = Path(str(resources.files("asylum_pathways") / "service" / "levers.yaml"))
    d = load_yaml(path)
    return LabConfig(
        base=d["base"],
        start=d["horizon"]["start"],
        end=dt.date.fromisoformat(end) if end else d["horizon"]["end"],
        reps=reps or int(d["reps"]),
        seed=int(d["seed"]),
        partners={k: dict(v) for k, v in d["partners"].items()},
        injunction=dict(d["injunction"]),
        title42=d["title42"],
        hearings_postponed=d["hearings_postponed"],
    )


@dataclass
class Levers:
    base: str
    partner: dict[str, dict[str, Any]] = field(default_factory=dict)  # cc -> start/cap/seats
    injunction_from: dt.date | None = None
    injunction_circuits: tuple[str, ...] = ("9",)
    title42: str = "base"  # base | off | on
    title42_from: dt.date | None = None
    title42_to: dt.date | None = None
    postpone: str = "base"  # base | none | from
    postpone_from: dt.date | None = None

    def query(self) -> dict[str, str]:
        """The levers as URL parameters (only those set)."""
        q: dict[str, str] = {"base": self.base}
        for cc, p in self.partner.items():
            for k, v in p.items():
                if v is not None:
                    q[f"{cc.lower()}_{k}"] = str(v)
        if self.injunction_from:
            q["inj_from"] = self.injunction_from.isoformat()
            q["inj_circuits"] = ",".join(self.injunction_circuits)
        if self.title42 != "base":
            q["t42"] = self.title42
            for k, v in (("t42_from", self.title42_from), ("t42_to", self.title42_to)):
                if v:
                    q[k] = v.isoformat()
        if self.postpone != "base":
            q["postpone"] = self.postpone
            if self.postpone_from:
                q["postpone_from"] = self.postpone_from.isoformat()
        return q

    def changed(self) -> bool:
        return len(self.query()) > 1


def parse(
    query: Mapping[str, str], cfg: LabConfig, bases: list[str]
) -> tuple[Levers, list[Problem]]:
    """Levers from URL parameters; every bad one is a problem naming it."""
    problems: list[Problem] = []

    def date(key: str) -> dt.date | None:
        raw = (query.get(key) or "").strip()
        if not raw:
            return None
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError:
            problems.append(Problem((key,), "expected a date (YYYY-MM-DD)", raw))
            return None
        if not cfg.start <= day <= cfg.end:
            problems.append(Problem((key,), f"expected a day from {cfg.start} to {cfg.end}", raw))
            return None
        return day

    def number(key: str, high: int) -> int | None:
        raw = (query.get(key) or "").strip().replace(",", "")
        if not raw:
            return None
        if not raw.isdigit() or int(raw) > high:
            problems.append(Problem((key,), f"expected a whole number from 0 to {high:,}", raw))
            return None
        return int(raw)

    def choice(key: str, allowed: tuple[str, ...]) -> str:
        raw = (query.get(key) or allowed[0]).strip()
        if raw not in allowed:
            problems.append(Problem((key,), f"expected one of {', '.join(allowed)}", raw))
            return allowed[0]
        return raw

    base = (query.get("base") or cfg.base).strip()
    if base not in bases:
        problems.append(Problem(("base",), f"expected one of {', '.join(bases)}", base))
        base = cfg.base
    levers = Levers(base)
    for cc in cfg.partners:
        p = cc.lower()
        levers.partner[cc] = {
            "start": date(f"{p}_start"),
            "cap": number(f"{p}_cap", 1_000_000),
            "seats": number(f"{p}_seats", 10_000),
        }
    levers.partner = {
        cc: v for cc, v in levers.partner.items() if any(x is not None for x in v.values())
    }
    levers.injunction_from = date("inj_from")
    raw_circuits = [c.strip() for c in (query.get("inj_circuits") or "9").split(",") if c.strip()]
    bad = [c for c in raw_circuits if c not in codes.CIRCUITS]
    if bad or not raw_circuits:
        problems.append(
            Problem(("inj_circuits",), f"expected circuits among {', '.join(codes.CIRCUITS)}", bad)
        )
    else:
        levers.injunction_circuits = tuple(raw_circuits)
    levers.title42 = choice("t42", ("base", "off", "on"))
    levers.title42_from, levers.title42_to = date("t42_from"), date("t42_to")
    if levers.title42 == "on" and levers.title42_from is None:
        problems.append(Problem(("t42_from",), "Title 42 on: give the day it starts", None))
    levers.postpone = choice("postpone", ("base", "none", "from"))
    levers.postpone_from = date("postpone_from")
    if levers.postpone == "from" and levers.postpone_from is None:
        problems.append(Problem(("postpone_from",), "give the day hearings are postponed", None))
    return levers, problems


def overlay(levers: Levers, cfg: LabConfig, tree: ParameterTree) -> dict[str, Any]:
    """The scenario file the levers make: the base scenario plus dated ranges."""
    law: dict[str, list[dict[str, Any]]] = {}
    assumptions: dict[str, list[dict[str, Any]]] = {}
    h0 = cfg.start
    for cc, p in levers.partner.items():
        names = cfg.partners[cc]
        if p.get("start"):
            law[_rel(names["operating"])] = _switch(h0, p["start"], True)
        for lever, name in (("cap", "annual_cap"), ("seats", "seats_per_week")):
            if p.get(lever) is not None:
                assumptions[_rel(names[name])] = [{"from": h0, "value": p[lever]}]
    if levers.injunction_from:
        day = levers.injunction_from
        law[_rel(cfg.injunction["stayed"])] = [{"from": day, "value": False}]
        law[_rel(cfg.injunction["circuits"])] = [
            {"from": day, "value": list(levers.injunction_circuits)}
        ]
    if levers.title42 == "off":
        law[_rel(cfg.title42)] = [{"from": h0, "value": False}]
    elif levers.title42 == "on" and levers.title42_from:
        a, b = levers.title42_from, levers.title42_to
        ranges: list[dict[str, Any]] = []
        if a > h0:
            ranges.append({"from": h0, "to": a - DAY, "value": False})
        ranges.append({"from": a, **({"to": b} if b else {}), "value": True})
        if b:
            ranges.append({"from": b + DAY, "value": False})
        law[_rel(cfg.title42)] = ranges
    if levers.postpone == "none":
        law[_rel(cfg.hearings_postponed)] = [{"from": h0, "value": False}]
    elif levers.postpone == "from" and levers.postpone_from:
        law[_rel(cfg.hearings_postponed)] = _switch(h0, levers.postpone_from, True)
    return {
        "name": "lab",
        "description": "The scenario lab's levers on " + levers.base + ".",
        "extends": levers.base,
        "law": law,
        "assumptions": assumptions,
    }


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def to_yaml(data: dict[str, Any]) -> str:
    """The overlay as a scenario file for the CLI (no YAML aliases)."""
    head = (
        "# Made by the asylum-pathways scenario lab. Run it with\n"
        f"#   asylum-pathways simulate --scenario {data['extends']} --scenario lab.yaml\n"
    )
    return head + yaml.dump(data, Dumper=_NoAliases, sort_keys=False, allow_unicode=True)


def _rel(name: str) -> str:
    """A parameter's name inside its section (`law.x.y` -> `x.y`)."""
    return name.split(".", 1)[1]


def _switch(h0: dt.date, day: dt.date, value: Any) -> list[dict[str, Any]]:
    """Not `value` from the horizon's start, `value` from `day`."""
    if day <= h0:
        return [{"from": h0, "value": value}]
    return [{"from": h0, "to": day - DAY, "value": not value}, {"from": day, "value": value}]
