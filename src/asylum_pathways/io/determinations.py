"""Determinations of many records as a table (CSV or Parquet), with reason codes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from asylum_pathways import codes, tri
from asylum_pathways.errors import OutputError
from asylum_pathways.rules.checks import ALL_PASSED
from asylum_pathways.rules.engine import Determinations


def to_frame(det: Determinations, person_id: np.ndarray, scenario: str) -> pl.DataFrame:
    """One row per person: pathway, receiving country, the deciding program, and for each
    program its amenability (true/false/null) and reason code (the deciding rule's id)."""
    pathways = np.array(codes.PATHWAYS)
    countries = np.array([*codes.countries(), ""])
    keys = np.array([*det.keys, ""])
    columns: dict[str, object] = {
        "person_id": pl.Series(person_id, dtype=pl.String),
        "date": pl.Series(det.day.astype("datetime64[D]")).cast(pl.Date),
        "scenario": [scenario] * len(person_id),
        "pathway": pathways[det.pathway],
        "receiving_country": pl.Series(countries[det.receiving_country]).replace("", None),
        "decided_by": keys[det.decided_by],
        "family_size": det.group_size,
    }
    for prog in det.programs:
        status = det.status[prog.key]
        columns[f"amenable_{prog.key}"] = pl.Series(status == tri.T).set(
            pl.Series(status == tri.U), None
        )
        ids = np.array(
            [c.id for c in prog.checks]
            + [""] * (ALL_PASSED - len(prog.checks))
            + [prog.reason_id(ALL_PASSED)]
        )
        columns[f"reason_{prog.key}"] = ids[det.reason[prog.key]]
    return pl.DataFrame(columns)


OUT_SUFFIXES = (".csv", ".parquet", ".pq")


def check_suffix(path: Path) -> None:
    """Refuse an output file name that is neither .csv nor .parquet (before any work)."""
    if path.suffix.lower() not in OUT_SUFFIXES:
        raise OutputError(
            f"--out {path}: unsupported file type {path.suffix.lower()!r} "
            "(expected .csv or .parquet)"
        )


def write_table(frame: pl.DataFrame, path: Path, suffix: str | None = None) -> None:
    """Write `frame` as CSV or Parquet, by `suffix` (default: the path's own suffix)."""
    kind = (suffix or path.suffix).lower()
    if kind == ".csv":
        frame.write_csv(path)
    elif kind in OUT_SUFFIXES:
        frame.write_parquet(path)
    else:
        check_suffix(path)
