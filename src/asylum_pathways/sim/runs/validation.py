"""The model against every dated published figure in the project data it can speak to.

Each row names the figure, its date and source, its kind, and the model's mean and
5th-95th percentiles over replications of the `history` scenario. The kind comes from the
calibration spec (sim/calibrate/spec.yaml), not from a list kept here: `calibration` if
`calibrate` fits it (in-sample, a check of the fit), `by_construction` if an assumption was
derived from it directly, `validation` otherwise (independent).
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
from asylum_pathways.sim.fitting import spec as calibration_spec
from asylum_pathways.sim.fitting.figures import records as figure_records
from asylum_pathways.sim.fitting.spec import Spec, Target
from asylum_pathways.sim.runs.montecarlo import Study, summarize

Daily = Callable[[str], np.ndarray]  # metric -> [rep, day]


@dataclass(frozen=True)
class Point:
    id: str
    date: dt.date
    quantity: str
    published: float
    source: str
    note: str
    model: Callable[[Daily, Callable[[dt.date], int]], np.ndarray]
    field: str = ""  # the figure's field in the data file ("" for a month of a series)
    metrics: tuple[str, ...] = ()  # the model metrics it reads (a row is left out without them)


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
    # (id prefix, quantity, {YYYY-MM: value}, source, note, metric, metric subtracted)
    monthly: list[tuple[str, str, dict[str, float], str, str, tuple[str, str | None]]] = [
        (
            "usbp.encounters",
            "USBP southwest encounters (month)",
            usbp_encounters,
            fy19["source"],
            "monthly target",
            usbp,
        ),
        (
            "usbp.encounters",
            "USBP southwest encounters (month)",
            dict(zip(fy21["months"], fy21["data"]["Total"], strict=True)),
            fy21["source"],
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
            "rate of exceptions from Apr-Sep 2020 totals",
            t42,
        ),
        (
            "ofo.title42",
            "OFO Title 42 expulsions (month)",
            {k: r["title42"] for k, r in ofo["data"].items() if "title42" in r},
            ofo["source"],
            "",
            ("title42_expulsions_ofo", None),
        ),
        (
            "mpp.enrolled",
            "MPP enrolments (month; TRAC court cases by NTA month)",
            {k: r["all"] for k, r in trac["data"].items()},
            trac["source"],
            "enrolment capacity derived from it",
            ("mpp_enrolled", None),
        ),
        (
            "mpp.enrolled",
            "MPP enrolments (month; CBP)",
            cbp["data"]["totals"]["cbp"],
            cbp["source"],
            "enrolment capacity derived from it (not below Jan-Feb 2020)",
            ("mpp_enrolled", None),
        ),
    ]
    for prefix, quantity, values, source, note, (metric, minus) in monthly:
        for key, value in values.items():
            m = _month(key)
            if m is None:
                continue
            model = _month_diff(metric, minus, m) if minus else _month_sum(metric, m)
            out.append(
                Point(
                    f"{prefix}.{key}",
                    m,
                    quantity,
                    float(value),
                    source,
                    note,
                    model,
                    metrics=(metric, minus) if minus else (metric,),
                )
            )

    # 2024-2026 (encounters-2025.yaml): each month carries its own source. Border Patrol's
    # releases are CBP's statements, its "zero releases" of 2025-2026 among them.
    nta = (
        "the model's Border Patrol NTA_RELEASE pathway (a notice to appear, released or "
        "detained); CBP's releases are paroles and notices to appear, and the model does not "
        "follow people released after a credible-fear screening"
    )
    monthly_2025: list[tuple[str, str, str, str, tuple[str, ...]]] = [
        ("usbp_swb_monthly", "usbp.encounters", "USBP southwest encounters (month)",
         "monthly target", usbp),
        ("ofo_swb_monthly", "ofo.encounters", "OFO southwest encounters (month)",
         "monthly target", ("encounters_ofo",)),
        ("usbp_swb_releases_monthly", "usbp.releases", "USBP southwest releases (month)", nta,
         ("pathway_NTA_RELEASE", "nta_release_ofo")),
    ]  # fmt: skip
    data_2025 = load("encounters-2025.yaml")
    for series_name, prefix, quantity, note, metrics in monthly_2025:
        for key, row in data_2025[series_name]["months"].items():
            m = _month(key)
            if m is None:
                continue
            model = _month_diff(*metrics, m) if len(metrics) == 2 else _month_sum(metrics[0], m)
            out.append(
                Point(
                    f"{prefix}.{key}",
                    m,
                    quantity,
                    float(row["value"]),
                    row["source"],
                    note,
                    model,
                    metrics=metrics,
                )
            )

    d = dt.date
    # (snapshot id, date, field, quantity, model metrics summed on the date, note)
    table: list[tuple[str, dt.date, str, str, tuple[str, ...], str]] = [
        (
            "aca.stat.2019-11-21",
            d(2019, 11, 21),
            "cumulative_transferred",
            "ACA transfers to Guatemala (cumulative)",
            ("aca_transfers_GT_cumulative",),
            "",
        ),
        (
            "aca.stat.2019-12-12",
            d(2019, 12, 12),
            "cumulative_transferred",
            "ACA transfers to Guatemala (cumulative)",
            ("aca_transfers_GT_cumulative",),
            "",
        ),
        (
            "aca.stat.2020-01-mid",
            d(2020, 1, 14),
            "cumulative_transferred",
            "ACA transfers to Guatemala (cumulative)",
            ("aca_transfers_GT_cumulative",),
            "mid-January 2020; taken as 2020-01-14",
        ),
        (
            "mpp.cum.2019-03",
            d(2019, 3, 15),
            "cumulative_returned",
            "MPP returns from San Diego (cumulative)",
            ("mpp_enrolled_SYS_cumulative",),
            "first six weeks; taken as 2019-03-15",
        ),
        (
            "mpp.cum.2019-06-late",
            d(2019, 6, 24),
            "cumulative_returned",
            "MPP returns (cumulative)",
            ("mpp_enrolled_cumulative",),
            "'as of Monday' late June; taken as 2019-06-24",
        ),
        (
            "mpp.cum.2019-07-early",
            d(2019, 7, 7),
            "cumulative_returned_min",
            "MPP returns (cumulative, at least)",
            ("mpp_enrolled_cumulative",),
            "'over 18,000' through the first week of July",
        ),
        (
            "mpp.cum.2019-07-31",
            d(2019, 7, 31),
            "cumulative_cases",
            "MPP cases (cumulative)",
            ("mpp_enrolled_cumulative",),
            "",
        ),
        (
            "mpp.cum.2019-10",
            d(2019, 10, 29),
            "cumulative_returned",
            "MPP returns (cumulative, about)",
            ("mpp_enrolled_cumulative",),
            "",
        ),
        (
            "mpp.cum.2019-11-30",
            d(2019, 11, 30),
            "cumulative_cases_min",
            "MPP cases (cumulative, over)",
            ("mpp_enrolled_cumulative",),
            "",
        ),
        (
            "mpp.cum.2020-01-29",
            d(2020, 1, 29),
            "cumulative_returned_min",
            "MPP returns (cumulative, over)",
            ("mpp_enrolled_cumulative",),
            "",
        ),
        (
            "mpp.tamaulipas",
            d(2019, 11, 30),
            "returned_to_tamaulipas_min",
            "MPP returns to Nuevo Laredo and Matamoros (at least)",
            ("mpp_enrolled_LAR_cumulative", "mpp_enrolled_BRO_cumulative"),
            "late November 2019; taken as 2019-11-30",
        ),
        (
            "mpp.outcomes.2019-09",
            d(2019, 9, 30),
            "completed",
            "MPP cases completed (cumulative)",
            ("mpp_completed_cumulative",),
            "",
        ),
        (
            "mpp.outcomes.2019-09",
            d(2019, 9, 30),
            "granted",
            "MPP cases granted asylum (cumulative)",
            ("mpp_granted_cumulative",),
            "",
        ),
        (
            "mpp.outcomes.2019-11",
            d(2019, 11, 30),
            "completed",
            "MPP cases completed (cumulative)",
            ("mpp_completed_cumulative",),
            "",
        ),
        (
            "mpp.outcomes.2019-11",
            d(2019, 11, 30),
            "granted",
            "MPP cases granted (cumulative)",
            ("mpp_granted_cumulative",),
            "",
        ),
        (
            "mpp.outcomes.2019-11",
            d(2019, 11, 30),
            "denied",
            "MPP cases denied: removal orders incl. in absentia (cumulative)",
            ("mpp_removal_ordered_cumulative", "mpp_in_absentia_cumulative"),
            "",
        ),
        (
            "mpp.outcomes.2019-11",
            d(2019, 11, 30),
            "closed",
            "MPP cases closed without decision (cumulative)",
            ("mpp_terminated_cumulative",),
            "",
        ),
        (
            "mpp.repr.2019-11",
            d(2019, 11, 30),
            "share_missed_hearing",
            "Share of MPP respondents with a hearing held absent at their most recent one",
            ("mpp_absent_at_last_hearing_share",),
            "TRAC's definition: among respondents with at least one hearing held, absent at the "
            "most recent (not the first-hearing absence rate)",
        ),
        (
            "mpp.court.2019-11-30.breakdown",
            d(2019, 11, 30),
            "cases",
            "MPP court cases (TRAC, cumulative)",
            ("mpp_cases_cumulative",),
            "TRAC's count of MPP court cases, people processed inland after a fear screening "
            "included",
        ),
        (
            "aca.hn.2025-12-05",
            d(2025, 12, 5),
            "cumulative_transferred_min",
            "ACA transfers to Honduras (cumulative, at least)",
            ("aca_transfers_HN_cumulative",),
            "a lower bound (advocacy tracker): the model agrees if it is at least this; "
            "cumulative from the horizon's start",
        ),
        (
            "aca.gt.2025-12-05",
            d(2025, 12, 5),
            "cumulative_transferred",
            "ACA transfers to Guatemala under the 2025 agreement (cumulative)",
            ("aca_transfers_GT_cumulative",),
            "cumulative from the horizon's start",
        ),
    ]
    records = figure_records()  # every dated figure of the data files, by id
    for sid, day, field, quantity, metrics, note in table:
        s = records[sid]
        out.append(
            Point(
                sid,
                day,
                quantity,
                float(s[field]),
                s["source"],
                note or s.get("note", ""),
                _at(metrics[0], day, *metrics[1:]),
                field,
                metrics,
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
                "taken as 2019-06-24",
                _at(f"mpp_enrolled_{port}_cumulative", d(2019, 6, 24)),
                f"by_location.{name}",
                (f"mpp_enrolled_{port}_cumulative",),
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
            "TRAC: 39% still awaiting a first master calendar hearing",
            _ratio("mpp_awaiting_first_hearing", "mpp_cases_cumulative", dt.date(2019, 11, 30)),
            metrics=("mpp_awaiting_first_hearing", "mpp_cases_cumulative"),
        )
    )
    # TRAC's MPP cases ever assigned to each court, early 2021 (court-and-transfers.yaml): the
    # returns through the ports whose cases each court heard, to the end of January 2021.
    totals = records["mpp.court.2021-02.court_totals"]
    for court, field, ports in (
        ("El Paso", "cases_el_paso_min", ("ELP", "NOG")),
        ("Brownsville", "cases_brownsville_min", ("BRO",)),
        ("Laredo", "cases_laredo", ("LAR", "EGP")),
    ):
        names = tuple(f"mpp_enrolled_{p}_cumulative" for p in ports)
        out.append(
            Point(
                "mpp.court.2021-02.court_totals",
                d(2021, 1, 31),
                f"MPP cases assigned to the {court} court since 2019 (cumulative)",
                float(totals[field]),
                totals["source"],
                "court totals as of early February 2021, taken as 2021-01-31; the model counts "
                f"returns through {', '.join(ports)} (people processed inland are not in it)",
                _at(names[0], d(2021, 1, 31), *names[1:]),
                field,
                names,
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
            "",
            fy2020_t42,
            metrics=("pathway_TITLE42_EXPULSION", "title42_expulsions_ofo"),
        )
    )
    return out


def with_targets(spec: Spec, metrics: set[str]) -> list[tuple[Point, str]]:
    """Every point with its kind: `calibration` if the spec fits it (and the model has its
    metric), `by_construction` if the spec says an assumption was derived from it, else
    `validation`. A calibration target not among the points is added as one, with the
    spec's model statistic; a point the spec fits is measured the way the fit measured it."""
    fitted, _ = spec.usable(metrics)
    by_key = {(t.figure, t.field): t for t in fitted if t.figure is not None}
    restated = {ref for t in fitted for ref in t.also}
    out: list[tuple[Point, str]] = []
    seen = set()
    for p in points():
        target = by_key.get((p.id, p.field))
        if target is not None:
            seen.add((p.id, p.field))
            out.append((_target_point(target, p.quantity, p.note), "calibration"))
            continue
        if (p.id, p.field) in restated:
            kind = "calibration"  # the same published number as a target, reported elsewhere
        elif any(b.covers(p.id) for b in spec.by_construction):
            kind = "by_construction"
        else:
            kind = "validation"
        out.append((p, kind))
    for t in fitted:
        if (t.figure, t.field) not in seen:
            out.append(
                (
                    _target_point(t, f"{t.field.replace('_', ' ')} ({t.figure})", t.note),
                    "calibration",
                )
            )
    return out


