"""Write a study's results: daily.parquet/.csv, persons.parquet, summary.json, validation.csv."""

from __future__ import annotations

import datetime as dt
import json
import platform
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from asylum_pathways import __version__, codes
from asylum_pathways.params.model import day_number
from asylum_pathways.sim import posterior, sensitivity, validation
from asylum_pathways.sim.flows import OUTCOMES
from asylum_pathways.sim.montecarlo import Study, summarize

#: Metrics documented for users (docs/simulation.md); others are written too.
DOCUMENTED = {
    "encounters": "encounters on the day (USBP and OFO)",
    "pathway_<PATHWAY>": "people encountered that day whose final pathway is PATHWAY",
    "aca_transfers_<CC>": "people flown to receiving country CC that day",
    "aca_transfers_<CC>_cumulative": "people flown to CC since the start",
    "aca_waiting": "people admitted to an ACA transfer and waiting for a flight (end of day)",
    "mpp_enrolled": "people enrolled in MPP (returned to Mexico) that day",
    "mpp_enrolled_cumulative": "people enrolled in MPP since the start",
    "mpp_enrolled_<PORT>_cumulative": "people enrolled through return port PORT since the start",
    "mpp_waiting_in_mexico": "MPP cases pending whose respondents still wait in Mexico (no-shows leave halfway to their hearing)",
    "mpp_pending": "MPP cases enrolled and not completed (end of day)",
    "mpp_first_hearings": "first MPP hearings held that day",
    "mpp_first_hearings_cumulative": "first MPP hearings held since the start",
    "mpp_completed_cumulative": "MPP cases completed since the start",
    "mpp_in_absentia_cumulative": "in-absentia removal orders since the start",
    "mpp_granted_cumulative": "MPP cases granted relief since the start",
    "mpp_terminated_cumulative": "MPP cases terminated or dismissed since the start",
    "mpp_removal_ordered_cumulative": "removal orders after a final hearing since the start",
    "title42_expulsions_ofo": "Title 42 expulsions at ports (OFO) that day",
    "encounters_ofo": "encounters at ports (OFO) that day",
    "in_system": "people in a queue or pending in MPP (end of day)",
    "exits_cumulative": "people who left the system since the start (conservation: encounters = exits + in_system)",
}


def write_all(study: Study, out: Path) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    daily = daily_frame(study)
    daily.write_parquet(out / "daily.parquet")
    daily.write_csv(out / "daily.csv")
    persons_frame(study).write_parquet(out / "persons.parquet", compression="zstd")
    val = validation.table(study)
    val.write_csv(out / "validation.csv")
    summary = summary_dict(study)
    (out / "summary.json").write_text(json.dumps(summary, indent=2, default=str))
    return summary


def daily_frame(study: Study) -> pl.DataFrame:
    n_days = (study.end - study.start).days + 1
    dates = np.arange(day_number(study.start), day_number(study.start) + n_days).astype(
        "datetime64[D]"
    )
    frames = []
    for scenario in study.scenarios:
        for rep in study.replicates:
            metrics = rep.daily[scenario.name]
            names = list(metrics)
            values = np.stack([metrics[m] for m in names])
            frames.append(
                pl.DataFrame(
                    {
                        "scenario": pl.Series([scenario.name])
                        .repeat_by(len(names) * n_days)
                        .explode(),
                        "replication": np.full(len(names) * n_days, rep.index, dtype=np.int32),
                        "date": np.tile(dates, len(names)),
                        "metric": np.repeat(np.array(names), n_days),
                        "value": values.ravel(),
                    }
                )
            )
    return pl.concat(frames).with_columns(pl.col("date").cast(pl.Date))


def _labels(names: tuple[str, ...] | list[str], index: np.ndarray) -> pl.Series:
    """Strings for integer codes (-1 -> null), gathered natively by polars."""
    table = pl.Series([*names, None], dtype=pl.String)
    idx = np.where(index >= 0, index, len(names)).astype(np.uint32)
    return table.gather(idx).cast(pl.Categorical)


