"""ACA intake, threshold screening and transfer, one receiving country at a time.

Every number is the receiving country's own assumption (`assumptions.aca.agreements.<cc>.*`)
read on each day of the horizon:
- **Intake.** Each day a country takes at most `min(seats_per_week / 7, daily_limit)` people
  it will receive (whole families, first come first served). People the threshold screening
  will take out (they establish a fear of the receiving country) take no seat.
- **Caps.** `annual_cap` and `monthly_cap` (null or, for the monthly cap, no file: none)
  bound the people taken in each calendar year and each calendar month, counted on the day
  they are taken: once a period's cap is reached nobody more is taken in it. A cap dated
  after a day never changes that day.
- **Another country, then another pathway.** A family a country turns away is offered to the
  next country it is amenable to (lowest `assignment_rank` on its day), then takes its next
  pathway.
- **Screening.** Those who establish fear of the receiving country (`threshold_fear_rate`)
  go to credible-fear processing in the US.
- **Transfer.** The others are ready after `processing_days` and fly first in, first out on
  the weekdays of the country's removal flights (`flight_weekdays`), with the week's seats
  split among them and at most `daily_limit` a day, while transfers operate.
- **Suspension.** People still waiting when transfers stop for good within the horizon leave
  the ACA queue that day and are processed under Title 8 (their next pathway, MPP excluded:
  they were no longer at the border to be returned).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from asylum_pathways import codes, tri
from asylum_pathways.params import agreements
from asylum_pathways.sim.model.queues import cumulative_capacity, daily_intake, fifo, unit_prefix
from asylum_pathways.sim.model.stages.state import FlowState, P, unit_starts


@dataclass
class Seats:
    """A receiving country's intake over the horizon: whole seats left each day, people
    taken each day, the annual and monthly caps in force each day (inf: none) and each day's
    year and month."""

    whole_left: np.ndarray
    taken: np.ndarray
    cap: np.ndarray
    year: np.ndarray
    month_cap: np.ndarray
    month: np.ndarray

    @classmethod
    def of(cls, s: FlowState, cc: str) -> Seats:
        h = s.horizon
        seats = h.numbers(agreements.assumption(cc, "seats_per_week"))
        limit = h.numbers(agreements.assumption(cc, "daily_limit"), np.inf)
        _flies, n_flights = flight_days(s, cc)
        carry = np.where(
            np.isfinite(limit), n_flights * np.where(np.isfinite(limit), limit, 0), np.inf
        )
        per_week = np.minimum(seats, carry)  # what the week's flights can carry
        whole = np.diff(cumulative_capacity(per_week / 7.0), prepend=0)
        cap = h.numbers(agreements.assumption(cc, "annual_cap"), np.inf)
        # optional, unlike the others: an agreement folder written before it existed has none
        month_cap = h.numbers(agreements.assumption(cc, "monthly_cap"), np.inf, optional=True)
        return cls(whole, np.zeros(h.n_days), cap, h.year(), month_cap, h.month())


class Outcome:
    """Per person: admitted to an ACA queue, transfer day, day they left the queue. Per
    receiving country and day: the people whose whole family the rules assign to an ACA
    transfer and who are amenable to that country's agreement (its demand, before any
    capacity), and the transfer seats its flights offer (its capacity)."""

    def __init__(self, n: int) -> None:
        self.admitted = np.zeros(n, dtype=bool)
        self.transfer = np.full(n, -1, dtype=np.int64)
        self.left = np.full(n, -1, dtype=np.int64)
        self.demand: dict[str, np.ndarray] = {}
        self.capacity: dict[str, np.ndarray] = {}


def run(s: FlowState) -> Outcome:
    out = Outcome(s.n)
    ranked = s.tree.receiving_countries()
    if not ranked:
        return out
    countries = codes.countries()
    country_code = {cc: countries.index(cc) for cc in ranked}
    screened = s.pop.draws["aca_fear"] < s.rate("assumptions.aca.threshold_fear_rate")
    weight = (~screened).astype(np.int64)
    offer = _Offer(s, ranked, country_code)
    seats: dict[str, Seats] = {}
    candidates = s.rows("ACA_TRANSFER")  # nobody becomes one in this stage
    _demand_and_capacity(s, ranked, candidates, offer, out)
    for _round in ranked:
        moved = False
        for c, cc in enumerate(ranked):
            rows = candidates[
                (s.pathway[candidates] == P["ACA_TRANSFER"])
                & (s.receiving[candidates] == country_code[cc])
                & ~out.admitted[candidates]
                & ~offer.tried[c, candidates]
            ]
            if not rows.shape[0]:
                continue
            moved = True
            offer.tried[c, rows] = True
            if cc not in seats:
                seats[cc] = Seats.of(s, cc)
            ok = _admit(s, rows, weight[rows], seats[cc])
            out.admitted[rows[ok]] = True
            offer.elsewhere(rows[~ok])
        if not moved:
            break
    s.pathway[out.admitted & screened] = P["CREDIBLE_FEAR"]
    waiting = out.admitted & ~screened
    for cc in ranked:
        rows = np.flatnonzero(waiting & (s.receiving == country_code[cc]))
        if rows.shape[0]:
            _transfer(s, cc, rows, out)
    out.admitted &= ~screened  # the screened-out left on arrival; the rest waited
    s.receiving[s.pathway != P["ACA_TRANSFER"]] = -1
    return out


def _demand_and_capacity(
    s: FlowState, ranked: tuple[str, ...], candidates: np.ndarray, offer: _Offer, out: Outcome
) -> None:
    """Each country's daily demand and capacity (zeros where nobody is amenable to it)."""
    n_days = s.horizon.n_days
    for c, cc in enumerate(ranked):
        if not (s.det.status[f"ACA_{cc}"] == tri.T).any():
            out.demand[cc] = out.capacity[cc] = np.zeros(n_days)
            continue
        mine = candidates[offer.amenable()[c, candidates]]
        out.demand[cc] = np.bincount(s.dayidx[mine], minlength=n_days).astype(np.float64)
        out.capacity[cc] = flight_capacity(s, cc)


