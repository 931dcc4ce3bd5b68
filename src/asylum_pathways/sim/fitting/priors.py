"""Capacities nobody published, drawn from their priors in every replication.

`priors.yaml` (beside this module) lists them in the calibration spec's format, each with
the sources its prior is built from. A replication draws each from its own SeedSequence
stream (a child key that neither the replication's other streams nor the posterior's draw
use), so the draw does not depend on the worker count, and applies the draw to every
scenario of the replication, so differences between scenarios stay paired. A value a
scenario sets is never touched (as for the posterior).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from asylum_pathways.errors import ParameterError
from asylum_pathways.params import ParameterTree
from asylum_pathways.params.yamlio import line_of, load_yaml
from asylum_pathways.sim.fitting import posterior as post
from asylum_pathways.sim.fitting.parameters import Parameter, parse_parameters

#: Child key of a replication's SeedSequence reserved for its prior draws (the posterior's is
#: POSTERIOR_STREAM; spawn() would reach either only after 2**31 children).
PRIORS_STREAM = post.POSTERIOR_STREAM + 1
NOTE = "drawn from its prior {id} (sim/fitting/priors.yaml) in this replication"


@dataclass(frozen=True)
class CapacityPriors:
    """The unknown capacities and their priors."""

    parameters: tuple[Parameter, ...]
    source: str

    @property
    def fitted(self) -> tuple[post.Fitted, ...]:
        return tuple(p.fitted for p in self.parameters)

    def draw(self, index: int, seed: np.random.SeedSequence) -> dict[str, float]:
        """Replication `index`'s draw of every capacity, from the replication's own stream."""
        stream = np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, PRIORS_STREAM))
        rng = np.random.Generator(np.random.PCG64(stream))
        return {p.fitted.id: float(p.prior.sample(rng, 1)[0]) for p in self.parameters}

    def apply(self, tree: ParameterTree, draw: dict[str, float]) -> ParameterTree:
        return post.apply(tree, self.fitted, draw, "prior", NOTE)

    def median(self, parameter_id: str) -> float:
        """The prior's median (the value the tree holds fixed, where it says so)."""
        prior = next(p.prior for p in self.parameters if p.fitted.id == parameter_id)
        grid = np.linspace(prior.low, prior.high, 20001)
        return float(grid[np.searchsorted(prior.cdf(grid), 0.5)])


def default_path() -> Path:
    return Path(str(resources.files("asylum_pathways") / "sim" / "fitting" / "priors.yaml"))


def load(tree: ParameterTree, path: Path | None = None) -> CapacityPriors:
    """The priors file, validated against `tree` (every problem at once, exit 2)."""
    path = path or default_path()
    data = load_yaml(path)
    where = str(path)
    problems: list[str] = []
    if not isinstance(data, dict):
        raise ParameterError(f"{where}: expected a mapping with parameters")
    params = parse_parameters(
        data.get("parameters"), where, line_of(data, "parameters"), tree, problems
    )
    if problems:
        raise ParameterError(
            f"capacity priors {where} have {len(problems)} problem(s):\n  " + "\n  ".join(problems)
        )
    return CapacityPriors(tuple(params), where)
