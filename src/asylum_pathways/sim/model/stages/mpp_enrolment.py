"""MPP enrolment: return ports with a daily capacity, and routing between them.

Each person the rules assign MPP is returned through the port of their encounter, or, for a
Border Patrol apprehension, the return port of their sector on that day
(`assumptions.mpp.return_port_of_sector`). A port returns at most its capacity a day
(`assumptions.mpp.enrolment_capacity`, whole families, first come first served). People a
full port turns away are offered, in order, to the ports listed for it in
`assumptions.mpp.overflow_ports` on that day, with whatever capacity those ports have left
after their own arrivals; the rest take their next pathway (Title 8).

Enrolled people who establish a fear of Mexico at the non-refoulement interview
(`assumptions.mpp.mexico_fear_rate`) are not returned: they are processed inland with a
notice to appear, and stay MPP court cases (TRAC keeps counting them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from asylum_pathways import codes
from asylum_pathways.sim.model.queues import cumulative_capacity, daily_intake
from asylum_pathways.sim.model.stages.state import FlowState, P, unit_starts

CAPACITY = "assumptions.mpp.enrolment_capacity"
OVERFLOW = "assumptions.mpp.overflow_ports"
RETURN_PORT = "assumptions.mpp.return_port_of_sector"


@dataclass
class Enrolment:
    case: np.ndarray  # bool: an MPP court case (returned, or processed inland after screening)
    inland: np.ndarray  # bool: passed the fear-of-Mexico screening, processed inland
    port: np.ndarray  # return port (index into tree.ports), -1
    routed: np.ndarray  # bool: returned through another port than their own

    @property
    def returned(self) -> np.ndarray:
        return self.case & ~self.inland


def home_port(s: FlowState, rows: np.ndarray) -> np.ndarray:
    """The return port of each of `rows`: their port of entry, or their sector's on their day."""
    enc = s.pop.enc
    ports = s.tree.ports
    table = s.horizon.per_day(
        RETURN_PORT,
        lambda m: [ports.index(m[x]) if m and x in m else -1 for x in codes.SECTORS],
        np.int16,
    )
    entry = enc.port[rows]
    return np.where(entry >= 0, entry, table[s.dayidx[rows], enc.sector[rows]]).astype(np.int16)


def run(s: FlowState) -> Enrolment:
    ports = s.tree.ports
    n_days = s.horizon.n_days
    pending = s.rows("MPP_RETURN")
    home = home_port(s, pending)
    port = np.full(s.n, -1, dtype=np.int16)
    port[pending] = home
    left = np.stack(
        [np.diff(cumulative_capacity(s.horizon.key(CAPACITY, p)), prepend=0) for p in ports]
    )
    case = np.zeros(s.n, dtype=bool)
    routed = np.zeros(s.n, dtype=bool)
    # each port's people in row order (a stable sort by port; no port: -1, first)
    order = np.argsort(home, kind="stable")
    by_port, sorted_home = pending[order], home[order]
    bounds = np.searchsorted(sorted_home, np.arange(len(ports) + 1), side="left")
    turned: list[np.ndarray] = []
    for k in range(len(ports)):
        rows = by_port[bounds[k] : bounds[k + 1]]
        ok = _admit(s, rows, left[k])
        case[rows[ok]] = True
        turned.append(rows[~ok])
    version, routes = s.horizon.versions(OVERFLOW)
    refused: list[np.ndarray] = []
    for k, p in enumerate(ports):
        rows = turned[k]
        listed = [_listed(m, p) for m in routes]
        for alt in _alternates(routes, p, ports):
            if not rows.shape[0]:
                break
            # only on the days the route exists
            open_days = np.array([alt in lst for lst in listed], dtype=bool)[version]
            cand = rows[open_days[s.dayidx[rows]]]
            ok = _admit(s, cand, left[ports.index(alt)])
            case[cand[ok]] = True
            routed[cand[ok]] = True
            port[cand[ok]] = ports.index(alt)
            rows = np.setdiff1d(rows, cand[ok], assume_unique=True)
        refused.append(rows)
    if refused:
        s.unavailable(np.sort(np.concatenate(refused)), "MPP_RETURN")
    assert n_days == left.shape[1]
    cases = np.flatnonzero(case)
    rate = s.horizon.numbers("assumptions.mpp.mexico_fear_rate")[s.dayidx[cases]]
    inland = np.zeros(s.n, dtype=bool)
    inland[cases] = s.pop.draws["mexico_fear"][cases] < rate
    s.pathway[inland] = P["NTA_RELEASE"]
    out_port = np.full(s.n, -1, dtype=np.int16)
    out_port[cases] = port[cases]
    return Enrolment(case, inland, out_port, routed)


def _admit(s: FlowState, rows: np.ndarray, whole_left: np.ndarray) -> np.ndarray:
    """Whole families within each day's places left; charges the places."""
    if not rows.shape[0]:
        return np.zeros(0, dtype=bool)
    day = s.dayidx[rows]
    ok = daily_intake(day, np.ones(rows.shape[0]), whole_left, unit_starts(s.pop.enc.group[rows]))
    whole_left -= np.bincount(day[ok], minlength=whole_left.shape[0])
    return ok


def _listed(routes_on_day: dict | None, port: str) -> list[str]:
    return list((routes_on_day or {}).get(port) or [])


def _alternates(routes: list, port: str, ports: tuple[str, ...]) -> list[str]:
    """Every port that takes `port`'s overflow on some day, in their listed order (`routes`:
    the values in force over the horizon, in date order)."""
    seen: list[str] = []
    for m in routes:
        for alt in _listed(m, port):
            if alt in ports and alt not in seen:
                seen.append(alt)
    return seen