def _admit(s: FlowState, rows: np.ndarray, weight: np.ndarray, seats: Seats) -> np.ndarray:
    """Admit whole families within each day's seats and each year's cap, and charge both.
    `rows` are in day and family order."""
    day = s.dayidx[rows]
    starts = unit_starts(s.pop.enc.group[rows])
    ok = daily_intake(day, weight, seats.whole_left, starts)
    if np.isfinite(seats.cap).any() or np.isfinite(seats.month_cap).any():
        ok &= _within_cap(day, unit_prefix(day, weight, starts), ok, seats)
    taken = np.bincount(day[ok], weights=weight[ok], minlength=s.horizon.n_days)
    seats.whole_left -= taken.astype(np.int64)
    seats.taken += taken
    return ok


def _within_cap(day: np.ndarray, within: np.ndarray, ok: np.ndarray, seats: Seats) -> np.ndarray:
    """Which of the families the seats admit also fit in the year's and the month's caps in
    force on their day, given what was taken before: a recurrence over the horizon's days (a
    family that does not fit closes the day, and the room it leaves goes to the next day)."""
    fits = np.zeros(day.shape[0], dtype=bool)
    bounds = np.searchsorted(day, np.arange(seats.cap.shape[0] + 1), side="left")
    used = used_month = 0.0
    for d in range(seats.cap.shape[0]):
        if d == 0 or seats.year[d] != seats.year[d - 1]:
            used = 0.0
        if d == 0 or seats.month[d] != seats.month[d - 1]:
            used_month = 0.0
        used += seats.taken[d]
        used_month += seats.taken[d]
        lo, hi = bounds[d], bounds[d + 1]
        if hi == lo:
            continue
        left = min(seats.cap[d] - used, seats.month_cap[d] - used_month)
        room = np.floor(max(0.0, left) + 1e-9)
        mine = ok[lo:hi] & (within[lo:hi] <= room)
        fits[lo:hi] = mine
        if mine.any():
            took = float(within[lo:hi][mine].max())
            used += took
            used_month += took
    return fits


