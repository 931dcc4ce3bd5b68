"""A local Dask cluster shared by the tests that need one (starting one takes seconds)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session")
def dask_scheduler() -> Iterator[str]:
    """The address of a two-worker local Dask cluster, as `--scheduler` takes it."""
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, dashboard_address=":0", host="127.0.0.1"
    )
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()
