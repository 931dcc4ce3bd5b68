"""One scenario and one replication: the rules, then the capacity-limited stages.

1. the rules assign each person a pathway (`rules.engine`, vectorized);
2. Title 42 case-by-case exceptions (`stages.title42`);
3. ACA intake, threshold screening and transfer flights (`stages.aca`);
4. MPP enrolment through return ports, with routing between them (`stages.mpp_enrolment`);
5. MPP court cases: hearings, absences and outcomes (`stages.mpp_court`);
6. daily metrics and headline figures (`metrics`).
UAC referral, Title 42 expulsion, expedited removal, credible fear and release with a
notice to appear are exits on the day of the encounter. Every person ends in exactly one
exit or is still in the system (an ACA queue, or an MPP case while returned to Mexico).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from asylum_pathways.params import ParameterTree
from asylum_pathways.rules.engine import Determinations, determine
from asylum_pathways.sim.model import metrics
from asylum_pathways.sim.model.fate import Fate
from asylum_pathways.sim.model.population import Population
from asylum_pathways.sim.model.stages import aca, mpp_court, mpp_enrolment, title42
from asylum_pathways.sim.model.stages.mpp_court import OUTCOMES
from asylum_pathways.sim.model.stages.state import FlowState
from asylum_pathways.sim.model.windows import Window

__all__ = ["OUTCOMES", "Fate", "Result", "simulate"]


@dataclass
class Result:
    daily: dict[str, np.ndarray]
    headline: dict[str, float]
    fate: Fate | None = None
    extra: dict[str, np.ndarray] = field(default_factory=dict)


def simulate(
    tree: ParameterTree,
    pop: Population,
    keep_fate: bool = False,
    windows: Sequence[Window] = (),
    det: Determinations | None = None,
) -> Result:
    """Run every stage for one scenario and replication; `windows` are the study's named
    headline windows (sim.runs.study.Window); `det`, the rules' answers for `pop` under `tree`
    when already known (`determine_like`)."""
    det = determine(tree, pop.enc, groups=pop.groups) if det is None else det
    s = FlowState.start(tree, pop, det)
    assigned = det.pathway.copy()
    title42.run(s)
    transfers = aca.run(s)
    enrolment = mpp_enrolment.run(s)
    court = mpp_court.run(s, enrolment)
    fate = Fate(
        assigned=assigned,
        pathway=s.pathway,
        receiving=s.receiving,
        transfer=transfers.transfer,
        mpp_port=enrolment.port,
        enrolled=enrolment.returned,
        first_hearing=court.first_hearing,
        completion=court.completion,
        outcome=court.outcome,
        left_mexico=court.left_mexico,
        aca_admitted=transfers.admitted,
        aca_left=transfers.left,
        mpp_case=enrolment.case,
        mpp_inland=enrolment.inland,
        mpp_routed=enrolment.routed,
        case_rows=court.rows,
        hearing_day=court.hearing_day,
        hearing_absent=court.hearing_absent,
        reopened_termination=court.reopened_termination,
        reopened=court.reopened,
        aca_demand=transfers.demand,
        aca_capacity=transfers.capacity,
    )
    daily = metrics.daily(tree, pop, fate)
    headline = metrics.headline(tree, pop, fate, daily, windows)
    return Result(daily, headline, fate if keep_fate else None)
