"""Approximate Bayesian computation by sequential Monte Carlo, for a stochastic simulator.

The replenishment ABC-SMC of Drovandi and Pettitt (2011, Biometrics 67:225-233), with
equally weighted particles and an adaptive tolerance:

1. draw `n` particles from the prior and simulate each once (one replication, its own seed);
2. each generation, the tolerance becomes the distance of the best `n - drop` particles; the
   other `drop` are replaced by copies of survivors, each moved `moves` Metropolis-Hastings steps
   (Gaussian random walk with 2.38^2/k times the survivors' covariance, in walk space: the logit of
   each parameter's position between its bounds, so no proposal leaves them); a move is
   kept if the prior ratio allows it and its new simulation is within tolerance;
3. after the last generation every particle is within the final tolerance; the run ends
   early after a generation whose tolerance is at most `enough` (`calibrate`: ENOUGH).

Every generation simulates at most `drop x moves` proposals (those the prior ratio rejects
are not simulated), so the budget is bounded in advance: `n + generations * drop * moves`. All
random choices come from `SeedSequence([seed, generation, stream])`, and each simulation
from its own seed, so the posterior is identical for the same seed, whatever the workers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from asylum_pathways.sim.fitting.prior import Prior

#: simulate(particles [m, k], generation) -> summary statistics [m, t]
Simulator = Callable[[np.ndarray, int], np.ndarray]
#: distance(statistics [m, t]) -> [m]
Distance = Callable[[np.ndarray], np.ndarray]


@dataclass
class Generation:
    index: int
    epsilon: float
    proposed: int
    simulated: int
    accepted: int

    def as_dict(self) -> dict[str, float | int]:
        return {
            "generation": self.index,
            "epsilon": self.epsilon,
            "proposed": self.proposed,
            "simulated": self.simulated,
            "accepted": self.accepted,
        }


@dataclass
class Result:
    particles: np.ndarray  # [n, k], original space
    stats: np.ndarray  # [n, t], each particle's own simulation
    distance: np.ndarray  # [n]
    generations: list[Generation] = field(default_factory=list)

    @property
    def simulations(self) -> int:
        return sum(g.simulated for g in self.generations)


#: Random-walk scale: the proposal covariance is SCALE**2 / k times the survivors' covariance
#: (k parameters), the optimal Metropolis scaling of Roberts, Gelman and Gilks (1997).
SCALE = 2.38


#: Metropolis-Hastings moves of each replenished particle per generation (Drovandi and
#: Pettitt move each several times so that copies of one survivor part ways).
MOVES = 3
#: The tolerance at which `calibrate` stops: every particle's targets within their stated
#: tolerances (weighted root mean square). The spec's tolerances are the discrepancy the model
#: is allowed; fitting closer than that only narrows the intervals around what it cannot fit.
ENOUGH = 1.0


def budget(n: int, generations: int, drop: float, moves: int = MOVES) -> int:
    """Simulations the run makes at most."""
    return n + generations * n_drop(n, drop) * moves


def n_drop(n: int, drop: float) -> int:
    return max(1, min(n - 2, round(n * drop)))


def _rng(seed: int, generation: int, stream: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, generation, stream])))


def run(
    priors: list[Prior],
    simulate: Simulator,
    distance: Distance,
    n: int,
    generations: int,
    seed: int,
    drop: float = 0.5,
    moves: int = MOVES,
    enough: float = 0.0,
) -> Result:
    """ABC-SMC from the priors, `generations` at most: the run ends after the first generation
    whose tolerance is at most `enough` (0: never before the last)."""
    k = len(priors)
    rng = _rng(seed, 0, 0)
    theta = np.column_stack([p.sample(rng, n) for p in priors]) if k else np.zeros((n, 0))
    stats = simulate(theta, 0)
    dist = distance(stats)
    result = Result(theta, stats, dist, [Generation(0, float(dist.max()), n, n, n)])
    m = n_drop(n, drop)
    batch = 0  # each call of the simulator gets its own index (its seeds)
    for g in range(1, generations + 1):
        order = np.argsort(dist, kind="stable")
        keep, replace = order[: n - m], order[n - m :]
        eps = float(dist[keep[-1]])
        rng = _rng(seed, g, 0)
        walk = np.column_stack([p.to_walk(theta[:, j]) for j, p in enumerate(priors)])
        cov = SCALE**2 / k * np.atleast_2d(np.cov(walk[keep], rowvar=False))
        cov += np.eye(k) * 1e-12  # a parameter all survivors agree on still moves a little
        parents = keep[rng.integers(0, keep.shape[0], m)]
        # the dropped slots start as copies of their parents, then move `moves` MH steps
        theta, stats, dist = theta.copy(), stats.copy(), dist.copy()
        theta[replace], stats[replace], dist[replace] = (
            theta[parents],
            stats[parents],
            dist[parents],
        )
        simulated = accepted = 0
        for step in range(1, moves + 1):
            rng = _rng(seed, g, step)
            here = np.column_stack([p.to_walk(theta[replace, j]) for j, p in enumerate(priors)])
            proposal = here + rng.multivariate_normal(np.zeros(k), cov, m, method="cholesky")
            log_ratio = sum(
                p.log_density_walk(proposal[:, j]) - p.log_density_walk(here[:, j])
                for j, p in enumerate(priors)
            )
            u = rng.uniform(size=m)
            rows = np.flatnonzero(np.isfinite(log_ratio) & (np.log(u) < log_ratio))
            if not rows.shape[0]:
                continue
            batch += 1
            cand = np.column_stack([p.from_walk(proposal[rows, j]) for j, p in enumerate(priors)])
            s = simulate(cand, batch)
            d = distance(s)
            ok = d <= eps
            slots = replace[rows[ok]]
            theta[slots], stats[slots], dist[slots] = cand[ok], s[ok], d[ok]
            simulated += int(rows.shape[0])
            accepted += int(ok.sum())
        result.generations.append(Generation(g, eps, m * moves, simulated, accepted))
        if eps <= enough:
            break
    result.particles, result.stats, result.distance = theta, stats, dist
    return result
