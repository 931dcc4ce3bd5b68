"""Write a study's results: daily.parquet/.csv, persons.parquet, summary.json, validation.csv,
and what the report reads besides (study.json, parameters.json: `study_files`)."""

from __future__ import annotations

import datetime as dt
import json
import platform
from pathlib import Path
from typing import Any

import polars as pl

from asylum_pathways import __version__
from asylum_pathways.sim.fitting import draws
from asylum_pathways.sim.runs import questions, sensitivity, study_files, validation
from asylum_pathways.sim.runs.montecarlo import Study, summarize
from asylum_pathways.sim.runs.persons import write_persons
from asylum_pathways.sim.runs.store import daily_block

#: Metrics documented for users (docs/simulation.md); others are written too.
DOCUMENTED = {
    "encounters": "encounters on the day (USBP and OFO); CBP counts encounter events",
    "pathway_<PATHWAY>": "people encountered that day whose final pathway is PATHWAY",
    "aca_transfers_<CC>": "people flown to receiving country CC that day (published: cumulative transfer counts)",
    "aca_transfers_<CC>_cumulative": "people flown to CC since the start (e.g. 24 to Guatemala by 2019-12-12)",
    "aca_waiting": "people taken into an ACA transfer queue and waiting for a flight (end of day)",
    "aca_moved_on_cumulative": "people who were waiting for a transfer when transfers stopped and were processed under Title 8 instead",
    "mpp_enrolled": "people returned to Mexico under MPP that day (CBP's count of MPP enrolments)",
    "mpp_enrolled_cumulative": "people returned to Mexico since the start (CBP; e.g. 'about 50,000 returned by 2019-10-29')",
    "mpp_enrolled_<PORT>_cumulative": "people returned through port PORT since the start",
    "mpp_routed_cumulative": "people returned through another port than their own because theirs was full (assumptions.mpp.overflow_ports)",
    "mpp_cases_cumulative": "MPP immigration-court cases since the start, TRAC's definition: returns plus people processed inland after a fear-of-Mexico screening (TRAC: 56,004 by 2019-11-30)",
    "mpp_inland_cumulative": "MPP court cases of people processed inland after establishing a fear of Mexico",
    "mpp_pending": "MPP court cases not completed (end of day), TRAC's definition; a reopened termination is pending again",
    "mpp_returned_pending": "MPP cases pending of people returned to Mexico (the people MPP keeps in the system)",
    "mpp_waiting_in_mexico": "of those, respondents still waiting in Mexico (an absentee stopped waiting halfway between their last event and the hearing they missed)",
    "mpp_first_hearings": "first master-calendar hearings held that day",
    "mpp_first_hearings_cumulative": "first hearings held since the start",
    "mpp_awaiting_first_hearing": "MPP court cases whose first hearing has not been held (TRAC: 'almost 22,000 still waiting for their first hearing' on 2019-11-30)",
    "mpp_completed_cumulative": "MPP cases completed, as of the day (TRAC: 24,231 by 2019-11-30); a termination later reopened counts until it is reopened",
    "mpp_in_absentia_cumulative": "in-absentia removal orders (completed cases whose respondent missed a hearing)",
    "mpp_removal_ordered_cumulative": "removal orders after a merits hearing; TRAC's 'removal orders' (15,441 by 2019-11-30) are this plus mpp_in_absentia_cumulative",
    "mpp_terminated_cumulative": "cases terminated or dismissed, as of the day (TRAC's 'terminate proceedings': 8,099 by 2019-11-30)",
    "mpp_granted_cumulative": "cases granted asylum or other relief (TRAC: 117 by 2019-11-30)",
    "mpp_cases_<COURT>_cumulative": "MPP court cases heard at court COURT (its name in lower case, words joined by '_', e.g. san_diego; assumptions.mpp.court_of_port) since the start, TRAC's definition",
    "mpp_terminated_<COURT>_cumulative": "cases terminated at court COURT, as of the day, counted like mpp_terminated_cumulative (TRAC: San Diego terminated 33% of more than 12,600 cases by 2019-09-30)",
    "mpp_reopened_cumulative": "terminations appealed by DHS or reopened (the case returned to pending)",
    "mpp_heard_cumulative": "respondents with at least one hearing held",
    "mpp_absent_at_last_hearing_cumulative": "of those, respondents absent at their most recent hearing (TRAC: 17,136 on 2019-11-30)",
    "mpp_absent_at_last_hearing_share": "the share absent at their most recent hearing among respondents with at least one hearing held (TRAC: 50% on 2019-11-30, 39% in September 2019); not the first-hearing absence rate",
    "title42_expulsions_ofo": "Title 42 expulsions at ports (OFO) that day",
    "encounters_ofo": "encounters at ports (OFO) that day",
    "nta_release_ofo": "of pathway_NTA_RELEASE, the people encountered at ports (OFO) that day; the rest are Border Patrol's",
    "in_system": "people in an ACA queue or returned to Mexico with a case pending (end of day)",
    "exits_cumulative": "people who left the system since the start, counted separately (conservation: encounters = exits + in_system)",
}


