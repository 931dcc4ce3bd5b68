"""ABC-SMC concentrates on the parameters that reproduce the data, the same way every time."""

from __future__ import annotations

import itertools

import numpy as np

from asylum_pathways.sim.calibrate import abc
from asylum_pathways.sim.fitting.prior import Prior

OBSERVED = np.array([3.0, 40.0])


def simulator(theta: np.ndarray, generation: int) -> np.ndarray:
    """A stochastic model with a known answer: noisy (a, 10 b) of parameters (a, b)."""
    rng = np.random.default_rng([generation, theta.shape[0], int(theta.sum() * 1e6) % 2**32])
    noise = rng.normal(0.0, 0.05, theta.shape)
    return np.column_stack([theta[:, 0], 10 * theta[:, 1]]) + noise


def distance(stats: np.ndarray) -> np.ndarray:
    return np.sqrt((((stats - OBSERVED) / OBSERVED) ** 2).sum(axis=1))


PRIORS = [Prior("uniform", 0.0, 10.0), Prior("loguniform", 0.5, 20.0)]


def test_particles_concentrate_near_the_parameters_that_reproduce_the_data() -> None:
    res = abc.run(PRIORS, simulator, distance, n=200, generations=12, seed=3)
    median = np.median(res.particles, axis=0)
    assert abs(median[0] - 3.0) < 0.3
    assert abs(median[1] - 4.0) < 0.4
    eps = [g.epsilon for g in res.generations[1:]]
    assert all(b <= a for a, b in itertools.pairwise(eps))
    assert res.distance.max() <= eps[-1]
    prior_spread = np.ptp(PRIORS[0].sample(np.random.default_rng(0), 200))
    assert np.ptp(res.particles[:, 0]) < prior_spread / 5


def test_the_budget_is_fixed_and_particles_stay_inside_the_bounds() -> None:
    res = abc.run(PRIORS, simulator, distance, n=40, generations=3, seed=1)
    # a proposal the prior ratio rejects is not simulated; the others all are (none falls
    # outside the bounds: the walk moves in logit space)
    assert abc.budget(40, 3, 0.5) / 2 < res.simulations <= abc.budget(40, 3, 0.5)
    assert res.particles.shape == (40, 2)
    assert (res.particles[:, 0] >= 0).all() and (res.particles[:, 0] <= 10).all()
    assert (res.particles[:, 1] >= 0.5).all() and (res.particles[:, 1] <= 20).all()


def test_the_same_seed_gives_the_same_posterior_and_another_seed_another() -> None:
    a = abc.run(PRIORS, simulator, distance, n=30, generations=3, seed=7)
    b = abc.run(PRIORS, simulator, distance, n=30, generations=3, seed=7)
    c = abc.run(PRIORS, simulator, distance, n=30, generations=3, seed=8)
    assert a.particles.tobytes() == b.particles.tobytes()
    assert a.stats.tobytes() == b.stats.tobytes()
    assert not np.array_equal(a.particles, c.particles)


def test_a_normal_prior_samples_inside_its_bounds() -> None:
    p = Prior("normal", 0.0, 1.0, mean=0.9, sd=0.5)
    x = p.sample(np.random.default_rng(0), 500)
    assert x.min() >= 0.0 and x.max() <= 1.0
    z = p.to_walk(x)
    assert np.allclose(p.from_walk(z), x)
    assert np.isfinite(p.log_density_walk(z)).all()


def test_the_run_stops_after_the_first_generation_within_enough_and_not_before() -> None:
    full = abc.run(PRIORS, simulator, distance, n=60, generations=10, seed=5)
    eps = [g.epsilon for g in full.generations[1:]]
    enough = eps[4]  # reached at the fifth generation, not before (the tolerance only falls)
    assert eps[3] > enough
    early = abc.run(PRIORS, simulator, distance, n=60, generations=10, seed=5, enough=enough)
    assert [g.epsilon for g in early.generations[1:]] == eps[:5]
    assert early.distance.max() <= enough
    assert early.simulations < full.simulations
