"""A fitted assumption's prior (`prior:` in a calibration spec): uniform, log-uniform or
normal truncated to its bounds, and the logit walk space the random walk moves in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from asylum_pathways.sim.fitting.spec_blocks import number, unknown

DISTRIBUTIONS = ("uniform", "loguniform", "normal")
PRIOR_KEYS = {"distribution", "bounds", "mean", "sd"}


@dataclass(frozen=True)
class Prior:
    distribution: str
    low: float
    high: float
    mean: float = 0.0
    sd: float = 1.0

    def _t(self, x: np.ndarray) -> np.ndarray:
        return np.log(x) if self.distribution == "loguniform" else np.asarray(x, float)

    def _t_inverse(self, t: np.ndarray) -> np.ndarray:
        return np.exp(t) if self.distribution == "loguniform" else t

    def to_walk(self, x: np.ndarray) -> np.ndarray:
        """Values in the unbounded space the random walk moves in: the logit of the position
        between the bounds (of the log for loguniform), so every proposal is inside them."""
        lo, hi = self._t(np.array([self.low, self.high]))
        u = np.clip((self._t(x) - lo) / (hi - lo), 1e-12, 1 - 1e-12)
        return np.log(u) - np.log1p(-u)

    def from_walk(self, z: np.ndarray) -> np.ndarray:
        lo, hi = self._t(np.array([self.low, self.high]))
        return self._t_inverse(lo + (hi - lo) / (1.0 + np.exp(-z)))

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.distribution == "normal":
            out = np.empty(n)
            filled = 0
            while filled < n:  # rejection to the bounds (bounds validated to hold mass)
                x = rng.normal(self.mean, self.sd, n)
                x = x[(x >= self.low) & (x <= self.high)][: n - filled]
                out[filled : filled + x.shape[0]] = x
                filled += x.shape[0]
            return out
        lo, hi = self._t(np.array([self.low, self.high]))
        return self._t_inverse(rng.uniform(lo, hi, n))

    def cdf(self, x: np.ndarray) -> np.ndarray:
        """The prior's cumulative distribution at `x` (truncated to its bounds)."""
        x = np.clip(np.asarray(x, dtype=np.float64), self.low, self.high)
        if self.distribution == "normal":
            from math import erf, sqrt

            def phi(v: float) -> float:
                return 0.5 * (1.0 + erf((v - self.mean) / (self.sd * sqrt(2.0))))

            lo, hi = phi(self.low), phi(self.high)
            return (np.vectorize(phi)(x) - lo) / (hi - lo)
        lo, hi = self._t(np.array([self.low, self.high]))
        return (self._t(x) - lo) / (hi - lo)

    def log_density_walk(self, z: np.ndarray) -> np.ndarray:
        """Log prior density of walk-space values, up to a constant (with the Jacobian of
        the logit, so a Metropolis-Hastings ratio in walk space is the right one)."""
        z = np.asarray(z, float)
        log_jacobian = -np.logaddexp(0.0, -z) - np.logaddexp(0.0, z)  # log s(1 - s)
        if self.distribution == "normal":
            x = self.from_walk(z)
            return log_jacobian - 0.5 * ((x - self.mean) / self.sd) ** 2
        return log_jacobian


def parse_prior(p: Any, at: str, what: str, problems: list[str]) -> Prior | None:
    if not isinstance(p, dict):
        problems.append(
            f"{at}: {what}: prior {p!r}: expected {{distribution, bounds: [low, high]}}"
        )
        return None
    unknown(p, PRIOR_KEYS, at.split(" line ")[0], f"{what} prior", problems)
    dist = p.get("distribution")
    if dist not in DISTRIBUTIONS:
        problems.append(
            f"{at}: {what}: distribution {dist!r}: expected one of {', '.join(DISTRIBUTIONS)}"
        )
        return None
    bounds = p.get("bounds")
    if (
        not isinstance(bounds, list)
        or len(bounds) != 2
        or not all(number(b) for b in bounds)
        or not bounds[0] < bounds[1]
    ):
        problems.append(f"{at}: {what}: bounds {bounds!r}: expected [low, high] with low < high")
        return None
    lo, hi = float(bounds[0]), float(bounds[1])
    if dist == "loguniform" and lo <= 0:
        problems.append(f"{at}: {what}: loguniform bounds {bounds!r}: expected low > 0")
        return None
    if dist == "normal":
        mean, sd = p.get("mean"), p.get("sd")
        if not isinstance(mean, int | float) or not isinstance(sd, int | float) or sd <= 0:
            problems.append(f"{at}: {what}: normal prior needs a mean and an sd > 0")
            return None
        if not lo - 3 * sd <= mean <= hi + 3 * sd:
            problems.append(f"{at}: {what}: mean {mean} is far outside the bounds {bounds}")
            return None
        return Prior(dist, lo, hi, float(mean), float(sd))
    return Prior(str(dist), lo, hi)
