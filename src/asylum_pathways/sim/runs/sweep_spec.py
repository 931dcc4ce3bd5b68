"""A sweep spec as a value: its base scenario, horizon, replications, seed, metrics, levers
and points, and the error that lists every problem of a spec file."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from asylum_pathways.errors import UserError
from asylum_pathways.sim.runs.study import POSTERIOR, StudySpec

KEYS = ("base", "start", "end", "reps", "seed", "parameters", "metrics", "grid", "points")
LEVER_KEYS = ("from", "values")


class SweepError(UserError):
    """A sweep spec is invalid (the message lists every problem)."""

    code = "invalid_sweep"


@dataclass(frozen=True)
class Lever:
    """A parameter set to one of `values` from `start` on (its later dated values too)."""

    name: str
    start: dt.date
    values: tuple[Any, ...]
    #: Where the lever is in its spec file ("sweep.yaml line 9"), for messages.
    where: str = dataclasses.field(default="", compare=False)

    @property
    def section(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def relative(self) -> str:
        return self.name.split(".", 1)[1]


@dataclass(frozen=True)
class SweepSpec:
    base: str
    start: dt.date
    end: dt.date
    reps: int
    seed: int
    metrics: tuple[str, ...]
    levers: tuple[Lever, ...]
    #: Each point: one value per lever (None: that lever keeps the base's values).
    points: tuple[tuple[Any, ...], ...]
    source: str = "sweep"
    #: What each replication draws (`StudySpec.parameters`): posterior, fixed or a folder.
    parameters: str = POSTERIOR
    #: What the run drew, in words ("posterior run <id>", "fixed"): set by `run`.
    drawn: str = ""

    def study(self) -> StudySpec:
        return StudySpec(
            (self.base,), self.start, self.end, self.reps, self.seed, parameters=self.parameters
        )


def bad(problems: list[str], where: str) -> SweepError:
    """The spec file's problems as one error (nothing is run)."""
    return SweepError(
        f"sweep {where} has {len(problems)} problem(s); nothing was run:\n  "
        + "\n  ".join(problems)
    )