#: Above this many rows (scenarios x replications x metrics x days; about 50 bytes a row),
#: daily.csv is written only when asked (`simulate --csv`); daily.parquet always is.
CSV_ROW_LIMIT = 5_000_000


def daily_rows(study: Study) -> int:
    """Rows of daily.parquet / daily.csv."""
    n_days = (study.end - study.start).days + 1
    return len(study.scenarios) * study.reps * len(study.metrics()) * n_days


def write_all(study: Study, out: Path, csv: bool | None = None) -> dict[str, Any]:
    """Write every output file. daily.csv: always if `csv`, never if `csv is False`, and by
    default only up to `CSV_ROW_LIMIT` rows (summary.json's `daily_csv` says which)."""
    out.mkdir(parents=True, exist_ok=True)
    rows = daily_rows(study)
    write_csv = csv if csv is not None else rows <= CSV_ROW_LIMIT
    if study.store is not None:
        scan = study.store.daily_scan()
        scan.sink_parquet(out / "daily.parquet")
        if write_csv:
            scan.sink_csv(out / "daily.csv")
    else:
        daily = daily_frame(study)
        daily.write_parquet(out / "daily.parquet")
        if write_csv:
            daily.write_csv(out / "daily.csv")
    if not write_csv:
        (out / "daily.csv").unlink(missing_ok=True)
    first = study.first()
    if first is not None and first.persons is not None:
        (out / "persons.parquet").write_bytes(first.persons)
    else:
        write_persons(pl.DataFrame(), out / "persons.parquet")
    val = validation.table(study)
    val.write_csv(out / "validation.csv")
    summary = summary_dict(study)
    summary["daily_csv"] = {
        "written": write_csv,
        "rows": rows,
        "limit": CSV_ROW_LIMIT,
        "text": "daily.csv written"
        if write_csv
        else f"daily.csv not written: {rows:,} rows is above {CSV_ROW_LIMIT:,} (pass --csv to write it; daily.parquet has the same rows)",
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2, default=str))
    for name, content in (
        ("study.json", study_files.study_json(study, summary["uncertainty"])),
        ("parameters.json", study_files.parameters_json(study)),
    ):
        (out / name).write_text(json.dumps(content, indent=1, ensure_ascii=False) + "\n")
    return summary


def daily_frame(study: Study) -> pl.DataFrame:
    """Every daily row of an in-memory study: scenarios in order, then replications."""
    frames = [
        daily_block(scenario.name, rep.index, rep.daily[scenario.name], study.start)
        for scenario in study.scenarios
        for rep in study.replicates
    ]
    return pl.concat(frames)


def summary_dict(study: Study) -> dict[str, Any]:
    names = [s.name for s in study.scenarios]
    metrics = study.headline_metrics()
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
            "label": s.label or s.name,
            "extends": s.extends,
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
    out["uncertainty"] = draws.uncertainty(draws.of(study.posterior))
    sens = sensitivity.of_study(study)
    if sens is not None:
        out["sensitivity"] = sens
    out["questions"] = questions.answers(study)
    out["interval_includes"] = list(out["uncertainty"]["includes"])
    out["unfitted"] = _unfitted(study, sens)
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


def _unfitted(study: Study, sens: dict[str, Any] | None) -> dict[str, str]:
    """Headline metrics whose spread, in some scenario, follows most an assumption nobody
    published (a capacity prior), as a sentence for the report to put beside the number."""
    d = draws.of(study.posterior)
    if sens is None or d is None or d.priors is None:
        return {}
    priors = {p.fitted.id for p in d.priors.parameters}
    out: dict[str, str] = {}
    for finding in sens.get("findings", []):
        if "scenario" not in finding or not finding["effects"]:
            continue
        top = finding["effects"][0]
        if top["parameter"] in priors:
            out.setdefault(
                finding["metric"],
                f"set mostly by {top['label']}, which was never published: drawn from a prior, "
                "not fitted",
            )
    return out
