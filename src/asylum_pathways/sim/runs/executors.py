"""Where tasks run: in this process, in a local process pool, or on a Dask cluster.

One interface for every engine: `backend.run(fn, tasks)` yields `(i, result)` for each task
as it finishes, or `(i, TaskFailure)` for a task that failed twice (it is tried once more
before it counts as failed); the other tasks still run. A `UserError` raised by a task is
bad input, the same on every try: it is raised at once. What a task computes never depends
on where it ran, so results are identical on every backend and with any number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any, Protocol

from asylum_pathways.errors import InputError, Problem, UserError

BACKENDS = ("process", "dask")
#: Attempts per task before it is reported as failed.
ATTEMPTS = 2


@dataclass(frozen=True)
class TaskFailure:
    """A task that failed `ATTEMPTS` times: its last error, as text (it may come from
    another machine)."""

    error: str


class Backend(Protocol):
    workers: int

    def run(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[tuple[int, Any]]: ...

    def close(self) -> None: ...


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


class Serial:
    """Every task in this process, in order."""

    workers = 1

    def run(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        for i, task in enumerate(tasks):
            error: BaseException | None = None
            for _ in range(ATTEMPTS):
                try:
                    result = fn(task)
                except UserError:
                    raise
                except Exception as exc:
                    error = exc
                    continue
                error = None
                break
            yield i, (TaskFailure(_describe(error)) if error is not None else result)

    def close(self) -> None:
        """Nothing to release: the tasks ran in this process."""


class Pool:
    """A concurrent.futures executor: the local process pool by default, or one given."""

    def __init__(self, workers: int, executor: Executor | None = None) -> None:
        self.workers = workers
        self.own = executor is None
        # Spawned, not forked: a forked child inherits Polars' (and PyArrow's) thread pools
        # without their threads, and its first multi-threaded call can hang forever.
        self.executor = executor or ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn")
        )

    def run(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        attempts: dict[int, int] = {}
        pending: dict[Future[Any], int] = {}
        for i, task in enumerate(tasks):
            pending[self.executor.submit(fn, task)] = i
            attempts[i] = 1
        while pending:
            done = next(as_completed(pending))
            i = pending.pop(done)
            exc = done.exception()
            if exc is None:
                yield i, done.result()
            elif isinstance(exc, UserError):
                raise exc
            elif attempts[i] < ATTEMPTS and not _broken(exc):
                attempts[i] += 1
                pending[self.executor.submit(fn, tasks[i])] = i
            else:
                yield i, TaskFailure(_describe(exc))

    def close(self) -> None:
        if self.own:
            self.executor.shutdown(wait=True, cancel_futures=True)


def _broken(exc: BaseException) -> bool:
    from concurrent.futures.process import BrokenProcessPool

    return isinstance(exc, BrokenProcessPool)


class Dask:
    """A Dask cluster: a new `distributed.LocalCluster` of `workers` one-thread worker
    processes, or the existing cluster at `scheduler` (an address like tcp://host:8786)."""

    def __init__(self, workers: int, scheduler: str | None = None) -> None:
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise InputError(
                "--backend dask needs the dask extra: pip install 'asylum-pathways[dask]'",
                [Problem(("backend",), "dask is not installed", "dask")],
            ) from exc
        self.cluster = None
        if scheduler is None:
            # Dask's nannies export MALLOC_TRIM_THRESHOLD_=65536 to the workers they spawn, so
            # glibc hands freed memory back to the OS almost at once; the model allocates and
            # frees many day-by-person NumPy arrays per replication, and re-faulting those
            # pages doubled its run time here. None unsets the variable (glibc's default
            # threshold then applies); it must be set before the nanny spawns its worker.
            with dask.config.set(
                {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}
            ):
                self.cluster = LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=":0",
                    host="127.0.0.1",
                )
            self.client = Client(self.cluster)
        else:
            try:
                self.client = Client(scheduler, timeout="10s")
            except (OSError, TimeoutError) as exc:
                raise InputError(
                    f"--scheduler {scheduler}: no Dask scheduler answered ({exc})",
                    [Problem(("scheduler",), "no Dask scheduler at this address", scheduler)],
                ) from exc
        self.workers = workers if scheduler is None else max(1, len(self.client.nthreads()))

    def run(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        from distributed import as_completed as dask_completed

        # `retries` reruns a task that raised; a task lost with a killed worker is rescheduled
        # by the scheduler itself (distributed.scheduler.allowed-failures).
        futures = self.client.map(fn, list(tasks), retries=ATTEMPTS - 1, pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        try:
            for future in dask_completed(futures):
                i = index[future.key]
                if future.status == "finished":
                    yield i, future.result()
                else:
                    exc = future.exception()
                    if isinstance(exc, UserError):
                        raise exc
                    yield i, TaskFailure(_describe(exc))
                future.release()
        finally:
            self.client.cancel(futures)

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def backend(
    name: str = "process",
    workers: int | None = None,
    scheduler: str | None = None,
    executor: Executor | None = None,
) -> Backend:
    """The backend for a run: `executor` if given; else serial for one local worker, the
    process pool, or Dask (`scheduler` implies Dask)."""
    if name not in BACKENDS:
        raise InputError(
            f"--backend {name!r}: expected one of {', '.join(BACKENDS)}",
            [Problem(("backend",), f"expected one of {', '.join(BACKENDS)}", name)],
        )
    n = workers or os.cpu_count() or 1
    if executor is not None:
        return Pool(n, executor)
    if name == "dask" or scheduler is not None:
        return Dask(n, scheduler)
    return Serial() if n == 1 else Pool(n)