class _Offer:
    """Where a family a full country turned away goes: the next country it is amenable to
    and has not tried (lowest `assignment_rank` on its day), else its next pathway."""

    def __init__(self, s: FlowState, ranked: tuple[str, ...], country_code: dict[str, int]):
        self.s, self.ranked = s, ranked
        self.codes = np.array([country_code[cc] for cc in ranked], dtype=np.int16)
        self.tried = np.zeros((len(ranked), s.n), dtype=bool)
        self._amenable: np.ndarray | None = None
        self._rank: np.ndarray | None = None

    def amenable(self) -> np.ndarray:
        """[country, person]: the whole family is amenable to the country's agreement."""
        if self._amenable is None:
            s = self.s
            self._amenable = np.zeros((len(self.ranked), s.n), dtype=bool)
            for c, cc in enumerate(self.ranked):
                status = s.det.status[f"ACA_{cc}"]
                if (status == tri.T).any():  # else nobody's family is
                    self._amenable[c] = s.pop.groups.all(status) == tri.T
        return self._amenable

    def rank(self) -> np.ndarray:
        """[country, day]: each agreement's assignment rank (1e9 where it has none)."""
        if self._rank is None:
            h = self.s.horizon
            self._rank = np.stack(
                [h.numbers(agreements.law(cc, "assignment_rank"), 1e9) for cc in self.ranked]
            )
        return self._rank

    def elsewhere(self, rows: np.ndarray) -> None:
        s = self.s
        if not rows.shape[0]:
            return
        open_ = self.amenable()[:, rows] & ~self.tried[:, rows]
        r = np.where(open_, self.rank()[:, s.dayidx[rows]], np.inf)
        best = np.argmin(r, axis=0)
        has = np.isfinite(r[best, np.arange(rows.shape[0])])
        s.receiving[rows[has]] = self.codes[best[has]]
        s.unavailable(rows[~has], "ACA_TRANSFER")


def flight_days(s: FlowState, cc: str) -> tuple[np.ndarray, np.ndarray]:
    """Whether a removal flight to the country leaves on each day, and how many leave in a
    week under the schedule in force that day."""
    h = s.horizon
    index, values = h.versions(agreements.assumption(cc, "flight_weekdays"))
    schedules = [{int(x) for x in (v or [])} for v in values]
    weekdays = np.array([[w in days for w in range(7)] for days in schedules], dtype=bool)
    flies = weekdays[index, h.weekday()]
    n_flights = np.array([len(days) for days in schedules], dtype=np.float64)[index]
    return flies, n_flights


def flight_capacity(s: FlowState, cc: str) -> np.ndarray:
    """Seats for transferees on each day: the week's seats split among the weekdays of the
    country's removal flights, at most its daily limit, while transfers operate."""
    h = s.horizon
    flies, n_flights = flight_days(s, cc)
    seats = h.numbers(agreements.assumption(cc, "seats_per_week"))
    per_flight = np.divide(seats, n_flights, out=np.zeros(h.n_days), where=n_flights > 0)
    limit = h.numbers(agreements.assumption(cc, "daily_limit"), np.inf)
    operating = s.tree.agreement(cc, "transfers_operating").flag(h.axis)
    return np.where(flies & operating, np.minimum(per_flight, limit), 0.0)


def _transfer(s: FlowState, cc: str, rows: np.ndarray, out: Outcome) -> None:
    h = s.horizon
    lag = h.numbers("assumptions.aca.processing_days")[s.dayidx[rows]].astype(np.int64)
    ready = s.dayidx[rows] + lag
    day = fifo(ready, flight_capacity(s, cc))
    out.transfer[rows] = day
    operating = s.tree.agreement(cc, "transfers_operating").flag(h.axis)
    if operating[-1]:
        return  # whoever has not flown is still waiting at the end of the horizon
    running = np.flatnonzero(operating)
    stopped = int(running[-1]) + 1 if running.shape[0] else 0
    leave = np.maximum(ready, stopped)
    gone = (day < 0) & (leave < h.n_days)
    out.left[rows[gone]] = leave[gone]
    moved = rows[gone]
    s.unavailable(moved, "ACA_TRANSFER")
    s.unavailable(moved[s.pathway[moved] == P["MPP_RETURN"]], "MPP_RETURN")
