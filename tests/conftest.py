"""Shared fixtures: the bundled parameter tree, loaded once; a cache folder of the session's own."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from asylum_pathways.params import ParameterTree, load_tree


@pytest.fixture(scope="session")
def tree() -> ParameterTree:
    return load_tree()


def pytest_configure(config: pytest.Config) -> None:
    """Tests (and the CLI processes they start) use a fresh cache folder, never the user's."""
    if "ASYLUM_PATHWAYS_CACHE_DIR" not in os.environ:
        folder = tempfile.mkdtemp(prefix="asylum-pathways-test-cache-")
        os.environ["ASYLUM_PATHWAYS_CACHE_DIR"] = folder
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


#: Tests measured over 5 s in the fast lane (`pytest --durations`, 2026-12-06): `slow`.
SLOW = {
    "tests/determination/test_branches.py::test_no_one_fact_change_of_the_answer_is_missed",
    "tests/test_cache_results.py::test_results_are_the_same_bytes_with_the_cache_off_cold_and_warm",
    "tests/report/test_chart_cache.py::test_a_report_from_a_warm_cache_is_the_same_file_and_imports_no_altair",
    # Over 1.5 s under load (2026-12-06) in modules that do not import pytest for a decorator:
    "tests/determination/test_single.py::test_one_record_alone_answers_as_the_vectorized_path",
    "tests/determination/test_single.py::test_one_family_unit_answers_as_the_vectorized_path",
    "tests/edges/test_real_processes.py::test_a_far_date_and_a_corrupted_parquet_are_refused",
    "tests/registry/test_registry_concurrency.py::test_concurrent_changes_of_a_hearing_each_get_their_own_version_and_history",
    "tests/rules/test_property.py::test_one_case_at_a_time_agrees_with_the_whole_table",
    "tests/sim/test_sensitivity.py::test_each_finding_gets_an_index_per_assumption_and_the_driver_stands_out",
    "tests/sim/test_sensitivity.py::test_only_effects_above_the_dummies_noise_floor_are_shown",
    "tests/sim/test_sensitivity.py::test_the_deciding_assumption_is_the_one_a_finding_follows",
    "tests/params/test_sources.py::test_mirrors_without_a_primary_source_do_not_grow",
}
#: Fixtures that start a real server process (uvicorn) or database server.
SERVER_FIXTURES = {"server", "served", "pg_url", "postgres_url"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Lanes by marker: a test in a module that drives Playwright is `browser`; a test that uses
    a fixture starting a real server process is `server` (`pytest -m "not browser and not
    server and not slow"` is the fast lane, `make test-fast`)."""
    sources: dict[Path, str] = {}
    for item in items:
        path = Path(str(item.fspath))
        if path not in sources:
            sources[path] = path.read_text(encoding="utf-8") if path.suffix == ".py" else ""
        if "playwright" in sources[path]:
            item.add_marker(pytest.mark.browser)
        if item.nodeid.split("[")[0] in SLOW:
            item.add_marker(pytest.mark.slow)
        if SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.server)
