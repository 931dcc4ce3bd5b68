"""Queues against theory and against a plain reference simulation."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from asylum_pathways.sim.model.queues import daily_intake, fifo


def test_a_fifo_queue_with_fixed_daily_capacity_matches_its_closed_form() -> None:
    # N people ready on day 0, c served a day: the n-th (1-based) leaves on day ceil(n/c) - 1
    n, c = 1000, 7
    served = fifo(np.zeros(n, dtype=np.int64), np.full(400, float(c)))
    expected = np.ceil(np.arange(1, n + 1) / c).astype(int) - 1
    assert np.array_equal(served, expected)


def test_fractional_capacity_accumulates_whole_people() -> None:
    served = fifo(np.zeros(6, dtype=np.int64), np.full(20, 0.5))
    assert served.tolist() == [1, 3, 5, 7, 9, 11]


def test_unused_capacity_is_lost_and_no_one_leaves_before_ready() -> None:
    ready = np.array([5, 5, 5])
    served = fifo(ready, np.full(10, 10.0))
    assert served.tolist() == [5, 5, 5]


def test_people_not_served_by_the_end_of_the_horizon_are_marked_pending() -> None:
    served = fifo(np.zeros(5, dtype=np.int64), np.array([1.0, 1.0, 0.0]))
    assert served.tolist() == [0, 1, -1, -1, -1]


def _reference_fifo(ready: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """One person at a time, one day at a time: the obvious simulation."""
    order = np.argsort(ready, kind="stable")
    out = np.full(ready.shape[0], -1)
    queue: list[int] = []
    nxt = 0
    carry = 0.0
    served_total = 0
    for day in range(capacity.shape[0]):
        while nxt < len(order) and ready[order[nxt]] <= day:
            queue.append(int(order[nxt]))
            nxt += 1
        carry += capacity[day]
        whole = int(np.floor(carry + 1e-9)) - served_total
        take = min(whole, len(queue))
        for person in queue[:take]:
            out[person] = day
        served_total += whole  # unused capacity is lost
        queue = queue[take:]
    return out


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.integers(0, 40), min_size=0, max_size=120),
    st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0, 7.5]), min_size=50, max_size=50),
)
def test_fifo_agrees_with_a_reference_simulation(ready: list[int], capacity: list[float]) -> None:
    r = np.array(ready, dtype=np.int64)
    c = np.array(capacity)
    assert np.array_equal(fifo(r, c), _reference_fifo(r, c))


def test_daily_intake_admits_whole_families_first_come_up_to_capacity() -> None:
    day = np.array([0, 0, 0, 0, 0, 1, 1])
    unit_start = np.array([True, False, True, True, False, True, True])  # units: 2,1,2 | 1,1
    ok = daily_intake(day, np.ones(7), np.array([3.0, 1.0]), unit_start)
    assert ok.tolist() == [True, True, True, False, False, True, False]
