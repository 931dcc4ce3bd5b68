"""persons.parquet: every person of the first replication, in every scenario, with their
pathway and key dates.

It is built where the replication runs (a pool or Dask worker) and travels as Parquet bytes
(a few MB), so the process that writes the study never holds a population or its fates.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from asylum_pathways import codes
from asylum_pathways.dates import day_number
from asylum_pathways.sim.model.fate import Fate
from asylum_pathways.sim.model.population import Population
from asylum_pathways.sim.model.stages.mpp_court import OUTCOMES


def persons_parquet(frames: Sequence[pl.DataFrame]) -> bytes:
    """Scenarios' `scenario_frame`s, in order, as the bytes of persons.parquet."""
    buffer = io.BytesIO()
    write_persons(pl.concat(frames), buffer)
    return buffer.getvalue()


def write_persons(frame: pl.DataFrame, target: Path | io.BytesIO) -> None:
    frame.write_parquet(target, compression="zstd")


def _labels(names: tuple[str, ...] | list[str], index: np.ndarray) -> pl.Series:
    """Strings for integer codes (-1 -> null), gathered natively by polars. The few names are
    made categorical before the gather, not the million gathered strings after it (4-5x
    faster; the same series and the same Parquet bytes)."""
    table = pl.Series([*names, None], dtype=pl.String).cast(pl.Categorical)
    idx = index.astype(np.uint32)  # a code of -1 wraps to the largest: the null at the end
    np.minimum(idx, np.uint32(len(names)), out=idx)
    return table.gather(idx)


def persons_frame(
    start_day: dt.date,
    scenarios: Sequence[str],
    ports: Sequence[str],
    pop: Population,
    fates: dict[str, Fate],
) -> pl.DataFrame:
    """Every person of one replication, in every scenario: pathway and key dates."""
    person = person_columns(start_day, pop)
    return pl.concat(
        [scenario_frame(start_day, name, ports, person, fates[name]) for name in scenarios]
    )


def person_columns(start_day: dt.date, pop: Population) -> dict[str, pl.Series]:
    """The columns that describe each person, the same in every scenario: made once and
    shared by every scenario's frame (Polars columns share their buffers)."""
    enc = pop.enc
    return {
        "person": pl.Series(np.arange(enc.n, dtype=np.int64)),
        **(
            {"person_id": pl.Series(pop.person_id.astype(str))} if pop.person_id is not None else {}
        ),
        "family": pl.Series(enc.group),
        "encounter_date": pl.Series(enc.arrival.astype("datetime64[D]")).cast(pl.Date),
        "component": _labels(["USBP", "OFO"], pop.ofo),
        "sector": _labels(codes.SECTORS, enc.sector),
        "citizenship": _labels(codes.countries(), enc.citizenship),
        "demographic": _labels(codes.DEMOGRAPHICS, enc.demographic),
    }


def scenario_frame(
    start_day: dt.date,
    name: str,
    ports: Sequence[str],
    person: dict[str, pl.Series],
    fate: Fate,
) -> pl.DataFrame:
    """Every person of one replication in scenario `name`: `person`'s columns (made by
    `person_columns`), then their pathway and key dates in this scenario. Made as soon as
    the scenario has run, so a replication never holds more than one scenario's fate."""
    start = day_number(start_day)
    n = fate.pathway.shape[0]

    def date(col: np.ndarray) -> pl.Series:
        days = np.where(col >= 0, col + start, 0).astype("datetime64[D]")
        return pl.Series(days).cast(pl.Date).set(pl.Series(col < 0), None)

    return pl.DataFrame(
        {
            "scenario": _labels([name], np.zeros(n, dtype=np.uint32)),
            **person,
            "assigned_pathway": _labels(codes.PATHWAYS, fate.assigned),
            "pathway": _labels(codes.PATHWAYS, fate.pathway),
            "receiving_country": _labels(codes.countries(), fate.receiving),
            "transfer_date": date(fate.transfer),
            "mpp_port": _labels(list(ports), fate.mpp_port),
            "mpp_first_hearing_date": date(fate.first_hearing),
            "mpp_completion_date": date(fate.completion),
            "mpp_outcome": _labels(OUTCOMES, np.where(fate.mpp_case, fate.outcome, -1)),
            "mpp_case": fate.mpp_case,
            "mpp_processed_inland": fate.mpp_inland,
            "mpp_routed": fate.mpp_routed,
            "mpp_hearings_held": _per_person(
                fate, (fate.hearing_day >= 0).sum(axis=0).astype(np.int8), 0
            ),
            "mpp_absent_at_last_hearing": _absent_at_last(fate),
            "aca_left_queue_date": date(fate.aca_left),
        }
    )


def _per_person(fate: Fate, per_case: np.ndarray, other: Any) -> np.ndarray:
    """A value per MPP case spread to every person (`other` for people without a case)."""
    out = np.full(fate.pathway.shape[0], other, dtype=per_case.dtype)
    out[fate.case_rows] = per_case
    return out


def _absent_at_last(fate: Fate) -> pl.Series:
    """Absent at the most recent hearing held (null for people with no hearing)."""
    held = fate.hearing_day >= 0
    last = held.shape[0] - 1 - np.argmax(held[::-1], axis=0)
    absent = _per_person(fate, fate.hearing_absent[last, np.arange(held.shape[1])], False)
    any_held = _per_person(fate, np.asarray(held.any(axis=0)), False)
    return pl.Series(absent).set(pl.Series(~any_held), None)
