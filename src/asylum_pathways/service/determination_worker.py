"""Single determinations computed in a process of their own, beside the server's.

The server is one Python process: while a batch of determinations is computed in one of its
threads, that thread holds the interpreter lock and the event loop waits, so the work of
HTTP and the work of determining share one core. The worker is one spawned process that
holds the built-in scenarios (sent once, at start) and answers batches sent over a local
socket pair: for each record its answer as JSON bytes (`determination.together.each_alone`,
written as the API writes it), or None for a record with a problem, which the server then
answers alone in its own thread, so the error is named exactly as it is for that record
alone. The bytes are the same whichever process writes them. The server's end is read and
written by its event loop (asyncio streams), with no thread between them; each message is a
pickle after its length (8 bytes, big-endian), between two processes of the same program.

Until the worker has started, when it is not running, or for a scenario it does not hold
(an inline overlay), the caller computes in its own thread; a worker that fails is not used
again (the server's log says so, naming no person). Nothing about a request is kept.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import multiprocessing
import pickle
import signal
import socket
import struct
from collections import deque
from typing import Any

from asylum_pathways.determination.together import each_alone
from asylum_pathways.scenarios import Scenario
from asylum_pathways.service.determinations import dumps

#: Seconds to wait for the worker to finish when the server stops.
STOP_SECONDS = 10.0
#: Each message's length, before it.
LENGTH = struct.Struct("!Q")
READY = "ready"


class DeterminationWorker:
    """The server's end: started and used on the server's event loop."""

    def __init__(self, scenarios: dict[str, Scenario]) -> None:
        self.scenarios = scenarios
        self._process: Any = None
        self._writer: asyncio.StreamWriter | None = None
        self._reading: asyncio.Task[None] | None = None
        self._ready = False
        self._failed = False
        self._waiting: deque[asyncio.Future[list[bytes | None] | None]] = deque()

    async def start(self) -> None:
        """Spawn the worker (not forked from a threaded server); it is used once it has
        loaded and said so (`state` ready)."""
        ours, theirs = socket.socketpair()
        context = multiprocessing.get_context("spawn")
        self._process = context.Process(
            target=_serve, args=(theirs, self.scenarios), name="determinations", daemon=True
        )
        self._process.start()
        theirs.close()
        reader, self._writer = await asyncio.open_connection(sock=ours)
        self._reading = asyncio.get_running_loop().create_task(self._read(reader))

    @property
    def state(self) -> str:
        """starting, ready or stopped (GET /api/v1/health)."""
        if self._failed:
            return "stopped"
        return "ready" if self._ready else "starting"

    def holds(self, scenario: Scenario) -> bool:
        """Will the worker answer for `scenario` now (a built-in it holds, once started)?"""
        return self._ready and not self._failed and self.scenarios.get(scenario.name) is scenario

    async def each_alone(
        self, records: list[dict[str, Any]], scenario: Scenario, date: dt.date | None
    ) -> list[bytes | None] | None:
        """For each record, its answer as JSON bytes or None (a problem); None for the whole
        batch when the worker cannot answer (the caller computes it)."""
        if not self.holds(scenario) or self._writer is None:
            return None
        future: asyncio.Future[list[bytes | None] | None] = (
            asyncio.get_running_loop().create_future()
        )
        self._waiting.append(future)  # the worker answers in the order it is asked
        try:
            _write(self._writer, (records, scenario.name, date))
            await self._writer.drain()
        except (OSError, RuntimeError) as exc:
            self._fail(type(exc).__name__)
        return await future

    async def _read(self, reader: asyncio.StreamReader) -> None:
        """Each message from the worker: `READY` once, then each batch's answers in order."""
        try:
            while True:
                head = await reader.readexactly(LENGTH.size)
                message = pickle.loads(await reader.readexactly(LENGTH.unpack(head)[0]))
                if message == READY:
                    self._ready = True
                elif self._waiting:
                    future = self._waiting.popleft()
                    if not future.done():
                        future.set_result(message)
        except (asyncio.IncompleteReadError, OSError) as exc:
            if not self._failed:
                self._fail(type(exc).__name__)

    def _fail(self, why: str) -> None:
        """Not used again: what waits for it is computed by the caller."""
        if not self._failed:
            logging.getLogger("uvicorn.error").error(
                "determination worker stopped (%s); the server computes determinations", why
            )
        self._failed = True
        while self._waiting:
            future = self._waiting.popleft()
            if not future.done():
                future.set_result(None)

    async def stop(self) -> None:
        """Stop the worker as the server stops: it ends when its end of the socket closes."""
        if self._process is None or self._writer is None:
            return
        self._failed = True  # stopped, not failed: nothing to log
        self._fail("stopped")
        self._writer.close()
        if self._reading is not None:
            self._reading.cancel()
        await asyncio.to_thread(self._process.join, STOP_SECONDS)
        if self._process.is_alive():
            self._process.terminate()
            await asyncio.to_thread(self._process.join, STOP_SECONDS)


def _write(writer: asyncio.StreamWriter, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    writer.write(LENGTH.pack(len(data)) + data)


def _serve(sock: socket.socket, scenarios: dict[str, Scenario]) -> None:
    """The worker's loop: a batch in, its answers out, until the server's end closes. An
    interrupt or a stop signal sent to the whole process group is the server's to handle:
    the worker ends when the server closes its end, or ends itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        _answer(sock, scenarios)
    except (BrokenPipeError, ConnectionResetError):
        return  # the server's end closed while the worker wrote


def _answer(sock: socket.socket, scenarios: dict[str, Scenario]) -> None:
    with sock, sock.makefile("rb") as incoming, sock.makefile("wb") as outgoing:

        def send(message: Any) -> None:
            data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
            outgoing.write(LENGTH.pack(len(data)) + data)
            outgoing.flush()

        send(READY)
        while True:
            head = incoming.read(LENGTH.size)
            if len(head) < LENGTH.size:
                return  # the server's end closed
            records, name, date = pickle.loads(incoming.read(LENGTH.unpack(head)[0]))
            try:
                found = each_alone(records, scenarios[name], as_of=date)
                written: list[bytes | None] = [None if a is None else dumps(a) for a in found]
            except Exception:  # a bug, never the input: the server answers each alone
                written = [None] * len(records)
            send(written)
