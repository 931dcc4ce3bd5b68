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
from asylum_pathways.sim.model.fate import Fate
from asylum_pathways.sim.model.population import Population
from asylum_pathways.sim.model.stages.mpp_court import OUTCOMES, TERMINATED
from asylum_pathways.sim.model.windows import StudyError, Window

P = PATHWAY_CODE
#: Daily series by name.
Series = dict[str, np.ndarray]


def count(days: np.ndarray, n_days: int, weights: np.ndarray | None = None) -> np.ndarray:
    """How many of `days` fall on each day of the horizon (days outside it are dropped)."""
    inside = (days >= 0) & (days < n_days)
    w = None if weights is None else weights[inside]
    return np.bincount(days[inside], weights=w, minlength=n_days).astype(np.float64)


def count_by(days: np.ndarray, code: np.ndarray, n_codes: int, n_days: int) -> np.ndarray:
    """[code, day]: `count` of the days of each code 0..n_codes-1 in one pass (days outside
    the horizon and codes outside 0..n_codes-1 are dropped)."""
    code = code.astype(np.int64)
    if days.shape[0] and (
        days.min() < 0 or days.max() >= n_days or code.min() < 0 or code.max() >= n_codes
    ):
        inside = (days >= 0) & (days < n_days) & (code >= 0) & (code < n_codes)
        days, code = days[inside], code[inside]
    flat = np.bincount(code * n_days + days, minlength=n_codes * n_days)
    return flat.reshape(n_codes, n_days).astype(np.float64)


def cumulative(days: np.ndarray, n_days: int) -> np.ndarray:
    return np.cumsum(count(days, n_days))


def daily(tree: ParameterTree, pop: Population, fate: Fate) -> dict[str, np.ndarray]:
    """Every daily metric. Counts over the few people of a stage are taken on their row
    indices (`fate.case_rows`, the ACA admitted), not on masks over everyone."""
    n_days = pop.n_days
    dayidx = pop.day_index()
    out: dict[str, np.ndarray] = {"encounters": count(dayidx, n_days)}
    by_pathway = count_by(dayidx, fate.pathway, len(codes.PATHWAYS), n_days)
    for name in codes.PATHWAYS:
        out[f"pathway_{name}"] = by_pathway[P[name]].copy()
    # per-day exits out of the system, cumulated: counted once, by the stage they belong to
    exits = _aca(tree, fate, dayidx, n_days, out) | _mpp(tree, fate, dayidx, n_days, out)
    ofo = np.flatnonzero(pop.ofo)
    out["title42_expulsions_ofo"] = count(
        dayidx[ofo[fate.pathway[ofo] == P["TITLE42_EXPULSION"]]], n_days
    )
    out["encounters_ofo"] = count(dayidx[ofo], n_days)
    out["nta_release_ofo"] = count(dayidx[ofo[fate.pathway[ofo] == P["NTA_RELEASE"]]], n_days)
    _conservation(fate, dayidx, n_days, out, exits)
    return out


def _aca(tree: ParameterTree, fate: Fate, dayidx: np.ndarray, n_days: int, out: Series) -> Series:
    countries = codes.countries()
    ranked = tree.receiving_countries()
    aca = np.flatnonzero(fate.pathway == P["ACA_TRANSFER"])
    order = np.full(len(countries) + 1, -1, dtype=np.int64)  # country code -> place in ranked
    for c, cc in enumerate(ranked):
        order[countries.index(cc)] = c
    transfers = count_by(fate.transfer[aca], order[fate.receiving[aca]], len(ranked), n_days)
    for c, cc in enumerate(ranked):
        out[f"aca_transfers_{cc}"] = transfers[c].copy()
        out[f"aca_transfers_{cc}_cumulative"] = np.cumsum(transfers[c])
        zero = np.zeros(n_days)
        out[f"aca_amenable_{cc}"] = fate.aca_demand.get(cc, zero)
        out[f"aca_capacity_{cc}"] = fate.aca_capacity.get(cc, zero)
    admitted = np.flatnonzero(fate.aca_admitted)
    flown = admitted[fate.pathway[admitted] == P["ACA_TRANSFER"]]
    transferred = cumulative(fate.transfer[flown], n_days)
    moved_on = cumulative(fate.aca_left[admitted], n_days)
    out["aca_waiting"] = cumulative(dayidx[admitted], n_days) - transferred - moved_on
    out["aca_moved_on_cumulative"] = moved_on
    return {"transferred": transferred, "moved_on": moved_on}


