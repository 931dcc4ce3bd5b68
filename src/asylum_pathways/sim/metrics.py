"""Daily metrics and headline figures of one scenario and replication, from everyone's fate.

Each metric is defined like the published figure it is compared with (docs/simulation-
outputs.md): CBP counts returns to Mexico (`mpp_enrolled*`); TRAC counts immigration-court
cases, including people processed inland after a fear-of-Mexico screening (`mpp_cases*`,
`mpp_pending`, `mpp_completed*` and the outcome counts). TRAC's "removal orders" are
`mpp_in_absentia_cumulative + mpp_removal_ordered_cumulative`. Outcome counts are the status
of the cases on the day: a termination later reopened counts as terminated only until it
is reopened.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from asylum_pathways import codes
from asylum_pathways.errors import Problem
from asylum_pathways.params import ParameterTree
from asylum_pathways.rules.engine import PATHWAY_CODE
from asylum_pathways.sim.fate import Fate
from asylum_pathways.sim.population import Population
from asylum_pathways.sim.stages.mpp_court import OUTCOMES, TERMINATED
from asylum_pathways.sim.study import StudyError, Window

P = PATHWAY_CODE


def count(days: np.ndarray, n_days: int, weights: np.ndarray | None = None) -> np.ndarray:
    """How many of `days` fall on each day of the horizon (days outside it are dropped)."""
    inside = (days >= 0) & (days < n_days)
    w = None if weights is None else weights[inside]
    return np.bincount(days[inside], weights=w, minlength=n_days).astype(np.float64)


def cumulative(days: np.ndarray, n_days: int) -> np.ndarray:
    return np.cumsum(count(days, n_days))


def daily(tree: ParameterTree, pop: Population, fate: Fate) -> dict[str, np.ndarray]:
    n_days = pop.n_days
    dayidx = pop.day_index()
    out: dict[str, np.ndarray] = {"encounters": count(dayidx, n_days)}
    for name in codes.PATHWAYS:
        out[f"pathway_{name}"] = count(dayidx[fate.pathway == P[name]], n_days)
    _aca(tree, fate, dayidx, n_days, out)
    _mpp(tree, fate, dayidx, n_days, out)
    out["title42_expulsions_ofo"] = count(
        dayidx[(fate.pathway == P["TITLE42_EXPULSION"]) & pop.ofo], n_days
    )
    out["encounters_ofo"] = count(dayidx[pop.ofo], n_days)
    _conservation(fate, dayidx, n_days, out)
    return out


def _aca(
    tree: ParameterTree, fate: Fate, dayidx: np.ndarray, n_days: int, out: dict[str, np.ndarray]
) -> None:
    countries = codes.countries()
    aca = fate.pathway == P["ACA_TRANSFER"]
    for cc in tree.receiving_countries():
        t = count(fate.transfer[aca & (fate.receiving == countries.index(cc))], n_days)
        out[f"aca_transfers_{cc}"] = t
        out[f"aca_transfers_{cc}_cumulative"] = np.cumsum(t)
    admitted = fate.aca_admitted
    out["aca_waiting"] = (
        cumulative(dayidx[admitted], n_days)
        - cumulative(fate.transfer[admitted & aca], n_days)
        - cumulative(fate.aca_left[admitted], n_days)
    )
    out["aca_moved_on_cumulative"] = cumulative(fate.aca_left[admitted], n_days)


def _mpp(
    tree: ParameterTree, fate: Fate, dayidx: np.ndarray, n_days: int, out: dict[str, np.ndarray]
) -> None:
    returned, case = fate.enrolled, fate.mpp_case
    out["mpp_enrolled"] = count(dayidx[returned], n_days)
    out["mpp_enrolled_cumulative"] = np.cumsum(out["mpp_enrolled"])
    out["mpp_routed_cumulative"] = cumulative(dayidx[returned & fate.mpp_routed], n_days)
    for k, port in enumerate(tree.ports):
        mine = returned & (fate.mpp_port == k)
        if mine.any():
            out[f"mpp_enrolled_{port}_cumulative"] = cumulative(dayidx[mine], n_days)
    out["mpp_cases_cumulative"] = cumulative(dayidx[case], n_days)
    out["mpp_inland_cumulative"] = cumulative(dayidx[case & fate.mpp_inland], n_days)
    first = fate.first_hearing[case]
    out["mpp_first_hearings"] = count(first, n_days)
    out["mpp_first_hearings_cumulative"] = np.cumsum(out["mpp_first_hearings"])
    out["mpp_awaiting_first_hearing"] = (
        out["mpp_cases_cumulative"] - out["mpp_first_hearings_cumulative"]
    )
    undone = cumulative(fate.reopened[case], n_days)  # terminations reopened: pending again
    ended = cumulative(fate.completion[case], n_days) + cumulative(
        fate.reopened_termination[case], n_days
    )
    out["mpp_completed_cumulative"] = ended - undone
    out["mpp_pending"] = out["mpp_cases_cumulative"] - out["mpp_completed_cumulative"]
    for code, name in enumerate(OUTCOMES):
        if name == "pending":
            continue
        sel = case & (fate.outcome == code)
        series = cumulative(fate.completion[sel], n_days)
        if code == TERMINATED:
            series = series + cumulative(fate.reopened_termination[case], n_days) - undone
        out[f"mpp_{name}_cumulative"] = series
    out["mpp_reopened_cumulative"] = undone
    gone = cumulative(fate.left_mexico, n_days) - cumulative(
        fate.completion[fate.left_mexico >= 0], n_days
    )
    returned_pending = cumulative(dayidx[returned], n_days) - cumulative(
        fate.completion[returned], n_days
    )
    reopened_returned = cumulative(fate.reopened[returned], n_days) - cumulative(
        fate.reopened_termination[returned], n_days
    )
    out["mpp_returned_pending"] = returned_pending + reopened_returned
    out["mpp_waiting_in_mexico"] = out["mpp_returned_pending"] - gone
    _absence(fate, n_days, out)


def _absence(fate: Fate, n_days: int, out: dict[str, np.ndarray]) -> None:
    """TRAC's absence share: among respondents with at least one hearing held, the share
    absent at their most recent hearing (counted as state changes at each hearing)."""
    days, absent = fate.hearing_day, fate.hearing_absent
    heard = cumulative(days[0], n_days)
    change = np.zeros(n_days)
    before = np.zeros(days.shape[1], dtype=np.int8)
    for k in range(days.shape[0]):
        held = days[k] >= 0
        now = absent[k].astype(np.int8)
        delta = (now - before).astype(np.float64)
        change += count(days[k][held], n_days, delta[held])
        before = np.where(held, now, before)
    absent_last = np.cumsum(change)
    out["mpp_absent_at_last_hearing_cumulative"] = absent_last
    out["mpp_heard_cumulative"] = heard
    out["mpp_absent_at_last_hearing_share"] = np.divide(
        absent_last, heard, out=np.zeros(n_days), where=heard > 0
    )


def _conservation(fate: Fate, dayidx: np.ndarray, n_days: int, out: dict[str, np.ndarray]) -> None:
    """People in the system: waiting for an ACA flight, or returned to Mexico with a case
    pending. Everyone else has left it: on the day of their encounter, of their transfer, of
    their move to another pathway when transfers stopped, or of the end of their case (a
    reopened case comes back). The two are counted separately, so that encounters = exits +
    in_system is a check, not a definition."""
    out["in_system"] = out["aca_waiting"] + out["mpp_returned_pending"]
    admitted, returned = fate.aca_admitted, fate.enrolled
    aca = fate.pathway == P["ACA_TRANSFER"]
    at_once = count(dayidx[~admitted & ~returned], n_days)
    transfers = count(fate.transfer[admitted & aca], n_days)
    moved = count(fate.aca_left[admitted], n_days)
    ended = (
        count(fate.completion[returned], n_days)
        + count(fate.reopened_termination[returned], n_days)
        - count(fate.reopened[returned], n_days)
    )
    out["exits_cumulative"] = np.cumsum(at_once + transfers + moved + ended)


def headline(
    tree: ParameterTree,
    pop: Population,
    fate: Fate,
    d: dict[str, np.ndarray],
    windows: Sequence[Window] = (),
) -> dict[str, float]:
    dayidx = pop.day_index()
    h: dict[str, float] = {"encounters": float(d["encounters"].sum())}
    for name in codes.PATHWAYS:
        h[f"pathway_{name}"] = float(d[f"pathway_{name}"].sum())
    for cc in tree.receiving_countries():
        h[f"aca_transfers_{cc}"] = float(d[f"aca_transfers_{cc}_cumulative"][-1])
    h["mpp_enrolled"] = float(d["mpp_enrolled_cumulative"][-1])
    for window in windows:
        value = window_total(tree, pop, fate, d, window)
        if value is not None:
            h[window.name] = value
    h["mpp_cases"] = float(d["mpp_cases_cumulative"][-1])
    h["mpp_pending_end"] = float(d["mpp_pending"][-1])
    h["mpp_waiting_in_mexico_end"] = float(d["mpp_waiting_in_mexico"][-1])
    h["mpp_completed"] = float(d["mpp_completed_cumulative"][-1])
    h["mpp_in_absentia"] = float(d["mpp_in_absentia_cumulative"][-1])
    h["mpp_granted"] = float(d["mpp_granted_cumulative"][-1])
    h["title42_expulsions"] = h["pathway_TITLE42_EXPULSION"]
    aca = (fate.pathway == P["ACA_TRANSFER"]) & (fate.transfer >= 0)
    h["days_to_transfer_median"] = _median(fate.transfer[aca] - dayidx[aca])
    heard = fate.mpp_case & (fate.first_hearing >= 0)
    h["days_to_first_hearing_median"] = _median(fate.first_hearing[heard] - dayidx[heard])
    h["mpp_not_heard_by_end_share"] = _share(
        fate.mpp_case & (fate.first_hearing < 0), fate.mpp_case
    )
    done = fate.mpp_case & (fate.completion >= 0)
    h["days_to_completion_median"] = _median(fate.completion[done] - dayidx[done])
    return h


#: Daily metrics a window may restrict to a federal circuit: each person's part in them.
PERSON_METRICS = {"mpp_enrolled": "enrolled", "mpp_cases_cumulative": "mpp_case"}


def window_total(
    tree: ParameterTree, pop: Population, fate: Fate, d: dict[str, np.ndarray], window: Window
) -> float | None:
    """A study window's total: the daily metric summed over the window's days (None when the
    window starts outside the horizon); with a circuit, only people encountered, or returned
    through a port, in that circuit's sectors (sector -> state -> circuit, in the law tree on
    the window's first day)."""
    first = (window.first_day(tree) - pop.start).days
    last = min((window.end - pop.start).days, pop.n_days - 1)
    if not 0 <= first < pop.n_days:
        return None
    if window.circuit is None:
        return float(d[window.metric][first : last + 1].sum())
    on = window.first_day(tree)
    state_of = tree.get("law.geo.sector_state").at(on) or {}
    circuit_of = tree.get("law.geo.state_circuit").at(on) or {}
    sectors = [x for x in codes.SECTORS if circuit_of.get(state_of.get(x)) == window.circuit]
    port_sector = tree.get("law.geo.port_sector").at(on) or {}
    ports = [k for k, p in enumerate(tree.ports) if port_sector.get(p) in sectors]
    inside = np.isin(pop.enc.sector, [codes.SECTORS.index(x) for x in sectors])
    inside |= np.isin(fate.mpp_port, ports)
    if window.metric not in PERSON_METRICS:
        raise StudyError(
            f"window {window.name}: a circuit applies only to {', '.join(PERSON_METRICS)}",
            [Problem(("windows", window.name, "metric"), "not a per-person metric", window.metric)],
        )
    dayidx = pop.day_index()
    part = getattr(fate, PERSON_METRICS[window.metric])
    return float((part & inside & (dayidx >= first) & (dayidx <= last)).sum())


def _median(x: np.ndarray) -> float:
    return float(np.median(x)) if x.shape[0] else float("nan")


def _share(part: np.ndarray, whole: np.ndarray) -> float:
    n = int(whole.sum())
    return float(part.sum()) / n if n else float("nan")
