"""The baseline: the same capacity-limited stages written the way a peer would in SimPy,
one process per person. Used by bench_simulate.py to check agreement and speed, and run as a
whole process (`python benchmarks/simpy_flows.py`, the year 2019) by bench_startup.py.

Stages (inputs are the rules' pathways and the people's draws, as in sim/model/flows.py):
daily intake per ACA receiving country and per MPP return port (whole families, first come
first served, unused capacity lost); transfer flights and MPP first and final hearings as
first-in-first-out queues served each day up to their capacity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import simpy


@dataclass
class Inputs:
    day: np.ndarray  # encounter day index, sorted
    family_start: np.ndarray  # bool, first member of a family
    family_size: np.ndarray  # members of the person's family (read on the first member)
    intake_key: np.ndarray  # intake location id (-1: no intake stage)
    intake_capacity: dict[int, np.ndarray]  # location -> people per day
    queue_key: np.ndarray  # first queue id for admitted people (-1: none)
    queue_lag: np.ndarray  # days from encounter to readiness
    queue_capacity: dict[int, np.ndarray]
    final_key: np.ndarray  # second queue for people who go on (-1: none)
    final_lag: int
    final_capacity: dict[int, np.ndarray]
    goes_on: np.ndarray  # bool: after the first queue, joins the second
    n_days: int


class DailyQueue:
    """A FIFO served once a day (at mid-day, after the day's arrivals) up to its capacity."""

    def __init__(self, env: simpy.Environment, capacity: np.ndarray) -> None:
        self.env = env
        self.capacity = capacity
        self.waiting: list[tuple[int, simpy.Event]] = []
        env.process(self.server())

    def join(self, person: int) -> simpy.Event:
        done = self.env.event()
        self.waiting.append((person, done))
        return done

    def server(self):  # type: ignore[no-untyped-def]
        total = 0.0
        served = 0
        yield self.env.timeout(0.5)
        for day in range(self.capacity.shape[0]):
            total += self.capacity[day]
            whole = int(np.floor(total + 1e-9)) - served
            served += whole
            batch, self.waiting = self.waiting[:whole], self.waiting[whole:]
            for _, event in batch:
                event.succeed(day)
            yield self.env.timeout(1)


def run(inp: Inputs) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Admitted flag, first-queue day, final-queue day per person (-1 = none)."""
    env = simpy.Environment()
    n = inp.day.shape[0]
    admitted = np.zeros(n, dtype=bool)
    first = np.full(n, -1, dtype=np.int64)
    final = np.full(n, -1, dtype=np.int64)
    demand: dict[tuple[int, int], float] = {}
    whole = {
        k: np.diff(np.concatenate([[0], np.floor(np.cumsum(c) + 1e-9)]))
        for k, c in inp.intake_capacity.items()
    }
    queues = {k: DailyQueue(env, c) for k, c in inp.queue_capacity.items()}
    finals = {k: DailyQueue(env, c) for k, c in inp.final_capacity.items()}
    family_ok: dict[int, bool] = {}
    head = np.maximum.accumulate(np.where(inp.family_start, np.arange(n), 0))

    def person(i: int):  # type: ignore[no-untyped-def]
        yield env.timeout(int(inp.day[i]))
        key = int(inp.intake_key[i])
        if key < 0:
            return
        if inp.family_start[i]:
            so_far = demand.get((key, int(inp.day[i])), 0.0) + inp.family_size[i]
            demand[(key, int(inp.day[i]))] = so_far
            family_ok[i] = so_far <= whole[key][int(inp.day[i])]
        if not family_ok[int(head[i])]:
            return
        admitted[i] = True
        q = int(inp.queue_key[i])
        if q < 0:
            return
        yield env.timeout(int(inp.queue_lag[i]))
        day = yield queues[q].join(i)
        first[i] = day
        if inp.goes_on[i] and int(inp.final_key[i]) >= 0:
            yield env.timeout(day + inp.final_lag - env.now)
            final[i] = yield finals[int(inp.final_key[i])].join(i)

    for i in range(n):
        env.process(person(i))
    env.run(until=inp.n_days + 1)
    return admitted, first, final


def main() -> None:
    """The SimPy model as a whole process on 2019 (scenario `history`): generate the year's
    encounters, determine their pathways, run the stages in SimPy; bench_startup.py times it."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from asylum_pathways.params import load_tree
    from asylum_pathways.scenarios import load_scenario
    from bench_simulate import stage_inputs

    inp = stage_inputs(load_scenario("history", load_tree()).tree)
    admitted, first, final = run(inp)
    print(
        f"{inp.day.shape[0]:,} people, {int(admitted.sum()):,} admitted, "
        f"{int((first >= 0).sum()):,} served by the first queue, {int((final >= 0).sum()):,} by the final"
    )


if __name__ == "__main__":
    main()
