"""Where and how a study runs, and what of it is kept: never what the study is (its spec).

`run_study(spec, runtime)` takes the two: the spec says which scenarios, horizon,
replications, seed and parameters; a `Runtime` says how many workers on which backend, where
replications stream to, whom to tell of progress, and which inputs the caller has already
loaded (so that a face can check them before it starts any work). The same spec gives the
same numbers under every runtime.

>>> Runtime(workers=2).backend
'process'
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from asylum_pathways.params import ParameterTree
from asylum_pathways.records import Encounters
from asylum_pathways.scenarios import Scenario

#: A user's encounter records: (engine columns, person identifiers).
Records = tuple[Encounters, np.ndarray]


class _FromSpec:
    """`Runtime.draws` when the spec's `parameters` say what is drawn (the default)."""

    def __repr__(self) -> str:
        return "FROM_SPEC"

    def __reduce__(self) -> str:
        return "FROM_SPEC"


FROM_SPEC: Any = _FromSpec()


@dataclass(frozen=True)
class Runtime:
    """How a study runs. Every field has a default: `run_study(spec)` runs on a local process
    pool of one worker per CPU, in memory, loading what the spec names."""

    #: Worker processes (None or 0: one per CPU); `backend` "process" (a local pool; serial
    #: for one worker) or "dask" (a local cluster, or the one at `scheduler`); `executor`
    #: (any concurrent.futures Executor) overrides both.
    workers: int | None = None
    backend: str = "process"
    scheduler: str | None = None
    executor: Executor | None = None
    #: A folder the replications stream to as they finish (None: all kept in memory).
    store: Path | None = None
    #: Called with the number of replications each finished task did.
    progress: Callable[[int], None] | None = None
    #: Replications in one task (default: about four tasks per worker).
    batch: int | None = None
    #: Keep the first replication's people and fates (persons.parquet).
    keep_first: bool = True
    #: Daily metrics kept (all when empty): a sweep keeps its own.
    metrics: tuple[str, ...] = ()
    #: The parameter tree the scenarios apply to (None: the package's).
    tree: ParameterTree | None = None
    #: Whether scenario files and calibration folders named by the spec may be read (False
    #: over HTTP: built-in names and inline overlays only).
    allow_files: bool = True
    #: The spec's scenarios already loaded (else loaded from the spec).
    scenarios: tuple[Scenario, ...] | None = None
    #: A user's encounter records instead of generated people.
    records: Records | None = None
    #: The spec's draws already resolved (`StudySpec.draws`), or a calibration's proposals;
    #: FROM_SPEC: resolved from the spec's `parameters`.
    draws: Any = FROM_SPEC
