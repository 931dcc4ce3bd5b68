"""A study's replications on disk: a partitioned Parquet dataset written as results arrive.

Layout under the store's folder (one file per scenario and replication, so what is on disk
does not depend on how replications were batched or in which order they finished):

    manifest.json                      scenarios, horizon, reps, and whether the run is complete
    daily/s<k>/r<000000>.parquet       scenario k's daily metrics of one replication
    headline/r<000000>.parquet         every scenario's headline metrics of one replication

Replications are numbered from 0, as in `daily.parquet`'s `replication` column.

Files are written under a temporary name and renamed, so a killed run leaves whole files
only. Everything the study reports is read back with Polars lazy scans, one metric at a
time, so the reader's memory is bounded by replications x days of one metric.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from asylum_pathways.dates import day_number

MANIFEST = "manifest.json"


def _dates(start: dt.date, n_days: int) -> np.ndarray:
    first = day_number(start)
    return np.arange(first, first + n_days).astype("datetime64[D]")


def daily_block(
    scenario: str, replication: int, metrics: dict[str, np.ndarray], start: dt.date
) -> pl.DataFrame:
    """One scenario's daily metrics of one replication, in `daily.parquet`'s columns
    (scenario, replication, date, metric, value), metrics in their model order."""
    names = list(metrics)
    values = np.stack([metrics[m] for m in names])
    n_days = values.shape[1]
    rows = len(names) * n_days
    # string columns are gathered from their few distinct values (not made string by string)
    metric = pl.Series("metric", names).gather(
        np.repeat(np.arange(len(names), dtype=np.uint32), n_days)
    )
    return pl.DataFrame(
        {
            "scenario": pl.Series("scenario", [scenario]).gather(np.zeros(rows, dtype=np.uint32)),
            "replication": np.full(rows, replication, dtype=np.int32),
            "date": np.tile(_dates(start, n_days), len(names)),
            "metric": metric,
            "value": values.ravel(),
        }
    ).with_columns(pl.col("date").cast(pl.Date))


def headline_block(
    replication: int, headline: dict[str, dict[str, float]], scenarios: Sequence[str]
) -> pl.DataFrame:
    rows = [(s, m, float(v)) for s in scenarios for m, v in headline[s].items()]
    return pl.DataFrame(
        {
            "scenario": [r[0] for r in rows],
            "replication": np.full(len(rows), replication, dtype=np.int32),
            "metric": [r[1] for r in rows],
            "value": np.array([r[2] for r in rows], dtype=np.float64),
        }
    )


def _scan(files: list[Path]) -> pl.LazyFrame:
    """The files' rows in the order given, as one scan: Polars reads the files one after
    another (a concatenation of one scan per file held thousands of readers' buffers at
    once: three times the memory at 1,000 replications, and twice the time)."""
    return pl.scan_parquet(files)


def _write_atomic(frame: pl.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    frame.write_parquet(tmp, statistics=True)
    os.replace(tmp, path)


class ReplicationStore:
    """Writes and reads one study's replications (see the module docstring)."""

    def __init__(
        self, root: Path, scenarios: Sequence[str], start: dt.date, end: dt.date, reps: int
    ) -> None:
        self.root = Path(root)
        self.scenarios = list(scenarios)
        self.start, self.end, self.reps = start, end, reps
        self.n_days = (end - start).days + 1

    # -- writing ---------------------------------------------------------------------------
    def begin(self) -> None:
        """Start a run: clear a previous run's replications and mark the store incomplete."""
        for sub in ("daily", "headline"):
            folder = self.root / sub
            if folder.exists():
                for path in sorted(folder.rglob("*.parquet"), reverse=True):
                    path.unlink()
        self.mark(complete=False, missing=list(range(self.reps)), reason="running")

    def write(
        self,
        replication: int,
        daily: dict[str, dict[str, np.ndarray]],
        headline: dict[str, dict[str, float]],
    ) -> None:
        """Store replication `replication` of every scenario."""
        for k, name in enumerate(self.scenarios):
            _write_atomic(
                daily_block(name, replication, daily[name], self.start),
                self._daily_path(k, replication),
            )
        _write_atomic(
            headline_block(replication, headline, self.scenarios), self._headline_path(replication)
        )

    def mark(self, complete: bool, missing: Sequence[int] = (), reason: str = "") -> None:
        manifest = {
            "complete": complete,
            "reason": reason,
            "scenarios": self.scenarios,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "replications": self.reps,
            "missing_replications": list(missing),
        }
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f".{MANIFEST}.tmp"
        tmp.write_text(json.dumps(manifest, indent=2))
        os.replace(tmp, self.root / MANIFEST)

    def manifest(self) -> dict[str, Any]:
        return dict(json.loads((self.root / MANIFEST).read_text()))

    def stored(self) -> list[int]:
        """Replications whose results are on disk, ascending."""
        return sorted(
            int(p.stem[1:]) for p in (self.root / "headline").glob("r*.parquet") if p.is_file()
        )

    # -- reading ---------------------------------------------------------------------------
    def _daily_path(self, k: int, replication: int) -> Path:
        return self.root / "daily" / f"s{k}" / f"r{replication:06d}.parquet"

    def _headline_path(self, replication: int) -> Path:
        return self.root / "headline" / f"r{replication:06d}.parquet"

    def daily_files(self, scenario: str) -> list[Path]:
        k = self.scenarios.index(scenario)
        return [self._daily_path(k, r) for r in self.stored()]

    def daily_scan(self) -> pl.LazyFrame:
        """Every stored daily row, scenarios in study order then replications ascending: the
        row order of the in-memory `daily.parquet`."""
        return _scan([p for s in self.scenarios for p in self.daily_files(s)])

    def metrics(self) -> list[str]:
        first = self.daily_files(self.scenarios[0])[0]
        return list(
            pl.scan_parquet(first)
            .select(pl.col("metric").unique(maintain_order=True))
            .collect()["metric"]
        )

    def headline_metrics(self) -> list[str]:
        first = self._headline_path(self.stored()[0])
        frame = pl.scan_parquet(first).filter(pl.col("scenario") == self.scenarios[0]).collect()
        return list(frame["metric"])

    def daily(self, scenario: str, metric: str) -> np.ndarray:
        """[replication, day] array of one metric, replications ascending."""
        files = self.daily_files(scenario)
        values = (
            _scan(files)
            .filter(pl.col("metric") == metric)
            .select("value")
            .collect()["value"]
            .to_numpy()
        )
        return values.reshape(len(files), self.n_days)

    def headlines(self) -> pl.DataFrame:
        """Every stored headline value (replications x scenarios x headline metrics rows: small,
        and all of it goes into summary.json)."""
        files = [self._headline_path(r) for r in self.stored()]
        return _scan(files).collect()

    def headline(self, scenario: str, metric: str, table: pl.DataFrame | None = None) -> np.ndarray:
        """One headline metric per replication, replications ascending."""
        frame = self.headlines() if table is None else table
        return (
            frame.filter((pl.col("scenario") == scenario) & (pl.col("metric") == metric))
            .sort("replication")["value"]
            .to_numpy()
        )
