"""MPP immigration-court cases: a first-hearing queue, several hearings, absences, outcomes.

Every MPP court case (people returned to Mexico, and people processed inland after a
fear-of-Mexico screening, whom TRAC keeps counting) is heard at the court of its port
(`assumptions.mpp.court_of_port` on the enrolment day):

1. **First master-calendar hearing**: not before `first_hearing_notice_days` after
   enrolment, then first in, first out within the court's daily first-hearing capacity
   (`assumptions.mpp.hearing_capacity`, key `<court>:first`), so the wait is an output.
2. **Later master-calendar hearings** (`master_hearings` in all), `continuance_days` apart,
   then a **merits hearing** in the court's merits queue (key `<court>:final`).
3. **Absence** is possible at every hearing (`absence_first`, then `absence_later` for
   people who came before). A respondent absent once has stopped waiting in Mexico and
   misses every later hearing. An absentee is ordered removed in absentia; before the BIA
   held that immigration judges should do so (`law.mpp.absentees_ordered_removed`,
   *Matter of J.J. Rodriguez*), a share of absentees' cases were terminated instead
   (`absentee_termination_share`).
4. **Present** respondents may have their case terminated at a master-calendar hearing
   (`termination_present`); at the merits hearing relief is granted (`final_grant_rate`),
   the case is terminated (`final_termination_rate`) or removal is ordered.
5. **Courts terminate at their own rates**: every termination rate of a case is multiplied
   by its court's factor (`assumptions.mpp.termination_by_court`, read on the hearing day),
   and capped at certainty.
6. **Terminations are not always final**: a share (`reopen_share`) is appealed by DHS or
   reopened `reopen_days` later and returns to pending; its new hearing is scheduled like a
   first one; an absentee stays absent.
No hearing is held on a day the law postpones MPP hearings (`law.mpp.hearings_postponed`):
a hearing falls to the next day they are held, if any within the horizon. Rates are read on
the day of the hearing, timing on the day it is set.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from asylum_pathways.errors import ParameterError, Problem
from asylum_pathways.sim.model.population import HEARING_DRAWS
from asylum_pathways.sim.model.queues import fifo
from asylum_pathways.sim.model.stages.mpp_enrolment import Enrolment
from asylum_pathways.sim.model.stages.state import FlowState

OUTCOMES = ("pending", "in_absentia", "terminated", "granted", "removal_ordered")
PENDING, IN_ABSENTIA, TERMINATED, GRANTED, REMOVAL_ORDERED = range(len(OUTCOMES))
PROCESS = "assumptions.mpp.hearing_process"
CAPACITY = "assumptions.mpp.hearing_capacity"
NOTICE = "assumptions.mpp.first_hearing_notice_days"
COURT_OF_PORT = "assumptions.mpp.court_of_port"
BY_COURT = "assumptions.mpp.termination_by_court"
#: The key of `termination_by_court` for every court it does not name.
OTHER_COURTS = "other"
RULING = "law.mpp.absentees_ordered_removed"
POSTPONED = "law.mpp.hearings_postponed"
#: Keys of `assumptions.mpp.hearing_process`.
PROCESS_KEYS = (
    "master_hearings",
    "continuance_days",
    "absence_first",
    "absence_later",
    "absentee_termination_share",
    "termination_present",
    "reopen_share",
    "reopen_days",
    "final_grant_rate",
    "final_termination_rate",
)
#: The most master-calendar hearings a case may have (one chance draw each, plus the merits
#: hearing and a reopened case's hearing).
MAX_MASTER_HEARINGS = len(HEARING_DRAWS) - 2


@dataclass
class Court:
    """Per person: the first hearing, how and when the case ended (as of the end of the
    horizon), and the termination a reopening undid; per case (`rows`, the people with an MPP
    court case, in order): each hearing held (day, absent?). Days are int32 day indexes."""

    rows: np.ndarray  # people with a case (indexes into the population)
    hearing_day: np.ndarray  # [hearing, case] day index, -1 = not held
    hearing_absent: np.ndarray  # [hearing, case] bool
    first_hearing: np.ndarray
    completion: np.ndarray
    outcome: np.ndarray  # OUTCOMES index for cases, -1 otherwise
    reopened_termination: np.ndarray  # day of a termination later reopened, -1
    reopened: np.ndarray  # day the case returned to pending, -1
    left_mexico: np.ndarray  # day an absentee stopped waiting in Mexico, -1
    court: np.ndarray  # [case] index into `court_names`, -1 = none
    court_names: tuple[str, ...]


def run(s: FlowState) -> Court:
    """The court cases of the people MPP enrolled (`mpp_enrolment`'s record)."""
    enrolment = s.record(Enrolment)
    n, h = s.n, s.horizon
    n_hearings = MAX_MASTER_HEARINGS + 2
    rows = np.flatnonzero(enrolment.case)
    court = Court(
        rows,
        np.full((n_hearings, rows.shape[0]), -1, dtype=np.int32),
        np.zeros((n_hearings, rows.shape[0]), dtype=bool),
        np.full(n, -1, dtype=np.int32),
        np.full(n, -1, dtype=np.int32),
        np.where(enrolment.case, PENDING, -1).astype(np.int8),
        np.full(n, -1, dtype=np.int32),
        np.full(n, -1, dtype=np.int32),
        np.full(n, -1, dtype=np.int32),
        np.full(rows.shape[0], -1, dtype=np.int16),
        tuple(_courts(s)),
    )
    if not rows.shape[0]:
        return court
    d = _Docket.of(s, rows, enrolment)
    court.court = d.name
    first = np.full(rows.shape[0], -1, dtype=np.int64)
    for c in np.unique(d.name[d.name >= 0]):
        mine = np.flatnonzero(d.name == c)
        capacity = h.key(CAPACITY, f"{_courts(s)[c]}:first") * d.held
        first[mine] = fifo(d.enrolled[mine] + d.notice[mine], capacity)
    court.first_hearing[rows] = first
    _hearings(s, court, d, enrolment, first)
    _reopened_hearings(court, d)
    return court


@dataclass
class _Docket:
    """What every hearing of the cases `rows` reads: the court of each, the days hearings are
    held, the process rates by day, each court's termination factor by day, the BIA ruling by
    day, each case's notice and draws."""

    rows: np.ndarray
    name: np.ndarray  # index into `_courts`, -1: none
    held: np.ndarray  # [day] bool
    next_held: np.ndarray  # [day] the next day hearings are held
    process: dict[str, np.ndarray]
    factor: np.ndarray  # [day, court]
    ruling: np.ndarray
    enrolled: np.ndarray
    notice: np.ndarray
    draws: list[np.ndarray]

    @classmethod
    def of(cls, s: FlowState, rows: np.ndarray, enrolment: Enrolment) -> _Docket:
        h = s.horizon
        held = ~h.flag(POSTPONED)
        enrolled = s.dayidx[rows]
        return cls(
            rows,
            _court_names(s, rows, enrolment.port[rows]),
            held,
            h.next_open_day(held),
            {k: _process(s, k) for k in PROCESS_KEYS},
            _termination_factors(s),
            h.flag(RULING),
            enrolled,
            h.numbers(NOTICE)[np.clip(enrolled, 0, h.n_days - 1)].astype(np.int64),
            [s.pop.draws[k][rows] for k in HEARING_DRAWS],
        )

    def scaled(
        self, rate: np.ndarray, d: np.ndarray, cases: np.ndarray | None = None
    ) -> np.ndarray:
        """A termination `rate` [day] on each case's hearing day `d` (of every case, or of the
        cases at the indexes `cases`), times its court's factor that day, capped at 1."""
        name = self.name if cases is None else self.name[cases]
        return np.minimum(rate[d] * self.factor[d, np.maximum(name, 0)], 1.0)


def _hearings(
    s: FlowState, court: Court, dk: _Docket, enrolment: Enrolment, first: np.ndarray
) -> None:
    """The master-calendar hearings and the merits hearing, one round a loop: at each, the
    absent are ordered removed (or terminated), the present terminated, decided (merits) or
    continued to the next."""
    h, rows, process = s.horizon, dk.rows, dk.process
    masters = np.clip(process["master_hearings"], 1, MAX_MASTER_HEARINGS)
    day = first.copy()  # the next hearing's day (-1: none within the horizon)
    open_ = np.ones(rows.shape[0], dtype=bool)  # still pending
    previous = dk.enrolled.copy()
    for k in range(MAX_MASTER_HEARINGS + 1):
        on = open_ & (day >= 0)
        d = np.clip(day, 0, h.n_days - 1)
        is_merits = on & (k >= masters[d].astype(np.int64))
        absent_p = process["absence_first"][d] if k == 0 else process["absence_later"][d]
        u = dk.draws[k]
        absent = on & (u < absent_p)
        present = on & ~absent
        court.hearing_day[k, on] = day[on]
        court.hearing_absent[k, absent] = True
        v = np.divide(u, absent_p, out=np.zeros_like(u), where=absent_p > 0)
        w = np.divide(u - absent_p, 1 - absent_p, out=np.zeros_like(u), where=absent_p < 1)
        _absentees(court, dk, absent, day, d, v)
        leave = (previous + day) // 2
        court.left_mexico[rows[absent]] = np.where(
            enrolment.inland[rows[absent]], -1, leave[absent]
        )
        # present at a master-calendar hearing: terminated, or on to the next hearing
        master = present & ~is_merits
        tp = dk.scaled(process["termination_present"], d)
        term_p = master & (w < tp)
        _terminate(
            court, rows, term_p, day, np.divide(w, tp, out=np.ones_like(w), where=tp > 0), process
        )
        merits = present & is_merits
        _decide(court, dk, merits, day, d, w)
        open_ &= ~(absent | term_p | merits)
        goes_on = master & ~term_p
        nxt = _next_hearing(s, dk, goes_on, k + 1 >= masters[d].astype(np.int64), day, d)
        previous = np.where(on, day, previous)
        day = np.where(goes_on, nxt, -1)


def _absentees(
    court: Court, dk: _Docket, absent: np.ndarray, day: np.ndarray, d: np.ndarray, v: np.ndarray
) -> None:
    """Absentees are ordered removed, or (before the BIA ruling) a share terminated."""
    share = dk.scaled(dk.process["absentee_termination_share"], d) * ~dk.ruling[d]
    term_abs = absent & (v < share)
    _end(court, dk.rows, absent & ~term_abs, day, IN_ABSENTIA)
    _terminate(
        court,
        dk.rows,
        term_abs,
        day,
        np.divide(v, share, out=np.ones_like(v), where=share > 0),
        dk.process,
    )


def _decide(
    court: Court, dk: _Docket, merits: np.ndarray, day: np.ndarray, d: np.ndarray, w: np.ndarray
) -> None:
    """Present at the merits hearing: granted, terminated or ordered removed."""
    g = dk.process["final_grant_rate"][d]
    t2 = np.minimum(dk.scaled(dk.process["final_termination_rate"], d), 1 - g)
    _end(court, dk.rows, merits & (w < g), day, GRANTED)
    _terminate(
        court,
        dk.rows,
        merits & (w >= g) & (w < g + t2),
        day,
        np.divide(w - g, t2, out=np.ones_like(w), where=t2 > 0),
        dk.process,
    )
    _end(court, dk.rows, merits & (w >= g + t2), day, REMOVAL_ORDERED)


def _next_hearing(
    s: FlowState,
    dk: _Docket,
    goes_on: np.ndarray,
    merits_next: np.ndarray,
    day: np.ndarray,
    d: np.ndarray,
) -> np.ndarray:
    """The day of each continued case's next hearing: a master-calendar hearing
    `continuance_days` later, or a place in its court's merits queue."""
    cont = dk.process["continuance_days"][d].astype(np.int64)
    nxt = np.full(dk.rows.shape[0], -1, dtype=np.int64)
    to_merits = goes_on & merits_next
    later = goes_on & ~to_merits
    nxt[later] = _on_held_day(day[later] + cont[later], dk.next_held)
    for c in np.unique(dk.name[to_merits]):
        mine = np.flatnonzero(to_merits & (dk.name == c))
        capacity = s.horizon.key(CAPACITY, f"{_courts(s)[c]}:final") * dk.held
        nxt[mine] = fifo(day[mine] + cont[mine], capacity)
    return nxt


def _process(s: FlowState, key: str) -> np.ndarray:
    return s.horizon.key(PROCESS, key)


def _termination_factors(s: FlowState) -> np.ndarray:
    """[day, court] each court's factor on the termination rates (`_courts` order): its own
    key of `termination_by_court`, else the key for the other courts; 1 before the
    parameter's first date."""
    courts = _courts(s)

    def row(m: dict[str, float] | None) -> list[float]:
        if m is None:
            return [1.0] * len(courts)
        missing = [c for c in courts if c not in m and OTHER_COURTS not in m]
        if missing:
            raise ParameterError(
                f"{BY_COURT}: no factor for the court(s) {', '.join(missing)}; expected one"
                f" for every court of {COURT_OF_PORT}, or an {OTHER_COURTS!r} key",
                [Problem((BY_COURT,), "no factor for these courts and no 'other' key", missing)],
            )
        return [float(m.get(c, m.get(OTHER_COURTS, 1.0))) for c in courts]

    return s.horizon.per_day(BY_COURT, row).reshape(s.horizon.n_days, len(courts))


def _courts(s: FlowState) -> list[str]:
    names: set[str] = set()
    for m in s.horizon.versions(COURT_OF_PORT)[1]:
        names |= set((m or {}).values())
    return sorted(names)


def _court_names(s: FlowState, rows: np.ndarray, port: np.ndarray) -> np.ndarray:
    """Index into `_courts` of each case's court (by the court of its port on its
    enrolment day), -1 where the port has none."""
    courts = _courts(s)
    ports = s.tree.ports
    table = s.horizon.per_day(
        COURT_OF_PORT,
        lambda m: [courts.index(m[p]) if m and p in m else -1 for p in ports] + [-1],
        np.int16,
    )
    return table[np.clip(s.dayidx[rows], 0, s.horizon.n_days - 1), port]


def _on_held_day(day: np.ndarray, next_held: np.ndarray) -> np.ndarray:
    """The first day hearings are held at or after `day`, -1 if none in the horizon."""
    inside = day < next_held.shape[0]
    out = np.full(day.shape[0], -1, dtype=np.int64)
    out[inside] = next_held[day[inside]]
    return out


def _end(court: Court, rows: np.ndarray, sel: np.ndarray, day: np.ndarray, outcome: int) -> None:
    court.outcome[rows[sel]] = outcome
    court.completion[rows[sel]] = day[sel]


def _terminate(
    court: Court,
    rows: np.ndarray,
    sel: np.ndarray,
    day: np.ndarray,
    u: np.ndarray,
    process: dict[str, np.ndarray],
) -> None:
    """Terminate `sel`; a share is appealed or reopened `reopen_days` later (a uniform `u`
    given the termination decides, so no new draw is needed)."""
    _end(court, rows, sel, day, TERMINATED)
    d = np.clip(day, 0, process["reopen_share"].shape[0] - 1)
    again = sel & (u < process["reopen_share"][d])
    when = day + process["reopen_days"][d].astype(np.int64)
    inside = again & (when < process["reopen_share"].shape[0])
    court.reopened_termination[rows[inside]] = day[inside]
    court.reopened[rows[inside]] = when[inside]


def _reopened_hearings(court: Court, dk: _Docket) -> None:
    """A reopened case is pending again and gets one more hearing, set like a first one. A
    respondent absent before stays absent; the others may be absent (`absence_later`), and
    if present the case is decided as at a merits hearing."""
    rows, notice, next_held, process = dk.rows, dk.notice, dk.next_held, dk.process
    u = dk.draws[-1]
    back = court.reopened[rows] >= 0
    if not back.any():
        return
    k = court.hearing_day.shape[0] - 1
    idx = np.flatnonzero(back)
    r = rows[idx]
    court.outcome[r] = PENDING
    court.completion[r] = -1
    day = _on_held_day(court.reopened[r] + notice[idx], next_held)
    on = day >= 0
    d = np.clip(day, 0, next_held.shape[0] - 1)
    was_absent = court.hearing_absent[:k, idx].any(axis=0)
    a = process["absence_later"][d]
    absent = on & (was_absent | (u[idx] < a))
    court.hearing_day[k, idx[on]] = day[on]
    court.hearing_absent[k, idx[absent]] = True
    share = dk.scaled(process["absentee_termination_share"], d, idx) * ~dk.ruling[d]
    w = np.divide(u[idx] - a, 1 - a, out=np.zeros(idx.shape[0]), where=a < 1)
    v = np.where(was_absent, u[idx], np.divide(u[idx], a, out=np.zeros(idx.shape[0]), where=a > 0))
    outcome = np.full(idx.shape[0], PENDING, dtype=np.int8)
    outcome[absent & (v >= share)] = IN_ABSENTIA
    outcome[absent & (v < share)] = TERMINATED
    g = process["final_grant_rate"][d]
    t2 = np.minimum(dk.scaled(process["final_termination_rate"], d, idx), 1 - g)
    present = on & ~absent
    outcome[present & (w < g)] = GRANTED
    outcome[present & (w >= g) & (w < g + t2)] = TERMINATED
    outcome[present & (w >= g + t2)] = REMOVAL_ORDERED
    done = outcome != PENDING
    court.outcome[r] = outcome
    court.completion[r[done]] = day[done]