def persons_frame(study: Study) -> pl.DataFrame:
    """Every person of the first replication, in every scenario: pathway and key dates."""
    first = study.replicates[0]
    if first.population is None or not first.fates:
        return pl.DataFrame()
    pop = first.population
    enc = pop.enc
    start = day_number(study.start)
    ports = list(study.scenarios[0].tree.ports)

    def date(col: np.ndarray) -> pl.Series:
        days = np.where(col >= 0, col + start, 0).astype("datetime64[D]")
        return pl.Series(days).cast(pl.Date).set(pl.Series(col < 0), None)

    person = {
        "person": np.arange(enc.n, dtype=np.int64),
        **(
            {"person_id": pl.Series(pop.person_id.astype(str))} if pop.person_id is not None else {}
        ),
        "family": enc.group,
        "encounter_date": pl.Series(enc.arrival.astype("datetime64[D]")).cast(pl.Date),
        "component": _labels(["USBP", "OFO"], pop.ofo.astype(np.int64)),
        "sector": _labels(codes.SECTORS, enc.sector.astype(np.int64)),
        "citizenship": _labels(codes.countries(), enc.citizenship.astype(np.int64)),
        "demographic": _labels(codes.DEMOGRAPHICS, enc.demographic.astype(np.int64)),
    }
    frames = []
    for scenario in study.scenarios:
        fate = first.fates[scenario.name]
        frames.append(
            pl.DataFrame(
                {
                    "scenario": _labels([scenario.name], np.zeros(enc.n, dtype=np.int64)),
                    **person,
                    "assigned_pathway": _labels(codes.PATHWAYS, fate.assigned.astype(np.int64)),
                    "pathway": _labels(codes.PATHWAYS, fate.pathway.astype(np.int64)),
                    "receiving_country": _labels(
                        codes.countries(), fate.receiving.astype(np.int64)
                    ),
                    "transfer_date": date(fate.transfer),
                    "mpp_port": _labels(ports, fate.mpp_port.astype(np.int64)),
                    "mpp_first_hearing_date": date(fate.first_hearing),
                    "mpp_completion_date": date(fate.completion),
                    "mpp_outcome": _labels(
                        OUTCOMES, np.where(fate.enrolled, fate.outcome, -1).astype(np.int64)
                    ),
                }
            )
        )
    return pl.concat(frames)


def summary_dict(study: Study) -> dict[str, Any]:
    names = [s.name for s in study.scenarios]
    metrics = list(study.replicates[0].headline[names[0]])
    out: dict[str, Any] = {
        "version": __version__,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "start": study.start.isoformat(),
        "end": study.end.isoformat(),
        "seed": study.seed,
        "replications": study.reps,
        "workers": study.workers,
        "run_seconds": round(study.seconds, 2),
        "python": platform.python_version(),
        "scenarios": {},
        "comparisons": {},
    }
    for s in study.scenarios:
        out["scenarios"][s.name] = {
            "description": s.description,
            "source": Path(s.source).name,
            "spec": s.name
            if Path(s.source).parent.name == "builtin"
            else str(Path(s.source).resolve()),
            "scenario_sha256": s.sha256,
            "parameter_hash": s.tree.fingerprint(),
            "changed_parameters": list(s.changed),
            "headline": {m: summarize(study.headline(s.name, m)) for m in metrics},
            "replicates": {m: study.headline(s.name, m).tolist() for m in metrics},
        }
    out["uncertainty"] = posterior.uncertainty(study.posterior)
    sens = sensitivity.of_study(study)
    if sens is not None:
        out["sensitivity"] = sens
    out["parameters_differing"] = parameters_differing(study)
    out["assumptions"] = assumptions_table(study.scenarios[0].tree)
    base = names[0]
    for other in names[1:]:
        out["comparisons"][f"{other} - {base}"] = {
            m: summarize(study.headline(other, m) - study.headline(base, m)) for m in metrics
        }
    if len(names) > 2:
        for other in names[2:]:
            out["comparisons"][f"{other} - {names[1]}"] = {
                m: summarize(study.headline(other, m) - study.headline(names[1], m))
                for m in metrics
            }
    return out


def _history(param: Any) -> list[dict[str, Any]]:
    from asylum_pathways.params.tree import _jsonable

    return [
        {
            "from": v.start.isoformat(),
            "value": _jsonable(v.value),
            "note": v.note,
            "references": [r.as_dict() for r in param.effective_references(v)],
        }
        for v in param.values
    ]


def parameters_differing(study: Study) -> list[dict[str, Any]]:
    """Every parameter whose dated values differ between the study's scenarios."""
    names = sorted({n for s in study.scenarios for n in s.changed})
    rows = []
    for name in names:
        params = {s.name: s.tree.get(name) for s in study.scenarios}
        histories = {k: _history(p) for k, p in params.items()}
        values = {k: [(h["from"], json.dumps(h["value"])) for h in v] for k, v in histories.items()}
        if len({tuple(v) for v in values.values()}) == 1:
            continue
        first = next(iter(params.values()))
        rows.append(
            {"name": name, "label": first.label, "unit": first.unit, "scenarios": histories}
        )
    return rows


def assumptions_table(tree: Any) -> list[dict[str, Any]]:
    """The operational assumptions (not law) with their notes and sources."""
    return [
        {
            "name": p.name,
            "label": p.label,
            "unit": p.unit,
            "description": p.description,
            "note": p.note,
            "values": _history(p),
        }
        for p in tree
        if p.section == "assumptions"
    ]
