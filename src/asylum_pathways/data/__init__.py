"""Published figures the model is calibrated and validated against.

`calibration.yaml` is a copy of the project's cited fact sheet data (every series carries
its `source` URL and notes); `load()` reads it once per process, and once per change of the
file into the on-disk cache (`asylum_pathways.cache`, keyed by a hash of the file).
"""

from __future__ import annotations

import functools
import pickle
from pathlib import Path
from typing import Any

from asylum_pathways import cache

FILE = Path(__file__).parent / "calibration.yaml"


@functools.cache
def load() -> dict[str, Any]:
    digest = cache.key(["calibration", *cache.sources(FILE, Path(__file__))])
    return cache.cached("calibration", digest, parse, pickle.dumps, pickle.loads)


def parse() -> dict[str, Any]:
    """The fact sheet parsed afresh (libyaml's parser when PyYAML has it)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data: dict[str, Any] = yaml.load(FILE.read_text("utf-8"), Loader=loader)
    return data