def _mpp(tree: ParameterTree, fate: Fate, dayidx: np.ndarray, n_days: int, out: Series) -> Series:
    case = fate.case_rows  # the people with an MPP court case; of them, those returned:
    returned = case[~fate.mpp_inland[case]]
    out["mpp_enrolled"] = count(dayidx[returned], n_days)
    out["mpp_enrolled_cumulative"] = np.cumsum(out["mpp_enrolled"])
    out["mpp_routed_cumulative"] = cumulative(dayidx[returned[fate.mpp_routed[returned]]], n_days)
    port = fate.mpp_port[returned]
    by_port = count_by(dayidx[returned], port, len(tree.ports), n_days)
    through = np.bincount(port[port >= 0], minlength=len(tree.ports)) > 0
    for k, name in enumerate(tree.ports):
        if through[k]:
            out[f"mpp_enrolled_{name}_cumulative"] = np.cumsum(by_port[k])
    out["mpp_cases_cumulative"] = cumulative(dayidx[case], n_days)
    out["mpp_inland_cumulative"] = cumulative(dayidx[case[fate.mpp_inland[case]]], n_days)
    first = fate.first_hearing[case]
    out["mpp_first_hearings"] = count(first, n_days)
    out["mpp_first_hearings_cumulative"] = np.cumsum(out["mpp_first_hearings"])
    out["mpp_awaiting_first_hearing"] = (
        out["mpp_cases_cumulative"] - out["mpp_first_hearings_cumulative"]
    )
    completion, outcome = fate.completion[case], fate.outcome[case]
    out["mpp_completed_cumulative"] = _ended(fate, case, n_days)
    out["mpp_pending"] = out["mpp_cases_cumulative"] - out["mpp_completed_cumulative"]
    by_outcome = count_by(completion, outcome, len(OUTCOMES), n_days)
    for code, name in enumerate(OUTCOMES):
        if name == "pending":
            continue
        out[f"mpp_{name}_cumulative"] = (
            _ended(fate, case, n_days, TERMINATED)
            if code == TERMINATED
            else np.cumsum(by_outcome[code])
        )
    # terminations appealed or reopened: pending again
    out["mpp_reopened_cumulative"] = cumulative(fate.reopened[case], n_days)
    _by_court(fate, dayidx, n_days, out)
    left = fate.left_mexico[case]  # only a case's respondent leaves Mexico
    gone = cumulative(left, n_days) - cumulative(completion[left >= 0], n_days)
    returned_ended = _ended(fate, returned, n_days)
    out["mpp_returned_pending"] = out["mpp_enrolled_cumulative"] - returned_ended
    out["mpp_waiting_in_mexico"] = out["mpp_returned_pending"] - gone
    _absence(fate, n_days, out)
    return {"returned_ended": returned_ended}


def _by_court(fate: Fate, dayidx: np.ndarray, n_days: int, out: Series) -> None:
    """Each court's cases and terminations (TRAC's counts by court), for the courts that
    have cases: `mpp_cases_<court>_cumulative`, `mpp_terminated_<court>_cumulative`."""
    case = fate.case_rows
    for c, name in enumerate(fate.mpp_court_names):
        mine = case[fate.mpp_court == c]
        if not mine.shape[0]:
            continue
        slug = court_slug(name)
        out[f"mpp_cases_{slug}_cumulative"] = cumulative(dayidx[mine], n_days)
        out[f"mpp_terminated_{slug}_cumulative"] = _ended(fate, mine, n_days, TERMINATED)


def _ended(fate: Fate, rows: np.ndarray, n_days: int, outcome: int | None = None) -> np.ndarray:
    """How many of the cases `rows` have ended as of each day (only those ending in
    `outcome`, if given): a case ends at its completion or at a termination later reopened,
    and the reopening brings it back to pending."""
    completion = fate.completion[rows]
    if outcome is not None:
        completion = np.where(fate.outcome[rows] == outcome, completion, -1)
    return (
        cumulative(completion, n_days)
        + cumulative(fate.reopened_termination[rows], n_days)
        - cumulative(fate.reopened[rows], n_days)
    )


def court_slug(name: str) -> str:
    """A court's name as it appears in metric names: lower case, words joined by '_'."""
    return "_".join(name.lower().split())


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


def _conservation(fate: Fate, dayidx: np.ndarray, n_days: int, out: Series, exits: Series) -> None:
    """People in the system: waiting for an ACA flight, or returned to Mexico with a case
    pending. Everyone else has left it: on the day of their encounter, of their transfer, of
    their move to another pathway when transfers stopped, or of the end of their case (a
    reopened case comes back). Those who left on their encounter day are counted apart from
    the people the stages held (the stages' own exits are theirs, counted once), so that
    encounters = exits + in_system is a check, not a definition."""
    out["in_system"] = out["aca_waiting"] + out["mpp_returned_pending"]
    held = np.flatnonzero(fate.aca_admitted | fate.enrolled)
    at_once = out["encounters"] - count(dayidx[held], n_days)  # whole counts: exact
    out["exits_cumulative"] = (
        np.cumsum(at_once) + exits["transferred"] + exits["moved_on"] + exits["returned_ended"]
    )


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
    aca = np.flatnonzero(fate.transfer >= 0)
    aca = aca[fate.pathway[aca] == P["ACA_TRANSFER"]]
    h["days_to_transfer_median"] = _median(fate.transfer[aca] - dayidx[aca])
    case = fate.case_rows
    first, arrived = fate.first_hearing[case], dayidx[case]
    h["days_to_first_hearing_median"] = _median((first - arrived)[first >= 0])
    h["mpp_not_heard_by_end_share"] = _share(first < 0, np.ones(case.shape[0], dtype=bool))
    completion = fate.completion[case]
    h["days_to_completion_median"] = _median((completion - arrived)[completion >= 0])
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
    if window.metric not in PERSON_METRICS:
        raise StudyError(
            f"window {window.name}: a circuit applies only to {', '.join(PERSON_METRICS)}",
            [Problem(("windows", window.name, "metric"), "not a per-person metric", window.metric)],
        )
    rows = np.flatnonzero(getattr(fate, PERSON_METRICS[window.metric]))
    inside = np.isin(pop.enc.sector[rows], [codes.SECTORS.index(x) for x in sectors])
    inside |= np.isin(fate.mpp_port[rows], ports)
    dayidx = pop.day_index()[rows]
    return float((inside & (dayidx >= first) & (dayidx <= last)).sum())


def _median(x: np.ndarray) -> float:
    return float(np.median(x)) if x.shape[0] else float("nan")


def _share(part: np.ndarray, whole: np.ndarray) -> float:
    n = int(whole.sum())
    return float(part.sum()) / n if n else float("nan")
