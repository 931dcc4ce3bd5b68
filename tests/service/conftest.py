"""One server for the service tests (a real process on loopback), with a small lab study."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from server import Server

LAB = ("--lab-reps", "2", "--lab-end", "2020-04-30")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("serve")
    srv = Server(root / "data", root / "server.log", "--study-workers", "2", *LAB)
    yield srv
    srv.stop()
