"""The report's charts as page sections: each a heading, its finding in words, a note on what
it shows, and its data as CSV (written to report_data/ and downloadable from the page)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from asylum_pathways.report import caps, charts, differences, fit, survival
from asylum_pathways.report import sensitivity as reading
from asylum_pathways.report.charts.aca import countries as aca_countries
from asylum_pathways.report.charts.spec import Made
from asylum_pathways.report.data import Results
from asylum_pathways.report.heading import day


@dataclass
class Figures:
    """The chart sections in page order, their specs by key, and where their CSVs go."""

    data_dir: Path
    sections: list[dict[str, Any]] = field(default_factory=list)
    specs: dict[str, Any] = field(default_factory=dict)

    def add(
        self,
        key: str,
        heading: str,
        finding: str,
        note: str,
        made: Made,
        group: str = "results",
        more: list[str] | None = None,
    ) -> None:
        """A chart section; `more`: findings in words beyond the chart's, folded beneath it."""
        spec, frame = made
        if spec is None:
            return
        self.specs[key] = spec
        frame.write_csv(self.data_dir / f"{key}.csv")
        spec.setdefault("usermeta", {})["csv_columns"] = frame.columns
        # The page builds this chart's CSV download from the data inside its spec (a blob).
        self.sections.append(
            {
                "key": key,
                "heading": heading,
                "finding": finding,
                "note": note,
                "rows": frame.height,
                "group": group,
                "more": more or [],
                # a chart taller than a printed page may break across pages
                "tall": key == "sensitivity",
            }
        )


def mean(results: Results, scenario: str, key: str) -> float:
    h = results.summary["scenarios"][scenario]["headline"]
    return float(h.get(key, {"mean": 0.0})["mean"])


def transfers(results: Results, scenario: str) -> float:
    """Mean ACA transfers to every receiving country."""
    h = results.summary["scenarios"][scenario]["headline"]
    return sum(mean(results, scenario, k) for k in h if k.startswith("aca_transfers_"))


def levels(figures: Figures, results: Results, first: str, with_params: bool) -> None:
    """Where people went, the differences over time, the ACAs and MPP."""
    label, names = results.label, results.scenarios
    t42 = mean(results, first, "title42_expulsions")
    figures.add(
        "pathways",
        "Where people went",
        f"{label(first)}: Title 42 expelled {t42:,.0f} people (modelled); in scenarios without the "
        "order, the same people go through Title 8, MPP and the ACAs.",
        "Encounters per week by the pathway each person finally took, after capacity limits and "
        "screening (median of the replications); one panel per scenario. The encounters are the "
        "same in every scenario.",
        charts.pathways(results, "Chart: encounters per week by pathway, one panel per scenario"),
    )
    over_time = differences.over_time(results.daily, results.summary)
    figures.add(
        "differences",
        "Differences between the scenarios over time",
        "Each scenario minus its baseline, week by week, for the figures that the policies move.",
        "Median and 5–95% range of the difference taken replication by replication: every "
        "replication runs all scenarios on the same simulated people and random numbers (common "
        "random numbers), so the differences are sharper than the levels' ranges suggest. "
        + ("" if with_params else "The ranges do not include parameter uncertainty."),
        charts.differences(
            results, over_time, "Chart: scenario minus baseline over time, six figures"
        ),
    )
    plan = next((n for n in names if n != first), first)
    capped = caps.statements(results, aca_countries(results))
    figures.add(
        "aca",
        "Transfers under the Asylum Cooperative Agreements",
        f"{label(first)}: {transfers(results, first):,.0f} transfers to all partners; "
        f"{label(plan)}: {transfers(results, plan):,.0f} (modelled means)."
        + (f" Caps over the horizon: {'; '.join(capped)}." if capped else ""),
        "Transfers since 1 January of each year, per receiving country that took anyone (median "
        "and 5–95% band): an annual cap bounds the people taken in a calendar year. A dashed line "
        "is each scenario's own annual cap in force that year; scenarios that share an ACA plan "
        "have coinciding lines.",
        charts.aca(results, "Chart: ACA transfers in each calendar year per receiving country"),
    )
    pending = "; ".join(f"{label(n)} {mean(results, n, 'mpp_pending_end'):,.0f}" for n in names)
    figures.add(
        "mpp",
        "Remain in Mexico",
        f"MPP cases pending at the end of the horizon (modelled means): {pending}.",
        "People returned to Mexico and their court cases (median and 5–95% band).",
        charts.mpp(
            results, "Chart: MPP enrolments, pending cases, people waiting and in-absentia orders"
        ),
    )


