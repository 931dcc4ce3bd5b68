"""The monthly targets and the fact sheet come from the cache bit for bit as computed."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest
import yaml

from asylum_pathways import data
from asylum_pathways.sim.model import targets


@pytest.mark.slow
def test_cached_targets_and_fact_sheet_equal_a_fresh_computation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASYLUM_PATHWAYS_CACHE_DIR", str(tmp_path))
    targets._build.cache_clear()
    data.load.cache_clear()
    try:
        first = targets.build()  # computed and stored
        targets._build.cache_clear()
        data.load.cache_clear()
        second = targets.build()  # read back
        kinds = {p.name.split("-")[0] for p in tmp_path.iterdir()}
        # the 2025 months read their splits from the parameter tree
        assert kinds == {"targets", "calibration", "encounters_2025", "series_2019_2021", "tree"}
    finally:
        targets._build.cache_clear()
        data.load.cache_clear()
    fresh = targets.compute()
    for t in (first, second):
        assert t.tensor.dtype == fresh.tensor.dtype
        assert t.tensor.tobytes() == fresh.tensor.tobytes()
        assert (t.months, t.locations, t.citizenship, t.demographic) == (
            fresh.months,
            fresh.locations,
            fresh.citizenship,
            fresh.demographic,
        )
    for name in data.FILES:
        assert pickle.dumps(data.parse(name)) == pickle.dumps(data.load(name))
    pure = yaml.load(data.FILE.read_text("utf-8"), Loader=yaml.SafeLoader)
    assert pickle.dumps(pure) == pickle.dumps(data.parse())  # libyaml parses it the same
    assert np.isfinite(fresh.tensor).all()
