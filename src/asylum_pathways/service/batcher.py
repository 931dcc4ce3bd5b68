"""Single determinations that arrive together are answered together: one vectorized pass
(validation, engine, explanations) for every request waiting, instead of one per request.

While a batch is computed (in a worker thread), new requests queue for the next one, so under
load batches grow by themselves and when idle a request waits for nobody. Requests are batched
only with others of the same scenario (by name) and date; each keeps its own family units
(group ids are made unique per request), and a batch with any invalid record is answered
request by request, so every error names that request's own field. Nothing is kept after the
answer is sent.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from asylum_pathways.errors import UserError
from asylum_pathways.scenarios import Scenario
from asylum_pathways.service.determinations import answers

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
    ) -> dict[str, Any]:
        """`record`'s answer; `date_in` says where the date came from (for its errors)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        queue = self._queues.setdefault((scenario.name, date, date_in), _Queue())
        queue.waiting.append((record, future))
        if not queue.running:
            queue.running = True
            queue.task = loop.create_task(self._drain(queue, scenario, date, date_in))
        result: dict[str, Any] = await future
        return result

    async def _drain(
        self, queue: _Queue, scenario: Scenario, date: dt.date | None, date_in: str
    ) -> None:
        try:
            await asyncio.sleep(0)  # let requests already received join this batch
            while queue.waiting:
                batch, queue.waiting = queue.waiting[:MAX_BATCH], queue.waiting[MAX_BATCH:]
                records = [r for r, _ in batch]
                results = await asyncio.to_thread(_answer_all, records, scenario, date, date_in)
                for (_, future), result in zip(batch, results, strict=True):
                    if future.done():
                        continue
                    if isinstance(result, BaseException):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        finally:
            queue.running = False


def _answer_all(
    records: list[dict[str, Any]], scenario: Scenario, date: dt.date | None, date_in: str
) -> list[Any]:
    """One answer (or the error) per record, in order."""
    if len(records) > 1:
        maybe = [_own_family(k, r) for k, r in enumerate(records)]
        tagged = [t for t in maybe if t is not None]
        if len(tagged) == len(records):
            try:
                out: list[Any] = answers(tagged, scenario, date, len(tagged), True, date_in)
                for answer, record in zip(out, records, strict=True):
                    _untag(answer, answer["person_id"], record["person_id"])
                return out
            except UserError:
                pass  # some record is invalid: answer each alone, each with its own error
    results: list[Any] = []
    for record in records:
        try:
            results.append(answers(record, scenario, date, 1, True, date_in))
        except UserError as exc:
            results.append(exc)
    return results


def _untag(answer: dict[str, Any], tagged: str, person_id: str) -> None:
    """The answer with the person_id the request gave, in its branches too."""
    answer["person_id"] = person_id
    for branch in answer["branches"]:
        branch["person_id"] = person_id
        branch["conditions"] = [c.replace(tagged, person_id) for c in branch["conditions"]]
        branch["sentence"] = branch["sentence"].replace(tagged, person_id)


def _own_family(k: int, record: Any) -> dict[str, Any] | None:
    """The record with ids no other request can share (None: not a plain record).

    Two requests may well give the same person_id or group_id (each is unique only within
    its own request). Request k's person `p` becomes `k:p`, its family `g` becomes `k:g` and
    a person alone is the family `k-p`: the digits before the first `:` or `-` say whose it
    is, so no two requests' ids can meet, and a person alone never meets a family. Printable,
    so the ids pass the records' own checks (an id made too long by the tag fails the batch,
    and each request is then answered alone); the answer gets its person_id back."""
    if not isinstance(record, dict):
        return None
    group, person = record.get("group_id"), record.get("person_id")
    if not isinstance(group, str | type(None)) or not isinstance(person, str):
        return None
    family = f"{k}:{group}" if group is not None else f"{k}-{person}"
    return {**record, "person_id": f"{k}:{person}", "group_id": family}
