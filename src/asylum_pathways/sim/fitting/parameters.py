"""A calibration spec's fitted assumptions (`parameters:`): each a parameter of the tree (or
one key of it) on some dates, its transform, its prior and where the prior comes from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from asylum_pathways.params import ParameterTree
from asylum_pathways.params.yamlio import line_of
from asylum_pathways.sim.fitting.posterior import TRANSFORMS, Fitted, problems_applying
from asylum_pathways.sim.fitting.prior import Prior, parse_prior
from asylum_pathways.sim.fitting.spec_blocks import items, unknown

PARAM_KEYS = {
    "id",
    "parameter",
    "key",
    "dates",
    "transform",
    "integer",
    "prior",
    "about",
    "reference",
    "label",
}


@dataclass(frozen=True)
class Parameter:
    fitted: Fitted
    prior: Prior
    about: str
    references: tuple[tuple[str, str], ...] = ()  # (title, href) the prior is built from
    label: str = ""  # what it is, in a few words, for people (the id when absent)


def parse_parameters(
    block: Any, where: str, line: int | None, tree: ParameterTree | None, problems: list[str]
) -> list[Parameter]:
    out: list[Parameter] = []
    seen: set[str] = set()
    for item in items(block, "parameters", where, line, problems):
        at = f"{where} line {getattr(item, 'line', line)}"
        pid = item.get("id")
        what = f"parameter {pid!r}"
        unknown(item, PARAM_KEYS, where, what, problems)
        before = len(problems)
        if not isinstance(pid, str) or not pid.isidentifier():
            problems.append(f"{at}: id {pid!r}: expected a name of letters, digits and _")
        elif pid in seen:
            problems.append(f"{at}: id {pid!r} appears twice")
        seen.add(str(pid))
        dates = item.get("dates") or []
        if not isinstance(dates, list) or not all(isinstance(d, dt.date) for d in dates):
            problems.append(f"{at}: {what}: dates {dates!r}: expected a list of YYYY-MM-DD")
            dates = []
        key = item.get("key")
        if key is not None and not isinstance(key, str):
            problems.append(f"{at}: {what}: key {key!r}: expected text")
        transform = item.get("transform", "set")
        if transform not in TRANSFORMS:
            problems.append(
                f"{at}: {what}: transform {transform!r}: expected one of {', '.join(TRANSFORMS)}"
            )
        fitted = Fitted(
            str(pid),
            str(item.get("parameter")),
            key,
            tuple(d.isoformat() for d in dates),
            str(transform),
            bool(item.get("integer", False)),
        )
        if len(problems) == before and tree is not None:
            ref = "key" if "key" in item else "parameter"
            problems.extend(
                f"{where} line {line_of(item, ref)}: {what}: {p}"
                for p in problems_applying(tree, fitted)
            )
        prior = parse_prior(
            item.get("prior"), f"{where} line {line_of(item, 'prior')}", what, problems
        )
        refs = tuple(
            (str(r.get("title", "")), str(r.get("href", "")))
            for r in item.get("reference") or []
            if isinstance(r, dict)
        )
        if prior is not None and len(problems) == before:
            label = str(item.get("label") or str(pid).replace("_", " ")).strip()
            out.append(Parameter(fitted, prior, str(item.get("about", "")).strip(), refs, label))
    return out
