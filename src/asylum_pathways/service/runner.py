"""Studies run on a bounded pool: `concurrent_studies` at a time over one shared process pool,
`queued_studies` waiting; a full queue is refused (429 with Retry-After). A study writes what
`simulate --out --no-report` writes; the report is built on first request."""

from __future__ import annotations

import multiprocessing
import os
import queue
import shutil
import threading
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from asylum_pathways.errors import Problem, UserError
from asylum_pathways.params import ParameterTree
from asylum_pathways.scenarios import Scenario
from asylum_pathways.service.problems import ApiError
from asylum_pathways.service.settings import Settings
from asylum_pathways.service.storage import StudyStore
from asylum_pathways.sim.runs.runtime import FROM_SPEC, Runtime
from asylum_pathways.sim.runs.study import StudySpec


class Cancelled(Exception):
    """Raised from the progress callback to stop a cancelled study."""


def _warm() -> int:
    """A no-op task: starts the worker processes and their imports."""
    import asylum_pathways.sim.model.flows  # noqa: F401

    return os.getpid()


class StudyRunner:
    def __init__(self, settings: Settings, store: StudyStore, tree: ParameterTree) -> None:
        self.settings = settings
        self.store = store
        self.tree = tree
        self.workers = settings.study_workers or os.cpu_count() or 1
        self._queue: queue.Queue[tuple[str, StudySpec, list[Scenario], Any] | None] = queue.Queue()
        self._waiting = 0
        self._lock = threading.Lock()
        self._cancelled: set[str] = set()
        self._stopping = threading.Event()
        self._pool: ProcessPoolExecutor | None = None
        self._report_lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._loop, name=f"study-{i}", daemon=True)
            for i in range(settings.concurrent_studies)
        ]

    def start(self) -> None:
        # Worker processes are spawned, not forked from a threaded server.
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers, mp_context=multiprocessing.get_context("spawn")
        )
        for _ in range(self.workers):
            self._pool.submit(_warm)
        for t in self._threads:
            t.start()

    def stop(self) -> None:
        for _ in self._threads:
            self._queue.put(None)
        self._stopping.set()
        for t in self._threads:
            t.join(timeout=30)
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, spec: StudySpec, scenarios: list[Scenario], draws: Any = FROM_SPEC) -> str:
        """Queue `spec` (its scenarios and draws already loaded, `StudySpec.draws`)."""
        with self._lock:
            if self._waiting >= self.settings.queued_studies:
                retry = max(5, 10 * self._waiting)
                raise ApiError(
                    429,
                    "queue_full",
                    f"{self._waiting} studies are waiting, the most this server queues; "
                    f"try again in {retry} s",
                    [Problem(("body",), "the study queue is full", self._waiting)],
                    headers={"Retry-After": str(retry)},
                )
            self._waiting += 1
        study_id = self.store.create(spec.to_dict(), spec.reps)
        self._queue.put((study_id, spec, scenarios, draws))
        return study_id

    def cancel(self, study_id: str) -> None:
        with self._lock:
            self._cancelled.add(study_id)
        status = self.store.get(study_id)
        if status and status["status"] == "queued":
            self.store.update(study_id, status="cancelled")

    def _loop(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            study_id, spec, scenarios, draws = item
            with self._lock:
                self._waiting -= 1
                cancelled = study_id in self._cancelled
            if cancelled or self._stopping.is_set():
                self.store.update(study_id, status="cancelled")
                continue
            self._run(study_id, spec, scenarios, draws)

    def _run(self, study_id: str, spec: StudySpec, scenarios: list[Scenario], draws: Any) -> None:
        from asylum_pathways.sim.runs.montecarlo import run_study
        from asylum_pathways.sim.runs.outputs import write_all

        self.store.update(study_id, status="running")
        done = 0

        def progress(k: int) -> None:
            nonlocal done
            if study_id in self._cancelled or self._stopping.is_set():
                raise Cancelled
            done += k
            self.store.update(study_id, persist=False, progress={"done": done, "total": spec.reps})

        out = self.store.results(study_id)
        try:
            study = run_study(
                spec,
                Runtime(
                    workers=self.workers,
                    executor=self._pool,
                    progress=progress,
                    tree=self.tree,
                    allow_files=False,
                    scenarios=tuple(scenarios),
                    draws=draws,
                ),
            )
            write_all(study, out)
        except Cancelled:
            shutil.rmtree(out, ignore_errors=True)
            if not self._stopping.is_set():  # else: marked interrupted at the next start
                self.store.update(study_id, status="cancelled")
            return
        except UserError as exc:
            self.store.update(study_id, status="failed", error=str(exc))
            return
        except Exception as exc:  # a bug: the study fails, the server goes on
            self.store.update(
                study_id, status="failed", error=f"internal error ({type(exc).__name__})"
            )
            return
        self.store.update(study_id, status="done", progress={"done": spec.reps, "total": spec.reps})

    def report(self, study_id: str) -> Any:
        """The study's report.html, built on first request."""
        from asylum_pathways.report.build import build_report

        out = self.store.results(study_id)
        path = out / "report.html"
        with self._report_lock:
            if not path.exists():
                build_report(out)
        return path
