"""Single determinations that arrive together are answered together: one vectorized pass
(engine, what would change each answer, explanations) for every request waiting, instead of
one per request.

While a batch is computed (in a worker thread), new requests queue for the next one, so under
load batches grow by themselves and when idle a request waits for nobody. Requests are batched
only with others of the same scenario (by name) and date. Each answer is exactly, byte for
byte, what its record alone gets (`determination.together`); a record with any problem is
answered alone, so its error names its own request's field. Each answer is written as JSON in
the same worker thread, so a request costs the event loop no second hop. Nothing is kept after
the answer is sent.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from asylum_pathways.determination.together import each_alone
from asylum_pathways.errors import UserError
from asylum_pathways.scenarios import Scenario
from asylum_pathways.service.determinations import answers, dumps

#: Largest batch; more requests wait for the next one.
MAX_BATCH = 256


@dataclass
class _Queue:
    waiting: list[tuple[dict[str, Any], asyncio.Future[Any]]] = field(default_factory=list)
    running: bool = False
    task: asyncio.Task[None] | None = None


class Batcher:
    def __init__(self) -> None:
        self._queues: dict[tuple[str, dt.date | None, str], _Queue] = {}

    async def determine(
        self,
        record: dict[str, Any],
        scenario: Scenario,
        date: dt.date | None,
        date_in: str = "body",
    ) -> bytes:
        """`record`'s answer as JSON (`dumps`); `date_in` says where the date came from (for
        its errors)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        queue = self._queues.setdefault((scenario.name, date, date_in), _Queue())
        queue.waiting.append((record, future))
        if not queue.running:
            queue.running = True
            queue.task = loop.create_task(self._drain(queue, scenario, date, date_in))
        result: bytes = await future
        return result

    async def _drain(
        self, queue: _Queue, scenario: Scenario, date: dt.date | None, date_in: str
    ) -> None:
        try:
            await asyncio.sleep(0)  # let requests already received join this batch
            while queue.waiting:
                batch, queue.waiting = queue.waiting[:MAX_BATCH], queue.waiting[MAX_BATCH:]
                records = [r for r, _ in batch]
                results = await asyncio.to_thread(_written, records, scenario, date, date_in)
                for (_, future), result in zip(batch, results, strict=True):
                    if future.done():
                        continue
                    if isinstance(result, BaseException):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        finally:
            queue.running = False


def _written(
    records: list[dict[str, Any]], scenario: Scenario, date: dt.date | None, date_in: str
) -> list[bytes | BaseException]:
    """`_answer_all`, each answer written as JSON (at once: the answers share their parts)."""
    return [
        r if isinstance(r, BaseException) else dumps(r)
        for r in _answer_all(records, scenario, date, date_in, copies=False)
    ]


def _answer_all(
    records: list[dict[str, Any]],
    scenario: Scenario,
    date: dt.date | None,
    date_in: str,
    copies: bool = True,
) -> list[Any]:
    """One answer (or the error) per record, in order: each exactly what `answers` gives for
    that record alone (`determination.together`; `copies`: as `determine_records` takes it)."""
    found: list[Any] = (
        each_alone(records, scenario, as_of=date, copies=copies) if len(records) > 1 else [None]
    )
    for k, record in enumerate(records):
        if found[k] is None:  # alone, or a record with a problem: its own error
            try:
                found[k] = answers(record, scenario, date, 1, True, date_in, copies)
            except UserError as exc:
                found[k] = exc
    return found
