"""The model against every dated published figure in the project data it can speak to.

Each row names the figure, its date and source, whether it was used to calibrate the model
(`calibration`: in-sample, a check of the calibration) or not (`validation`), and the
model's mean and 5th-95th percentiles over replications of the `history` scenario.
Figures the model cannot speak to (representation, fear-screening referrals) are left out.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from asylum_pathways.data import load
from asylum_pathways.sim.montecarlo import Study, summarize

Daily = Callable[[str], np.ndarray]  # metric -> [rep, day]


@dataclass(frozen=True)
class Point:
    id: str
    date: dt.date
    quantity: str
    published: float
    source: str
    kind: str
    note: str
    model: Callable[[Daily, Callable[[dt.date], int]], np.ndarray]


def _month_sum(
    metric: str, month: dt.date
) -> Callable[[Daily, Callable[[dt.date], int]], np.ndarray]:
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])

    def f(daily: Daily, idx: Callable[[dt.date], int]) -> np.ndarray:
        return daily(metric)[:, idx(month) : idx(last) + 1].sum(axis=1)

    return f


def _month_diff(
    a: str, b: str, month: dt.date
) -> Callable[[Daily, Callable[[dt.date], int]], np.ndarray]:
    fa, fb = _month_sum(a, month), _month_sum(b, month)
    return lambda daily, idx: fa(daily, idx) - fb(daily, idx)


def _at(
    metric: str, day: dt.date, *more: str
) -> Callable[[Daily, Callable[[dt.date], int]], np.ndarray]:
    def f(daily: Daily, idx: Callable[[dt.date], int]) -> np.ndarray:
        return sum(daily(m)[:, idx(day)] for m in (metric, *more))  # type: ignore[return-value]

    return f


def _ratio(
    num: str, den: str, day: dt.date, complement: bool = False
) -> Callable[[Daily, Callable[[dt.date], int]], np.ndarray]:
    def f(daily: Daily, idx: Callable[[dt.date], int]) -> np.ndarray:
        n, d = daily(num)[:, idx(day)], daily(den)[:, idx(day)]
        r = np.divide(n, d, out=np.full_like(n, np.nan), where=d > 0)
        return 1 - r if complement else r

    return f


def _month(key: str) -> dt.date | None:
    """The first day of month key YYYY-MM, or None for keys such as FY2020_total."""
    if re.fullmatch(r"\d{4}-\d{2}", key):
        return dt.date(int(key[:4]), int(key[5:]), 1)
    return None


def points() -> list[Point]:
    data = load()
    series = data["series"]
    snaps = {s["id"]: s for group in data["snapshots"].values() for s in group}
    out: list[Point] = []
    fy19 = series["usbp_swb_fy2019_monthly_by_sector"]
    fy20 = series["usbp_swb_fy2020_monthly"]
    ofo = series["ofo_swb_fy2020_monthly"]
    fy21 = series["usbp_swb_fy2021_oct_jan_by_sector"]
    trac = series["mpp_court_cases_by_month_and_location_2019"]
    cbp = series["mpp_enrollments_cbp_monthly"]
    usbp_encounters = {
        **{k: r["total"] for k, r in fy19["data"]["SOUTHWEST BORDER TOTAL"].items()},
        **{k: r["total"] for k, r in fy20["data"].items()},
    }
    usbp = ("encounters", "encounters_ofo")
    t42 = ("pathway_TITLE42_EXPULSION", "title42_expulsions_ofo")
    # (id prefix, quantity, {YYYY-MM: value}, source, kind, note, metric, metric subtracted)
    monthly: list[tuple[str, str, dict[str, float], str, str, str, tuple[str, str | None]]] = [
        (
            "usbp.encounters",
            "USBP southwest encounters (month)",
            usbp_encounters,
            fy19["source"],
            "calibration",
            "monthly target",
            usbp,
        ),
        (
            "usbp.encounters",
            "USBP southwest encounters (month)",
            dict(zip(fy21["months"], fy21["data"]["Total"], strict=True)),
            fy21["source"],
            "calibration",
            "monthly target",
            usbp,
        ),
        (
            "usbp.title42",
            "USBP Title 42 expulsions (month)",
            {
                k: r["title42_expulsions"]
                for k, r in fy20["data"].items()
                if r["title42_expulsions"]
            },
            fy20["source"],
            "validation",
            "rate of exceptions from Apr-Sep 2020 totals",
            t42,
        ),
        (
            "ofo.title42",
            "OFO Title 42 expulsions (month)",
            {k: r["title42"] for k, r in ofo["data"].items() if "title42" in r},
            ofo["source"],
            "validation",
            "",
            ("title42_expulsions_ofo", None),
        ),
        (
            "mpp.enrolled",
            "MPP enrolments (month; TRAC court cases by NTA month)",
            {k: r["all"] for k, r in trac["data"].items()},
            trac["source"],
            "calibration",
            "enrolment capacity derived from it",
            ("mpp_enrolled", None),
        ),
        (
            "mpp.enrolled",
            "MPP enrolments (month; CBP)",
            cbp["data"]["totals"]["cbp"],
            cbp["source"],
            "calibration",
            "enrolment capacity derived from it (not below Jan-Feb 2020)",
            ("mpp_enrolled", None),
        ),
    ]
    for prefix, quantity, values, source, kind, note, (metric, minus) in monthly:
        for key, value in values.items():
            m = _month(key)
            if m is None:
                continue
            model = _month_diff(metric, minus, m) if minus else _month_sum(metric, m)
            out.append(
                Point(f"{prefix}.{key}", m, quantity, float(value), source, kind, note, model)
            )

    d = dt.date
    # (snapshot id, date, field, quantity, kind, model metrics summed on the date, note)
    table: list[tuple[str, dt.date, str, str, str, tuple[str, ...], str]] = [
        (
            "aca.stat.2019-11-21",
            d(2019, 11, 21),
            "cumulative_transferred",
            "ACA transfers to Guatemala (cumulative)",
            "calibration",
            ("aca_transfers_GT_cumulative",),
            "",
        ),
        (
            "aca.stat.2019-12-12",
            d(2019, 12, 12),
            "cumulative_transferred",
            "ACA transfers to Guatemala (cumulative)",
            "calibration",
            ("aca_transfers_GT_cumulative",),
            "",
        ),
        (
            "aca.stat.2020-01-mid",
            d(2020, 1, 14),
            "cumulative_transferred",
            "ACA transfers to Guatemala (cumulative)",
            "calibration",
            ("aca_transfers_GT_cumulative",),
            "mid-January 2020; taken as 2020-01-14",
        ),
        (
            "mpp.cum.2019-03",
            d(2019, 3, 15),
            "cumulative_returned",
            "MPP returns from San Diego (cumulative)",
            "validation",
            ("mpp_enrolled_SYS_cumulative",),
            "first six weeks; taken as 2019-03-15",
        ),
        (
            "mpp.cum.2019-06-late",
            d(2019, 6, 24),
            "cumulative_returned",
            "MPP returns (cumulative)",
            "validation",
            ("mpp_enrolled_cumulative",),
            "'as of Monday' late June; taken as 2019-06-24",
        ),
        (
            "mpp.cum.2019-07-early",
            d(2019, 7, 7),
            "cumulative_returned_min",
            "MPP returns (cumulative, at least)",
            "validation",
            ("mpp_enrolled_cumulative",),
            "'over 18,000' through the first week of July",
        ),
        (
            "mpp.cum.2019-07-31",
            d(2019, 7, 31),
            "cumulative_cases",
            "MPP cases (cumulative)",
            "calibration",
            ("mpp_enrolled_cumulative",),
            "",
        ),
        (
            "mpp.cum.2019-10",
            d(2019, 10, 29),
            "cumulative_returned",
            "MPP returns (cumulative, about)",
            "calibration",
            ("mpp_enrolled_cumulative",),
            "",
        ),
        (
            "mpp.cum.2019-11-30",
            d(2019, 11, 30),
            "cumulative_cases_min",
            "MPP cases (cumulative, over)",
            "calibration",
            ("mpp_enrolled_cumulative",),
            "",
        ),
        (
            "mpp.cum.2020-01-29",
            d(2020, 1, 29),
            "cumulative_returned_min",
            "MPP returns (cumulative, over)",
            "validation",
            ("mpp_enrolled_cumulative",),
            "",
        ),
        (
            "mpp.tamaulipas",
            d(2019, 11, 30),
            "returned_to_tamaulipas_min",
            "MPP returns to Nuevo Laredo and Matamoros (at least)",
            "validation",
            ("mpp_enrolled_LAR_cumulative", "mpp_enrolled_BRO_cumulative"),
            "late November 2019; taken as 2019-11-30",
        ),
        (
            "mpp.outcomes.2019-09",
            d(2019, 9, 30),
            "completed",
            "MPP cases completed (cumulative)",
            "calibration",
            ("mpp_completed_cumulative",),
            "",
        ),
        (
            "mpp.outcomes.2019-09",
            d(2019, 9, 30),
            "granted",
            "MPP cases granted asylum (cumulative)",
            "validation",
            ("mpp_granted_cumulative",),
            "",
        ),
        (
            "mpp.outcomes.2019-11",
            d(2019, 11, 30),
            "completed",
            "MPP cases completed (cumulative)",
            "calibration",
            ("mpp_completed_cumulative",),
            "",
        ),
        (
            "mpp.outcomes.2019-11",
            d(2019, 11, 30),
            "granted",
            "MPP cases granted (cumulative)",
            "calibration",
            ("mpp_granted_cumulative",),
            "",
        ),
        (
            "mpp.outcomes.2019-11",
            d(2019, 11, 30),
            "denied",
            "MPP cases denied: removal orders incl. in absentia (cumulative)",
            "validation",
            ("mpp_removal_ordered_cumulative", "mpp_in_absentia_cumulative"),
            "",
        ),
        (
            "mpp.outcomes.2019-11",
            d(2019, 11, 30),
            "closed",
            "MPP cases closed without decision (cumulative)",
            "validation",
            ("mpp_terminated_cumulative",),
            "",
        ),
    ]
    for sid, day, field, quantity, kind, metrics, note in table:
        s = snaps[sid]
        out.append(
            Point(
                sid,
                day,
                quantity,
                float(s[field]),
                s["source"],
                kind,
                note or s.get("note", ""),
                _at(metrics[0], day, *metrics[1:]),
            )
        )
    for port, name in (("SYS", "San Diego"), ("CAL", "Calexico"), ("ELP", "El Paso")):
        s = snaps["mpp.cum.2019-06-late"]
        out.append(
            Point(
                f"mpp.cum.2019-06-late.{port}",
                d(2019, 6, 24),
                f"MPP returns via {name} (cumulative)",
                float(s["by_location"][name]),
                s["source"],
                "validation",
                "taken as 2019-06-24",
                _at(f"mpp_enrolled_{port}_cumulative", d(2019, 6, 24)),
            )
        )
    s = snaps["mpp.repr.2019-11"]
    out.append(
        Point(
            "mpp.repr.2019-11",
            d(2019, 11, 30),
            "Share of MPP respondents who missed a hearing",
            float(s["share_missed_hearing"]),
            s["source"],
            "validation",
            s.get("note", ""),
            _ratio("mpp_in_absentia_cumulative", "mpp_first_hearings_cumulative", d(2019, 11, 30)),
        )
    )
    s = snaps["mpp.repr.2019-11"]
    out.append(
        Point(
            "mpp.awaiting_first_hearing.2019-11",
            dt.date(2019, 11, 30),
            "Share of MPP cases awaiting a first hearing",
            0.39,
            s["source"],
            "validation",
            "TRAC: 39% still awaiting a first master calendar hearing",
            _ratio(
                "mpp_first_hearings_cumulative",
                "mpp_enrolled_cumulative",
                dt.date(2019, 11, 30),
                complement=True,
            ),
        )
    )
    fy20t = series["usbp_swb_fy2020_monthly"]
    t42_total = float(fy20t["fy_totals"]["title42"])

    def fy2020_t42(daily: Daily, idx: Callable[[dt.date], int]) -> np.ndarray:
        a, b = idx(dt.date(2019, 10, 1)), idx(dt.date(2020, 9, 30))
        return (daily("pathway_TITLE42_EXPULSION") - daily("title42_expulsions_ofo"))[
            :, a : b + 1
        ].sum(axis=1)

    out.append(
        Point(
            "usbp.title42.FY2020",
            dt.date(2020, 9, 30),
            "USBP Title 42 expulsions FY2020",
            t42_total,
            fy20t["source"],
            "validation",
            "",
            fy2020_t42,
        )
    )
    return out


def table(study: Study, scenario: str = "history") -> pl.DataFrame:
    """Validation rows for the figures inside the study's horizon."""
    if scenario not in [s.name for s in study.scenarios]:
        scenario = study.scenarios[0].name

    def daily(metric: str) -> np.ndarray:
        return study.daily(scenario, metric)

    def idx(day: dt.date) -> int:
        return (day - study.start).days

    rows = []
    for p in points():
        if p.date < study.start or p.date > study.end:
            continue
        first_of_month = p.date.replace(day=1)
        if p.id.split(".")[-1][:4].isdigit() and first_of_month < study.start:
            continue
        values = p.model(daily, idx)
        s = summarize(values)
        rel = (s["mean"] - p.published) / p.published if p.published else float("nan")
        rows.append(
            {
                "id": p.id,
                "date": p.date,
                "quantity": p.quantity,
                "published": p.published,
                "model_mean": s["mean"],
                "model_p5": s["p5"],
                "model_p95": s["p95"],
                "relative_error": rel,
                "within_interval": s["p5"] <= p.published <= s["p95"],
                "kind": p.kind,
                "scenario": scenario,
                "source": p.source,
                "note": p.note,
            }
        )
    return pl.DataFrame(rows)
