"""Capacity-limited stages over days, for one scenario and one replication.

Order of the day's decisions (documented simplifications):
1. the rules assign each person a pathway (rules.engine, vectorized);
2. Title 42: a share of covered people is excepted case by case (a rate by component) and
   assigned the next pathway in the priority order;
3. ACA: each receiving country admits at most its daily seat rate (weekly seats / 7, within
   its annual cap) of people a day, whole families at a time, first come first served; the
   rest take their next pathway (MPP or Title 8). Admitted people are screened; those who
   establish fear of the receiving country go to credible-fear processing; the others wait
   for a flight (first in, first out, seats on the flight weekdays);
4. MPP: each return port enrols at most its daily capacity; the rest take their next
   pathway. Enrolled people who establish fear of Mexico leave MPP (notice to appear). The
   others wait in Mexico for their first hearing at the court of their port (first in, first
   out, daily hearing capacity, none while hearings are postponed); at it they do not appear
   (in-absentia removal order), their case is terminated, or it goes on to a final hearing
   (granted, terminated, removal ordered);
5. UAC referral, Title 42 expulsion, expedited removal, credible fear and release with a
   notice to appear are exits on the day of the encounter.
Every person ends in exactly one exit or is still in the system (an ACA queue or MPP).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from asylum_pathways import codes
from asylum_pathways.params import ParameterTree, day_number
from asylum_pathways.rules import tri
from asylum_pathways.rules.engine import PATHWAY_CODE, determine, reassign
from asylum_pathways.rules.groups import Groups
from asylum_pathways.sim.population import Population
from asylum_pathways.sim.queues import daily_intake, fifo, yearly_capped

P = PATHWAY_CODE
IN_SYSTEM = ("ACA_TRANSFER", "MPP_RETURN")
OUTCOMES = ("pending", "in_absentia", "terminated", "granted", "removal_ordered")


@dataclass
class Fate:
    """Every person's fate in one scenario and replication (day indexes; -1 = none)."""

    assigned: np.ndarray  # pathway the rules assigned
    pathway: np.ndarray  # final pathway after capacity, exceptions and screening
    receiving: np.ndarray  # receiving country (index into codes.countries()), -1
    transfer: np.ndarray  # day of the ACA transfer flight
    mpp_port: np.ndarray  # return port (index into tree.ports), -1
    enrolled: np.ndarray  # bool
    first_hearing: np.ndarray
    completion: np.ndarray
    outcome: np.ndarray  # index into OUTCOMES for enrolled people, -1 otherwise
    left_mexico: np.ndarray  # day a no-show respondent stopped waiting, -1


@dataclass
class Result:
    daily: dict[str, np.ndarray]
    headline: dict[str, float]
    fate: Fate | None = None
    extra: dict[str, np.ndarray] = field(default_factory=dict)


def _per_day(tree: ParameterTree, name: str, start: dt.date, n_days: int) -> list[Any]:
    """The value of a parameter on each day of the horizon (one lookup per change)."""
    param = tree.get(name)
    axis = np.arange(day_number(start), day_number(start) + n_days, dtype=np.int32)
    version = param.version_index(axis)
    return [param.values[v].value if v >= 0 else None for v in version]


def map_per_day(
    tree: ParameterTree, name: str, start: dt.date, n_days: int, key: str
) -> np.ndarray:
    """One key of a map parameter on each day (0 where absent or repealed)."""
    return np.array(
        [float((v or {}).get(key, 0.0)) for v in _per_day(tree, name, start, n_days)],
        dtype=np.float64,
    )