def waiting(figures: Figures, results: Results) -> None:
    """Waiting for a first MPP hearing (Kaplan–Meier), and its summary CSV."""
    summary, label = results.summary, results.label
    curve, waits = (
        survival.kaplan_meier(results.persons, dt.date.fromisoformat(summary["end"]))
        if results.persons is not None
        else (pl.DataFrame(), pl.DataFrame())
    )
    heard = {
        r["scenario"]: r
        for r in (
            waits.filter(pl.col("measure") == "First MPP hearing").to_dicts()
            if waits.height
            else []
        )
    }
    not_heard = "; ".join(
        f"{label(n)} {heard[n]['not_by_end']:.0%} of {heard[n]['people']:,}"
        for n in results.scenarios
        if n in heard
    )
    figures.add(
        "times",
        "Waiting for a first MPP hearing",
        f"Share of MPP enrollees with no first hearing by {day(summary['end'])}: {not_heard} "
        "(first replication).",
        "Kaplan–Meier estimate of the share of MPP enrollees who had their first hearing (left) or "
        "a completed case (right) within a given number of days of their encounter. People still "
        "waiting at the end of the horizon are counted as waiting (censored), not dropped: the "
        "share above counts everyone not heard by the end, including people enrolled too late to "
        "have been heard, while the curve counts each person only for the days they were seen. The "
        "first hearing is scheduled after an assumed lag unless court capacity binds: the steps "
        "show that assumption, not a measured wait.",
        charts.times(
            results, curve, "Chart: time from encounter to first MPP hearing and to case completion"
        ),
    )
    if waits.height:
        waits.write_csv(figures.data_dir / "times_summary.csv")


def sensitivity(figures: Figures, results: Results, metric_labels: dict[str, str]) -> None:
    """Which assumptions each finding depends on, above the noise floor."""
    labels = metric_labels | {n: results.label(n) for n in results.scenarios}
    sens = reading.read(
        results.summary, reading.assumption_words(results.summary, results.parameters), labels
    )
    made = charts.sensitivity(sens, "Chart: the assumptions each finding depends on, above noise")
    top = "; ".join(
        f"{f['finding']}: {reading.effect_label(f['effects'][0])} "
        f"(index {float(f['effects'][0]['index']):.2f})"
        for f in sens.findings[:2]
    )
    quiet = (
        f" {sens.quiet} further finding{'s depend' if sens.quiet != 1 else ' depends'} on no "
        "assumption above the noise floor."
        if sens.quiet
        else ""
    )
    figures.add(
        "sensitivity",
        "How much each finding depends on each assumption",
        (f"Largest effects above the noise floor: {top}." if top else "")
        + quiet
        + " Longer bars: the finding moves more when that assumption moves.",
        f"Method: {sens.method}. Noise floor: {sens.floor or 'not stated'}; only effects above it "
        f"are shown, at most {reading.TOP} per finding"
        + (
            f"; the chart has the {reading.CHARTED} findings with the largest effects, the "
            f"{len(sens.listed)} others are listed beneath it."
            if sens.listed
            else "."
        ),
        made,
        more=sens.listed,
    )


def validation(figures: Figures, results: Results, fit_table: pl.DataFrame, first: str) -> None:
    """The model against the published figures: series, then single figures."""
    color = charts.SCENARIO_COLORS[0]
    v_fit = fit.summary(fit_table, "validation")
    figures.add(
        "validation_series",
        "The model against the published figures over time",
        f"Of the {v_fit.figures} published figures not used to set any assumption, the model is "
        f"close for {v_fit.close} (within 25% or inside its 5–95% range).",
        "One panel per quantity published at several dates. Bar: the model's 5–95% range; tick: "
        f"its mean ({results.label(first)} scenario). Points: published figures; the shape says "
        "whether the model was fitted to it. Each figure's source is linked in the table below.",
        charts.validation_series(fit_table, color, "Chart: model against published monthly series"),
    )
    figures.add(
        "validation_single",
        "The model against single published figures",
        "Model ÷ published for figures published once: 1 is an exact match.",
        "Bar: the model's 5–95% range divided by the published figure; point: its mean. Log scale, "
        "so 2× and ½× sit the same distance from 1.",
        charts.validation_single(
            fit_table, color, "Chart: model divided by published, single figures"
        ),
        "validation",
    )
