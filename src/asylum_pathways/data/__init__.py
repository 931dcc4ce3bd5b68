"""Published figures the model is calibrated and validated against.

`calibration.yaml` is a copy of the project's cited fact sheet data (every series carries
its `source` URL and notes); `load()` reads it once.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def load() -> dict[str, Any]:
    text = (resources.files("asylum_pathways") / "data" / "calibration.yaml").read_text("utf-8")
    return yaml.safe_load(text)
