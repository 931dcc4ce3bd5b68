"""A sweep point as a scenario: the base with each lever set to the point's value from the
lever's date, and a failure message's points named with their levers."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Any

from asylum_pathways.scenarios import Scenario, load_overlay
from asylum_pathways.sim.runs.sweep_spec import Lever, SweepSpec


def apply_levers(base: Scenario, settings: Sequence[tuple[Lever, Any]], name: str) -> Scenario:
    """`base` with each lever set to its value from its date, as an overlay on base's tree
    (so a lever replaces the base's values from that date on)."""
    overlay: dict[str, Any] = {"name": name, "description": f"{base.name} with {name}"}
    for lever, value in settings:
        overlay.setdefault(lever.section, {})[lever.relative] = [
            {"from": lever.start, "value": value}
        ]
    made = load_overlay(overlay, base.tree, name)
    return dataclasses.replace(made, changed=tuple(dict.fromkeys((*base.changed, *made.changed))))


def points_named(spec: SweepSpec, message: str) -> str:
    """What the sweep points a failure message names (`scenario point-K`) set their levers to."""
    named = sorted({int(k) for k in re.findall(r"scenario point-(\d+)\b", message)})
    return "".join(
        f" Sweep point point-{k}: "
        + ", ".join(
            f"{lv.name} = {v!r} from {lv.start}"
            for lv, v in zip(spec.levers, spec.points[k], strict=True)
            if v is not None
        )
        + "."
        for k in named
        if k < len(spec.points)
    )


def point_scenario(base: Scenario, spec: SweepSpec, k: int) -> Scenario:
    settings = [(lv, v) for lv, v in zip(spec.levers, spec.points[k], strict=True) if v is not None]
    return apply_levers(base, settings, f"point-{k}")