def simulate(tree: ParameterTree, pop: Population, keep_fate: bool = False) -> Result:
    enc = pop.enc
    n, n_days = enc.n, pop.n_days
    dayidx = pop.day_index()
    det = determine(tree, enc)
    pathway = det.pathway.copy()
    receiving = det.aca_country.copy()
    assigned = det.pathway.copy()
    axis = np.arange(day_number(pop.start), day_number(pop.end) + 1, dtype=np.int32)

    def redo(rows: np.ndarray, unavailable: str) -> None:
        if rows.shape[0]:
            new, _ = reassign(tree, enc, det, rows, unavailable)
            pathway[rows] = new

    # 2. Title 42 case-by-case exceptions
    exception = "assumptions.title42.exception_rate"
    usbp = map_per_day(tree, exception, pop.start, n_days, "USBP")[dayidx]
    ofo = map_per_day(tree, exception, pop.start, n_days, "OFO")[dayidx]
    rate = np.where(pop.ofo, ofo, usbp)
    redo(
        np.flatnonzero(
            (pathway == P["TITLE42_EXPULSION"]) & (pop.draws["title42_exception"] < rate)
        ),
        "TITLE42_EXPULSION",
    )

    # 3. ACA intake, by receiving country in rank order; a family a full country turns away
    #    is offered to the next-ranked country it is amenable to, then to its next pathway
    countries = codes.countries()
    seats = "assumptions.aca.seats_per_week"
    caps = tree.get("assumptions.aca.annual_cap")
    year = np.array([(pop.start + dt.timedelta(days=i)).year for i in range(n_days)])
    aca_admitted = np.zeros(n, dtype=bool)
    ranked = sorted(
        tree.receiving_countries(),
        key=lambda c: (tree.agreement(c, "assignment_rank").at(pop.end) or 0, c),
    )
    groups = Groups(enc.group)
    amenable = {cc: groups.all(det.status[f"ACA_{cc}"]) == tri.T for cc in ranked}
    for i, cc in enumerate(ranked):
        code = countries.index(cc)
        rows = np.flatnonzero((pathway == P["ACA_TRANSFER"]) & (receiving == code))
        if not rows.shape[0]:
            continue
        weekly = map_per_day(tree, seats, pop.start, n_days, cc)
        cap = (caps.at(pop.end) or {}).get(cc, np.inf)
        per_day = yearly_capped(weekly / 7.0, year, cap)
        ok = daily_intake(
            dayidx[rows], np.ones(rows.shape[0]), per_day, _unit_starts(enc.group[rows])
        )
        aca_admitted[rows[ok]] = True
        turned_away = rows[~ok]
        placed = np.zeros(turned_away.shape[0], dtype=bool)
        for later in ranked[i + 1 :]:
            take = ~placed & amenable[later][turned_away]
            receiving[turned_away[take]] = countries.index(later)
            placed |= take
        redo(turned_away[~placed], "ACA_TRANSFER")
    screened_out = aca_admitted & (
        pop.draws["aca_fear"] < _rate(tree, "assumptions.aca.threshold_fear_rate", pop)
    )
    pathway[screened_out] = P["CREDIBLE_FEAR"]
    waiting_aca = aca_admitted & ~screened_out
    transfer = np.full(n, -1, dtype=np.int64)
    lag = int(tree.get("assumptions.aca.processing_days").at(pop.end) or 0)
    weekdays = np.array([(pop.start + dt.timedelta(days=i)).weekday() for i in range(n_days)])
    flight_days = [int(x) for x in (tree.get("assumptions.aca.flight_weekdays").at(pop.end) or [])]
    for cc in tree.receiving_countries():
        rows = np.flatnonzero(waiting_aca & (receiving == countries.index(cc)))
        if not rows.shape[0]:
            continue
        weekly = map_per_day(tree, seats, pop.start, n_days, cc)
        flights = np.isin(weekdays, flight_days)
        per_flight_day = np.where(flights, weekly / max(len(flight_days), 1), 0.0)
        operating = tree.agreement(cc, "transfers_operating").flag(axis)
        transfer[rows] = fifo(dayidx[rows] + lag, per_flight_day * operating)
    receiving[pathway != P["ACA_TRANSFER"]] = -1

    # 4. MPP enrolment, by return port
    port_of_sector = _per_day(tree, "assumptions.mpp.return_port_of_sector", pop.start, n_days)
    ports = tree.ports
    sector_port = np.array(
        [
            [ports.index(m[s]) if m and s in m else -1 for s in codes.SECTORS]
            for m in port_of_sector
        ],
        dtype=np.int16,
    )
    mpp_port = np.where(
        enc.port >= 0, enc.port, sector_port[np.clip(dayidx, 0, n_days - 1), enc.sector]
    )
    capacity = "assumptions.mpp.enrolment_capacity"
    enrolled = np.zeros(n, dtype=bool)
    candidates = pathway == P["MPP_RETURN"]
    for k, port in enumerate(ports):
        rows = np.flatnonzero(candidates & (mpp_port == k))
        if not rows.shape[0]:
            continue
        per_day = map_per_day(tree, capacity, pop.start, n_days, port)
        ok = daily_intake(
            dayidx[rows], np.ones(rows.shape[0]), per_day, _unit_starts(enc.group[rows])
        )
        enrolled[rows[ok]] = True
        redo(rows[~ok], "MPP_RETURN")
    mexico_fear = enrolled & (
        pop.draws["mexico_fear"] < _rate(tree, "assumptions.mpp.mexico_fear_rate", pop)
    )
    enrolled &= ~mexico_fear
    pathway[mexico_fear] = P["NTA_RELEASE"]
    mpp_port = np.where(enrolled, mpp_port, -1)

    # 5. MPP hearings, by court
    first, completion, outcome, left = _hearings(tree, pop, dayidx, enrolled, mpp_port, axis)

    fate = Fate(
        assigned, pathway, receiving, transfer, mpp_port, enrolled, first, completion, outcome, left
    )
    daily = _daily(tree, pop, dayidx, fate)
    headline = _headline(tree, pop, dayidx, fate, daily)
    return Result(daily, headline, fate if keep_fate else None)


