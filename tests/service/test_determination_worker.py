"""The determination worker process answers exactly what the server's own threads answer
(the same bytes, the same errors), leaves to the server what it does not hold, and stops
with the server."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from asylum_pathways.errors import UserError
from asylum_pathways.params import load_tree
from asylum_pathways.scenarios import Scenario, builtin_names, load_overlay, load_scenario
from asylum_pathways.service.batcher import WORKER_BATCH, Batcher, _written
from asylum_pathways.service.determination_worker import DeterminationWorker
from helpers import record


@pytest.fixture(scope="module")
def builtins() -> dict[str, Scenario]:
    tree = load_tree()
    return {n: load_scenario(n, tree) for n in builtin_names()}


def _requests() -> list[dict[str, Any]]:
    """Enough requests for a batch the worker computes (`WORKER_BATCH`)."""
    day = "2020-01-15"
    some = [
        record(person_id="A", encounter_date=day),
        record(person_id="A", encounter_date=day, citizenship="MX", claims_fear=None),
        record(person_id="F1", group_id="F", demographic="FMUA", encounter_date=day, age=30),
        record(person_id="Z", sector="NOPE", encounter_date=day),  # a problem: answered here
    ]
    return some * (WORKER_BATCH // len(some))


async def _each(batcher: Batcher, scenario: Scenario) -> list[Any]:
    """The requests sent together, as the route sends them: each its answer or its error."""
    return await asyncio.gather(
        *(batcher.determine(r, scenario, None) for r in _requests()), return_exceptions=True
    )


def test_the_worker_answers_the_bytes_and_errors_the_server_answers(
    builtins: dict[str, Scenario],
) -> None:
    async def run() -> None:
        worker = DeterminationWorker(builtins)
        await worker.start()
        try:
            for _ in range(1200):
                if worker.state != "starting":
                    break
                await asyncio.sleep(0.1)
            assert worker.state == "ready"
            for name in ("history", "outlook-2020-03-10"):
                scenario = builtins[name]
                assert worker.holds(scenario)
                there = await _each(Batcher(worker), scenario)
                here = _written(_requests(), scenario, None, "body")
                direct = await worker.each_alone(_requests(), scenario, None)
                assert direct is not None and len(direct) >= WORKER_BATCH
                for k, expected in enumerate(here):
                    if isinstance(expected, UserError):  # the server names the problem
                        assert direct[k] is None and isinstance(there[k], UserError)
                        assert str(there[k]) == str(expected)
                    else:
                        assert isinstance(expected, bytes) and direct[k] == there[k] == expected
            # an inline overlay (even one named like a built-in) is computed by the server
            overlay = load_overlay({"name": "history"}, builtins["history"].tree, "scenario")
            assert not worker.holds(overlay)
            assert await worker.each_alone(_requests(), overlay, None) is None
        finally:
            await worker.stop()
        assert worker.state == "stopped" and not worker._process.is_alive()
        # stopped: the server computes, and answers the same
        after = await _each(Batcher(worker), builtins["history"])
        assert after[:3] == _written(_requests(), builtins["history"], None, "body")[:3]

    asyncio.run(run())


def test_a_worker_stopped_while_it_starts_ends_and_is_not_used(
    builtins: dict[str, Scenario],
) -> None:
    async def run() -> None:
        worker = DeterminationWorker(builtins)
        await worker.start()
        await worker.stop()
        assert worker.state == "stopped" and not worker._process.is_alive()
        assert await worker.each_alone(_requests(), builtins["history"], None) is None

    asyncio.run(run())
