"""Queues as vectorized recurrences: no per-person loop.

A first-in-first-out queue served with a daily capacity: with A(t) the arrivals ready by
the end of day t and C(t) the cumulative capacity, the number served by the end of day t is

    D(t) = min(C(t), min over s <= t of [A(s) + C(t) - C(s)])   (Reich's formula)

and the n-th arrival (in order of readiness) leaves on the first day with D(t) >= n.
"""

from __future__ import annotations

import numpy as np


def cumulative_capacity(per_day: np.ndarray) -> np.ndarray:
    """Whole people served by the end of each day from a (possibly fractional) daily rate."""
    return np.floor(np.cumsum(per_day) + 1e-9).astype(np.int64)


def fifo(ready: np.ndarray, capacity_per_day: np.ndarray) -> np.ndarray:
    """Day each arrival is served (index on the capacity axis), or -1 if not by its end.

    `ready[i]` is the first day (index) arrival i can be served; ties keep their order.
    """
    n_days = capacity_per_day.shape[0]
    if ready.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(ready, kind="stable")
    arrivals = np.bincount(np.clip(ready, 0, n_days), minlength=n_days + 1)[:n_days]
    a = np.cumsum(arrivals)
    c = cumulative_capacity(capacity_per_day)
    served = c + np.minimum(0, np.minimum.accumulate(a - c))
    rank = np.arange(1, ready.shape[0] + 1)
    day = np.searchsorted(served, rank, side="left")
    out = np.empty(ready.shape[0], dtype=np.int64)
    out[order] = np.where(day < n_days, day, -1)
    out[ready >= n_days] = -1
    return out


def unit_prefix(day: np.ndarray, weight: np.ndarray, unit_start: np.ndarray) -> np.ndarray:
    """For rows sorted by `day` in units (families), the weight of that day's rows up to
    the end of each row's unit: a unit fits in a day's capacity c if this is <= c.
    Weights are not negative, so the running sum is largest at a unit's last row."""
    n = day.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.asarray(weight).dtype)
    csum = np.cumsum(weight)
    new_day = np.ones(n, dtype=bool)
    np.not_equal(day[1:], day[:-1], out=new_day[1:])
    day_first = np.flatnonzero(new_day)
    before = np.zeros(day_first.shape[0], dtype=csum.dtype)
    before[1:] = csum[day_first[1:] - 1]  # the weight of the days before
    before_day = np.repeat(before, np.diff(np.append(day_first, n)))
    unit_first = np.flatnonzero(unit_start)
    unit_last = np.append(unit_first[1:], n) - 1
    unit_end_csum = np.repeat(csum[unit_last], np.diff(np.append(unit_first, n)))
    return unit_end_csum - before_day


def daily_intake(
    day: np.ndarray, weight: np.ndarray, capacity_per_day: np.ndarray, unit_start: np.ndarray
) -> np.ndarray:
    """Who is admitted when each day admits at most its capacity (people, whole units).

    Rows are people sorted by `day`; a unit (family) is admitted whole or not at all: it is
    admitted if the people of the units before it that day plus its own fit in the day's
    capacity (first come, first served: a unit that does not fit closes the day). `unit_start`
    marks each unit's first row; `weight` is what a person takes of the capacity (1, or 0 for
    someone who takes no place). Returns a bool per row.
    """
    n = day.shape[0]
    if n == 0:
        return np.zeros(0, dtype=bool)
    n_days = capacity_per_day.shape[0]
    whole = np.diff(np.concatenate([[0], cumulative_capacity(capacity_per_day)]))
    within = unit_prefix(day, weight, unit_start)
    cap = whole[np.clip(day, 0, n_days - 1)]
    return (within <= cap) & (day < n_days) & (day >= 0)
