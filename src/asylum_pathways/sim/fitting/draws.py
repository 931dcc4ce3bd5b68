"""What each replication draws: the calibration posterior's fitted assumptions and the
capacities nobody published (their priors), one draw per replication for every scenario.

`Draws` has the interface the Monte Carlo needs (`draw(index, seed)`, `apply(tree, draw)`);
either part may be absent. `uncertainty` says, in summary.json, what an interval includes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from asylum_pathways.params import ParameterTree
from asylum_pathways.sim.fitting.posterior import Fitted, Posterior
from asylum_pathways.sim.fitting.posterior import summary as quantiles
from asylum_pathways.sim.fitting.priors import CapacityPriors

#: What an interval may include, in the words summary.json uses.
#: ("parameters" is the fitted assumptions, the name summary.json has always used.)
MONTE_CARLO, FITTED, PRIORS = "monte_carlo", "parameters", "capacity_priors"


@dataclass(frozen=True)
class Draws:
    posterior: Posterior | None = None
    priors: CapacityPriors | None = None

    @property
    def fitted(self) -> tuple[Fitted, ...]:
        """Every drawn assumption: the posterior's, then the priors'."""
        return (
            *(self.posterior.fitted if self.posterior else ()),
            *(self.priors.fitted if self.priors else ()),
        )

    def draw(self, index: int, seed: np.random.SeedSequence) -> dict[str, float]:
        out = self.posterior.draw(index, seed) if self.posterior else {}
        if self.priors:
            out.update(self.priors.draw(index, seed))
        return out

    def apply(self, tree: ParameterTree, draw: dict[str, float]) -> ParameterTree:
        if self.posterior:
            tree = self.posterior.apply(tree, draw)
        if self.priors:
            tree = self.priors.apply(tree, draw)
        return tree

    def includes(self) -> list[str]:
        return [
            MONTE_CARLO,
            *([FITTED] if self.posterior else []),
            *([PRIORS] if self.priors else []),
        ]


def of(draws: Any) -> Draws | None:
    """A study's draws as `Draws` (a bare posterior, as older callers pass it, included)."""
    if draws is None or isinstance(draws, Draws):
        return draws
    return Draws(posterior=draws)


def said(draws: Draws | None) -> str:
    """What the replications drew, in the words a run prints: "posterior run <id>" (with the
    capacity priors, when drawn), "capacity priors only" or "fixed"."""
    if draws is None or (draws.posterior is None and draws.priors is None):
        return "fixed"
    if draws.posterior is None:
        return "capacity priors only (no posterior)"
    return f"posterior run {draws.posterior.run_id}" + (
        " and the capacity priors" if draws.priors else ""
    )


def uncertainty(draws: Draws | None) -> dict[str, Any]:
    """summary.json's `uncertainty`: which sources of uncertainty an interval includes."""
    if draws is None or (draws.posterior is None and draws.priors is None):
        return {
            "includes": [MONTE_CARLO],
            "text": "Intervals are the 5th-95th percentiles over replications with every "
            "assumption held at its tree value; they show Monte Carlo variation only, not "
            "uncertainty about the assumptions.",
        }
    parts = []
    out: dict[str, Any] = {"includes": draws.includes()}
    if draws.posterior:
        post = draws.posterior
        labels = post.provenance.get("priors") or {}
        names = "; ".join((labels.get(f.id) or {}).get("label") or f.id for f in post.fitted)
        parts.append(
            f"the fitted assumptions ({names}) from the posterior of calibration run {post.run_id}"
        )
        uninformed = post.provenance.get("uninformed") or []
        out["posterior"] = {
            "run_id": post.run_id,
            "file": Path(post.source).name,
            "particles": int(post.particles.shape[0]),
            "method": post.provenance.get("method"),
            "fitted": [
                {**f.as_dict(), **quantiles(post.particles[:, j]), "uninformed": f.id in uninformed}
                for j, f in enumerate(post.fitted)
            ],
            "uninformed": list(uninformed),
        }
    if draws.priors:
        names = "; ".join(p.label or p.fitted.id for p in draws.priors.parameters)
        parts.append(f"the unpublished capacities ({names}) from their priors")
        out["priors"] = [
            {
                **p.fitted.as_dict(),
                "distribution": p.prior.distribution,
                "bounds": [p.prior.low, p.prior.high],
                "about": p.about,
                "references": [{"title": t, "href": h} for t, h in p.references],
            }
            for p in draws.priors.parameters
        ]
    out["text"] = (
        "Intervals are the 5th-95th percentiles over replications, each drawing "
        + " and ".join(parts)
        + " (the same draw in every scenario); they include Monte Carlo variation and that "
        "uncertainty about those assumptions, not about the model's structure or its other "
        "assumptions."
    )
    return out


def for_simulate(path: Path | None, fixed: bool, tree: ParameterTree) -> Draws | None:
    """What `simulate` draws each replication from: the calibration posterior (`path`, default
    the shipped one; see `posterior.for_simulate`) and the capacity priors; None with
    `fixed` (every assumption held at its tree value)."""
    from asylum_pathways.sim.fitting import posterior, priors

    if fixed:
        return None
    return Draws(posterior.for_simulate(path, False, tree), priors.load(tree))