def _target_point(t: Target, quantity: str, note: str) -> Point:
    def model(daily: Daily, idx: Callable[[dt.date], int]) -> np.ndarray:
        return t.statistic(daily, _first_day(idx, t.start))

    return Point(
        t.figure or t.id,
        t.end,
        quantity,
        t.published,
        t.source,
        t.note or note,
        model,
        t.field,
        t.metrics,
    )


def _first_day(idx: Callable[[dt.date], int], day: dt.date) -> dt.date:
    return day - dt.timedelta(days=idx(day))


def table(study: Study, scenario: str = "history", spec: Spec | None = None) -> pl.DataFrame:
    """Validation rows for the figures inside the study's horizon (kinds from `spec`,
    default the packaged calibration spec)."""
    if scenario not in [s.name for s in study.scenarios]:
        scenario = study.scenarios[0].name
    spec = spec or calibration_spec.load(None, None)
    metrics = set(study.metrics())

    def daily(metric: str) -> np.ndarray:
        return study.daily(scenario, metric)

    def idx(day: dt.date) -> int:
        return (day - study.start).days

    rows = []
    for p, kind in with_targets(spec, metrics):
        if p.date < study.start or p.date > study.end:
            continue
        if not all(m in metrics for m in p.metrics):
            continue
        first_of_month = p.date.replace(day=1)
        if p.id.split(".")[-1][:4].isdigit() and first_of_month < study.start:
            continue
        values = p.model(daily, idx)
        s = summarize(values)
        rel = (s["mean"] - p.published) / p.published if p.published else float("nan")
        relation = relation_of(p.field)
        inside = s["p5"] <= p.published <= s["p95"]
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
                "within_interval": inside,
                "kind": kind,
                "scenario": scenario,
                "source": p.source,
                "note": p.note,
                "relation": relation,
                "agrees": agrees(relation, inside, s["p5"], s["p95"], p.published),
            }
        )
    return pl.DataFrame(rows)


#: What a published figure says of the quantity, by its field's suffix in the data files:
#: `_min` ("at least", "over") and `_max` ("at most", "fewer than") are bounds.
RELATIONS = {"_min": "at_least", "_max": "at_most"}


def relation_of(field: str) -> str:
    """`about` for a figure that states the quantity, `at_least`/`at_most` for a bound."""
    return next((r for suffix, r in RELATIONS.items() if field.endswith(suffix)), "about")


def agrees(relation: str, inside: bool, p5: float, p95: float, published: float) -> bool:
    """Whether the model's 5-95% band is consistent with the figure: it holds the figure
    (`about`), or reaches the bound from the right side (`at_least`: p95 at or above it;
    `at_most`: p5 at or below it)."""
    if relation == "at_least":
        return bool(p95 >= published)
    if relation == "at_most":
        return bool(p5 <= published)
    return bool(inside)
