"""Published figures the model is calibrated and validated against.

`calibration.yaml` is a copy of the project's cited fact sheet data (every series carries
its `source` URL and notes), `court-and-transfers.yaml` the MPP court and ACA transfer
figures, `series-2019-2021.yaml` the dated MPP court, MPP return, ACA transfer and port
figures of 2019-2021 found since, `encounters-2025.yaml` the 2025-2026 monthly border counts
and ACA transfers, and `measures.yaml` how the model measures each published figure;
`load(name)` reads one once per process, and once per change of the file into the on-disk
cache (`asylum_pathways.cache`, keyed by a hash of the file).
"""

from __future__ import annotations

import functools
import pickle
from pathlib import Path
from typing import Any

from asylum_pathways import cache

FILE = Path(__file__).parent / "calibration.yaml"
#: The data files: the fact sheet, the MPP court and ACA transfer figures, and 2025-2026.
FILES = (
    "calibration.yaml",
    "court-and-transfers.yaml",
    "series-2019-2021.yaml",
    "encounters-2025.yaml",
    "measures.yaml",
)


@functools.cache
def load(name: str = FILE.name) -> dict[str, Any]:
    """One data file (`FILES`) as parsed, from the on-disk cache when it is unchanged."""
    if name not in FILES:
        raise KeyError(f"{name!r} is not a data file (expected one of {', '.join(FILES)})")
    path = FILE.parent / name
    kind = Path(name).stem.replace("-", "_")
    digest = cache.key([kind, *cache.sources(path, Path(__file__))])
    return cache.cached(kind, digest, lambda: parse(name), pickle.dumps, pickle.loads)


def parse(name: str = FILE.name) -> dict[str, Any]:
    """A data file parsed afresh (libyaml's parser when PyYAML has it)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data: dict[str, Any] = yaml.load((FILE.parent / name).read_text("utf-8"), Loader=loader)
    return data