def _rate(tree: ParameterTree, name: str, pop: Population) -> np.ndarray:
    by_day = tree.get(name).numbers(
        np.arange(day_number(pop.start), day_number(pop.end) + 1, dtype=np.int32), 0.0
    )
    return by_day[pop.day_index()]


def _unit_starts(group: np.ndarray) -> np.ndarray:
    start = np.ones(group.shape[0], dtype=bool)
    start[1:] = group[1:] != group[:-1]
    return start


def _hearings(
    tree: ParameterTree,
    pop: Population,
    dayidx: np.ndarray,
    enrolled: np.ndarray,
    mpp_port: np.ndarray,
    axis: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    n, n_days = pop.enc.n, pop.n_days
    process = tree.get("assumptions.mpp.hearing_process").at(pop.end) or {}
    court_of_port = tree.get("assumptions.mpp.court_of_port").at(pop.end) or {}
    slots = "assumptions.mpp.hearing_capacity"
    held = ~tree.get("law.mpp.hearings_postponed").flag(axis)
    first = np.full(n, -1, dtype=np.int64)
    completion = np.full(n, -1, dtype=np.int64)
    outcome = np.full(n, -1, dtype=np.int8)
    left = np.full(n, -1, dtype=np.int64)
    lag = int(process.get("first_hearing_lag_days", 0))
    later = int(process.get("further_hearings", 0)) * int(process.get("continuance_days", 0))
    p_ns = float(process.get("no_show_rate", 0.0))
    p_t1 = float(process.get("first_hearing_termination_rate", 0.0))
    p_g = float(process.get("final_grant_rate", 0.0))
    p_t2 = float(process.get("final_termination_rate", 0.0))
    u1, u2 = pop.draws["first_hearing"], pop.draws["final_hearing"]
    courts = sorted(set(court_of_port.values()))
    port_court = np.array(
        [courts.index(court_of_port[p]) if p in court_of_port else -1 for p in tree.ports] + [-1]
    )
    court = np.where(enrolled, port_court[mpp_port], -1)
    for c, name in enumerate(courts):
        rows = np.flatnonzero(court == c)
        if not rows.shape[0]:
            continue
        cap_first = map_per_day(tree, slots, pop.start, n_days, f"{name}:first") * held
        cap_final = map_per_day(tree, slots, pop.start, n_days, f"{name}:final") * held
        f = fifo(dayidx[rows] + lag, cap_first)
        first[rows] = f
        heard = f >= 0
        noshow = heard & (u1[rows] < p_ns)
        term = heard & ~noshow & (u1[rows] < p_ns + p_t1)
        goes_on = heard & ~noshow & ~term
        done_first = np.where(noshow | term, f, -1)
        final = np.full(rows.shape[0], -1, dtype=np.int64)
        go = np.flatnonzero(goes_on)
        final[go] = fifo(f[go] + later, cap_final)
        done = np.where(done_first >= 0, done_first, final)
        completion[rows] = done
        res = np.full(rows.shape[0], OUTCOMES.index("pending"), dtype=np.int8)
        res[noshow] = OUTCOMES.index("in_absentia")
        res[term] = OUTCOMES.index("terminated")
        decided = goes_on & (final >= 0)
        res[decided & (u2[rows] < p_g)] = OUTCOMES.index("granted")
        res[decided & (u2[rows] >= p_g) & (u2[rows] < p_g + p_t2)] = OUTCOMES.index("terminated")
        res[decided & (u2[rows] >= p_g + p_t2)] = OUTCOMES.index("removal_ordered")
        outcome[rows] = res
        # people who will not appear stop waiting in Mexico halfway to their hearing date
        wont = u1[rows] < p_ns
        leave = dayidx[rows] + lag // 2
        left[rows[wont]] = np.where(leave[wont] < n_days, leave[wont], -1)
    return first, completion, outcome, left


def _count(days: np.ndarray, n_days: int) -> np.ndarray:
    days = days[(days >= 0) & (days < n_days)]
    return np.bincount(days, minlength=n_days).astype(np.float64)


def _daily(
    tree: ParameterTree, pop: Population, dayidx: np.ndarray, fate: Fate
) -> dict[str, np.ndarray]:
    n_days = pop.n_days
    out: dict[str, np.ndarray] = {"encounters": _count(dayidx, n_days)}
    for name in codes.PATHWAYS:
        if name == "UNDETERMINED":
            continue
        out[f"pathway_{name}"] = _count(dayidx[fate.pathway == P[name]], n_days)
    out["pathway_UNDETERMINED"] = _count(dayidx[fate.pathway == P["UNDETERMINED"]], n_days)
    countries = codes.countries()
    aca = fate.pathway == P["ACA_TRANSFER"]
    for cc in tree.receiving_countries():
        mine = aca & (fate.receiving == countries.index(cc))
        t = _count(fate.transfer[mine], n_days)
        out[f"aca_transfers_{cc}"] = t
        out[f"aca_transfers_{cc}_cumulative"] = np.cumsum(t)
    transfers = _count(fate.transfer[aca], n_days)
    aca_in = np.cumsum(_count(dayidx[aca], n_days)) - np.cumsum(transfers)
    out["aca_waiting"] = aca_in
    enrolled = _count(dayidx[fate.enrolled], n_days)
    out["mpp_enrolled"] = enrolled
    out["mpp_enrolled_cumulative"] = np.cumsum(enrolled)
    done = fate.completion[fate.enrolled]
    out["mpp_completed_cumulative"] = np.cumsum(_count(done, n_days))
    out["mpp_first_hearings"] = _count(fate.first_hearing[fate.enrolled], n_days)
    absentia = fate.enrolled & (fate.outcome == OUTCOMES.index("in_absentia"))
    out["mpp_in_absentia_cumulative"] = np.cumsum(_count(fate.completion[absentia], n_days))
    granted = fate.enrolled & (fate.outcome == OUTCOMES.index("granted"))
    out["mpp_granted_cumulative"] = np.cumsum(_count(fate.completion[granted], n_days))
    out["mpp_pending"] = out["mpp_enrolled_cumulative"] - out["mpp_completed_cumulative"]
    gone = np.cumsum(_count(fate.left_mexico, n_days)) - np.cumsum(
        _count(fate.completion[fate.left_mexico >= 0], n_days)
    )
    out["mpp_waiting_in_mexico"] = out["mpp_pending"] - gone
    out["in_system"] = aca_in + out["mpp_pending"]
    exits = _count(dayidx[~aca & ~fate.enrolled], n_days) + transfers + _count(done, n_days)
    out["exits_cumulative"] = np.cumsum(exits)
    for k, port in enumerate(tree.ports):
        mine = fate.enrolled & (fate.mpp_port == k)
        if mine.any():
            out[f"mpp_enrolled_{port}_cumulative"] = np.cumsum(_count(dayidx[mine], n_days))
    for name in ("terminated", "removal_ordered"):
        sel = fate.enrolled & (fate.outcome == OUTCOMES.index(name))
        out[f"mpp_{name}_cumulative"] = np.cumsum(_count(fate.completion[sel], n_days))
    out["mpp_first_hearings_cumulative"] = np.cumsum(out["mpp_first_hearings"])
    out["title42_expulsions_ofo"] = _count(
        dayidx[(fate.pathway == P["TITLE42_EXPULSION"]) & pop.ofo], n_days
    )
    out["encounters_ofo"] = _count(dayidx[pop.ofo], n_days)
    return out


def _headline(
    tree: ParameterTree,
    pop: Population,
    dayidx: np.ndarray,
    fate: Fate,
    daily: dict[str, np.ndarray],
) -> dict[str, float]:
    h: dict[str, float] = {"encounters": float(daily["encounters"].sum())}
    for name in codes.PATHWAYS:
        h[f"pathway_{name}"] = float(daily[f"pathway_{name}"].sum())
    for cc in tree.receiving_countries():
        h[f"aca_transfers_{cc}"] = float(daily[f"aca_transfers_{cc}_cumulative"][-1])
    h["mpp_enrolled"] = float(daily["mpp_enrolled_cumulative"][-1])
    # The study's question: MPP enrolments from the day the Ninth Circuit's order would have
    # taken effect to the end of 2020, overall and where that circuit's injunction would reach.
    order_day, circuit_sectors = _ninth_circuit_order(tree)
    march12 = (order_day - pop.start).days
    dec31 = (QUESTION_END - pop.start).days
    if 0 <= march12 < pop.n_days:
        window = slice(march12, min(dec31, pop.n_days - 1) + 1)
        h["mpp_enrolled_2020_03_12_to_2020_12_31"] = float(daily["mpp_enrolled"][window].sum())
        port_sector = tree.get("law.geo.port_sector").at(order_day) or {}
        ports = [k for k, p in enumerate(tree.ports) if port_sector.get(p) in circuit_sectors]
        ninth = np.isin(pop.enc.sector, [codes.SECTORS.index(x) for x in circuit_sectors])
        ninth |= np.isin(fate.mpp_port, ports)
        sel = fate.enrolled & ninth & (dayidx >= march12) & (dayidx <= dec31)
        h["mpp_enrolled_ca_az_2020_03_12_to_2020_12_31"] = float(sel.sum())
    h["mpp_pending_end"] = float(daily["mpp_pending"][-1])
    h["mpp_waiting_in_mexico_end"] = float(daily["mpp_waiting_in_mexico"][-1])
    h["mpp_completed"] = float(daily["mpp_completed_cumulative"][-1])
    h["mpp_in_absentia"] = float(daily["mpp_in_absentia_cumulative"][-1])
    h["mpp_granted"] = float(daily["mpp_granted_cumulative"][-1])
    h["title42_expulsions"] = h["pathway_TITLE42_EXPULSION"]
    aca = (fate.pathway == P["ACA_TRANSFER"]) & (fate.transfer >= 0)
    h["days_to_transfer_median"] = _median(fate.transfer[aca] - dayidx[aca])
    heard = fate.enrolled & (fate.first_hearing >= 0)
    h["days_to_first_hearing_median"] = _median(fate.first_hearing[heard] - dayidx[heard])
    done = fate.enrolled & (fate.completion >= 0)
    h["days_to_completion_median"] = _median(fate.completion[done] - dayidx[done])
    return h


#: End of the window of the study's question ("to the end of 2020"); not a legal date.
QUESTION_END = dt.date(2020, 12, 31)


def _ninth_circuit_order(tree: ParameterTree) -> tuple[dt.date, list[str]]:
    """The day the Ninth Circuit's order limited the MPP injunction to that circuit, and the
    sectors in that circuit, both read from the law tree."""
    ordered = tree.get("law.courts.mpp_injunction.ordered_circuits")
    day = next(
        v.start for v in reversed(ordered.values) if isinstance(v.value, list) and "9" in v.value
    )
    state_of = tree.get("law.geo.sector_state").at(day) or {}
    circuit_of = tree.get("law.geo.state_circuit").at(day) or {}
    return day, [s for s in codes.SECTORS if circuit_of.get(state_of.get(s)) == "9"]


def _median(x: np.ndarray) -> float:
    return float(np.median(x)) if x.shape[0] else float("nan")
