"""What a calibration writes to its folder: posterior.parquet (particles, distances, each
particle's statistics, the provenance in the file metadata), fit.csv, backtest.csv (with a
cut) and calibration.json (the provenance with the run time, for people)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np

from asylum_pathways.sim.calibrate.calibration import Calibration
from asylum_pathways.sim.fitting import posterior as post


def write(cal: Calibration, out: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    out.mkdir(parents=True, exist_ok=True)
    res = cal.result
    cols: dict[str, Any] = {"particle": np.arange(res.particles.shape[0], dtype=np.int32)}
    for j, p in enumerate(cal.spec.parameters):
        cols[p.fitted.id] = res.particles[:, j]
    cols["distance"] = res.distance
    for j, t in enumerate(cal.used):
        cols[f"stat.{t.id}"] = res.stats[:, j]
    table = pa.table(cols)
    meta = json.dumps(cal.provenance, sort_keys=True).encode()
    table = table.replace_schema_metadata({post.METADATA_KEY: meta})
    pq.write_table(table, out / "posterior.parquet", compression="zstd")
    cal.fit().write_csv(out / "fit.csv")
    if cal.holdout_after is not None:
        cal.backtest().write_csv(out / "backtest.csv")
    people = {
        **cal.provenance,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "run_seconds": round(cal.seconds, 1),
    }
    (out / "calibration.json").write_text(json.dumps(people, indent=2, sort_keys=True) + "\n")
